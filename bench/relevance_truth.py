"""Ground truth of the relevance bench, taken from the sources' own names, never from results: the ImageNet wnid in
each sample's file name (and WordNet 3.0 above it), and "a face" for every test photo of a face library.

Photos are copied from bare mirrors (`fetch`) under names without words (`media/2/0007.jpg`), so no path term can
answer a query; manifest.json beside them says where each came from.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from third_party_corpora import extract

from services.media.formats import SUPPORTED
from services.semantic.wordnet_nltk import NltkWordNet

IMAGENET = "EliSchwartz/imagenet-sample-images"  # one photo per class: n01440764_tench.JPEG
FACES = {"ageitgey/face_recognition": ("examples", "tests/test_images"), "serengil/deepface": ("tests/unit/dataset",)}
FILE_TIME = 1_577_836_800  # 2020-01-01 on every copy: equal scores rank by id, not by the order of copying
PEOPLE = "person.n.01"  # ImageNet classes below it (groom, scuba diver, ballplayer) are photos of people too


def common_name(file_name: str) -> str:
    """What people call an ImageNet sample's class, from its file name: n04285008_sports_car.JPEG -> 'sports car'."""
    return Path(file_name).stem.split("_", 1)[1].replace("_", " ").lower()


@dataclass(frozen=True)
class Photo:
    path: str  # below the media folder
    source: str  # owner/name of the mirror
    name: str  # its path in the source
    wnid: str = ""  # the ImageNet class its file name carries; "" for a face library's photo

    @property
    def face(self) -> bool:
        return not self.wnid

    @property
    def class_name(self) -> str:
        return common_name(self.name) if self.wnid else ""

    @property
    def shown(self) -> str:
        return self.class_name if self.wnid else f"{self.source.split('/')[1]}:{Path(self.name).name}"


def prepare(mirror: Path, work: Path, every: int, also: set[str]) -> list[Photo]:
    """Every `every`-th ImageNet class and those named in `also`, and every face-library test photo, copied once
    each (same bytes: first kept) under media/<source number>/; returns the photos and writes manifest.json."""
    staging, media = work / "sources", work / "media"
    shutil.rmtree(media, ignore_errors=True)
    photos: list[Photo] = []
    seen: set[str] = set()
    sources = {IMAGENET: ("",), **FACES}
    for number, (repo, prefixes) in enumerate(sources.items(), start=1):
        git_dir = mirror / repo.replace("/", "+") / "repo"
        if not git_dir.is_dir():
            raise SystemExit(f"github:{repo} is not fetched under {mirror} (fetch it first)")
        files = sorted(p for prefix in prefixes for p in (extract(f"{git_dir}:{prefix}", staging) / prefix).rglob("*")
                       if p.suffix.lower() in SUPPORTED)
        root = staging / git_dir.parent.name
        if repo == IMAGENET:
            files = [f for i, f in enumerate(files) if i % every == 0 or common_name(f.name) in also]
        for file in files:
            data = file.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            target = Path(str(number)) / f"{len(photos):04d}{file.suffix.lower()}"
            (media / target).parent.mkdir(parents=True, exist_ok=True)
            (media / target).write_bytes(data)
            os.utime(media / target, (FILE_TIME, FILE_TIME))
            name = str(file.relative_to(root))
            photos.append(Photo(str(target), repo, name, name.split("_", 1)[0] if repo == IMAGENET else ""))
    (work / "manifest.json").write_text(json.dumps([asdict(p) for p in photos], indent=1))
    return photos


def load(work: Path) -> list[Photo]:
    return [Photo(**entry) for entry in json.loads((work / "manifest.json").read_text())]


def broken(photos: list[Photo], seed: int = 15) -> list[Photo]:
    """The honesty check: every label moved to another photo at random (the figures must fall)."""
    paths = [p.path for p in photos]
    random.Random(seed).shuffle(paths)
    return [replace(p, path=path) for p, path in zip(photos, paths)]


class Truth:
    """Which photos are right for a query, judged from labels only."""

    def __init__(self, photos: list[Photo], wordnet: NltkWordNet):
        """wordnet: nltk's reading, apart from the compact table the search reads (the judge is not the judged)."""
        self.photos = {p.path: p for p in photos}
        self.reader = wordnet.reader
        names = {p.path: wordnet.by_wnid(p.wnid) for p in photos if p.wnid}
        self.synsets = {path: self.reader.synset(name) if name else None for path, name in names.items()}
        self.above = {path: {s.name() for s in [synset, *synset.closure(lambda s: s.hypernyms()
                                                                         + s.instance_hypernyms())]}
                      for path, synset in self.synsets.items() if synset is not None}

    def unlabelled(self) -> list[Photo]:
        """ImageNet photos whose wnid WordNet does not know (no family or people truth for them)."""
        return [self.photos[path] for path, synset in self.synsets.items() if synset is None]

    def named(self, name: str) -> set[str]:
        """Photos of the classes called this (two ImageNet classes share 'crane', two 'maillot')."""
        return {p.path for p in self.photos.values() if p.class_name == name}

    def below(self, synset_names: set[str]) -> set[str]:
        return {path for path, above in self.above.items() if above & synset_names}

    def family(self, word: str) -> set[str]:
        """Photos whose class is the word's first noun sense or below it (WordNet's most frequent sense)."""
        senses = self.reader.synsets(word.replace(" ", "_"), pos="n")
        return self.below({senses[0].name()}) if senses else set()

    def any_sense(self, query: str) -> set[str]:
        """Photos a query could fairly mean: below any noun sense of it, else of its last word."""
        senses = self.reader.synsets(query.replace(" ", "_"), pos="n") or self.reader.synsets(query.split()[-1],
                                                                                               pos="n")
        return self.below({s.name() for s in senses})

    def people(self) -> set[str]:
        """Face libraries' photos and ImageNet classes of people."""
        return {p.path for p in self.photos.values() if p.face} | self.below({PEOPLE})
