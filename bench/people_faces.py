"""Labelled real face photos from the test sets of two open-source face libraries, read from `fetch` mirrors.

deepface's tests/unit/dataset: identities from its master.csv and face-recognition-pivot.csv ("Yes" pairs joined);
face_recognition's examples: identities from the file and folder names. Identical files are kept once.
"""
from __future__ import annotations

import csv
import hashlib
import io
import subprocess
from pathlib import Path

MIRRORS = Path("/work/.mirror")
DEEPFACE, FACE_RECOGNITION = MIRRORS / "serengil+deepface/repo", MIRRORS / "ageitgey+face_recognition/repo"
NAMED = {"obama": ["examples/obama.jpg", "examples/obama2.jpg", "tests/test_images/obama3.jpg",
                   "examples/knn_examples/test/obama1.jpg"],
         "biden": ["examples/biden.jpg", "examples/knn_examples/train/biden/biden2.jpg"],
         "alex": ["examples/alex-lacamoire.png", "examples/knn_examples/train/alex_lacamoire/img1.jpg",
                  "examples/knn_examples/test/alex_lacamoire1.jpg"],
         "kit": ["examples/knn_examples/train/kit_harington/john1.jpeg",
                 "examples/knn_examples/train/kit_harington/john2.jpeg",
                 "examples/knn_examples/test/johnsnow_test1.jpg"],
         "rose": ["examples/knn_examples/train/rose_leslie/img1.jpg",
                  "examples/knn_examples/train/rose_leslie/img2.jpg"],
         "lin": ["examples/lin-manuel-miranda.png"]}


def available() -> bool:
    return DEEPFACE.is_dir() and FACE_RECOGNITION.is_dir()


def show(repo: Path, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:{path}"], capture_output=True,
                          check=True).stdout


def labelled() -> list[tuple[str, str, bytes]]:
    """(file name, identity, bytes) of every labelled photo."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    folder = "tests/unit/dataset"
    for name, column in (("master.csv", "Decision"), ("face-recognition-pivot.csv", "decision")):
        for row in csv.DictReader(io.StringIO(show(DEEPFACE, f"{folder}/{name}").decode())):
            a, b = (root(row[k].split("/")[-1]) for k in ("file_x", "file_y"))
            if row[column] == "Yes":
                parent[a] = b
    items = [(name, "deepface-" + root(name).removesuffix(".jpg"), show(DEEPFACE, f"{folder}/{name}"))
             for name in sorted(parent)]
    items += [(Path(p).name, who, show(FACE_RECOGNITION, p)) for who, paths in NAMED.items() for p in paths]
    seen, unique = set(), []
    for name, who, data in items:
        digest = hashlib.sha256(data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            unique.append((name, who, data))
    return unique


def write_media(into: Path) -> dict[str, str]:
    """The photos as photo-NNN files (names that do not give the person away); returns file name -> identity."""
    into.mkdir(parents=True, exist_ok=True)
    truth = {}
    for n, (name, who, data) in enumerate(labelled()):
        target = into / f"photo-{n:03d}{Path(name).suffix.lower()}"
        target.write_bytes(data)
        truth[target.name] = who
    return truth


def single_faces(store, truth: dict[str, str]) -> dict[str, str]:
    """Path -> identity of the photos with exactly one face (a group photo's label does not say which face)."""
    return {record.file.path: truth[Path(record.file.path).name] for record in store.iter_all()
            if len(record.vision.faces) == 1 and Path(record.file.path).name in truth}


def clustered(book, single: dict[str, str], owner: str, roots) -> dict[int, list[str]]:
    """Person id -> the identities of her one-face photos, for each listed person holding any."""
    grouped = {}
    for person in book.people(owner, roots):
        who = [single[item["path"]] for item in book.photos(owner, roots, person["id"])["photos"]
               if item["path"] in single]
        if who:
            grouped[person["id"]] = who
    return grouped


def quality(book, store, truth: dict[str, str], owner: str = "", roots=None) -> dict:
    """Cluster purity, each identity's share of her photos in her biggest cluster, and the precision of naming:
    each listed person is named after its commonest identity (as a user naming what she sees), then each name's
    photos are checked. Only photos with exactly one face count (a group photo's label does not say which face)."""
    from collections import Counter

    single = single_faces(store, truth)
    grouped = clustered(book, single, owner, roots)
    in_clusters = sum(len(who) for who in grouped.values())
    purity = sum(Counter(who).most_common(1)[0][1] for who in grouped.values()) / max(1, in_clusters)
    identities = Counter(single.values())
    share = {who: max((Counter(w)[who] for w in grouped.values()), default=0) / n
             for who, n in identities.items() if n >= 2}
    named: dict[str, list[str]] = {}
    for who in grouped.values():
        named.setdefault(Counter(who).most_common(1)[0][0], []).extend(who)
    returned = sum(len(who) for who in named.values())
    precision = sum(Counter(who)[name] for name, who in named.items()) / max(1, returned)
    return {"photos": len(single), "identities": len(share), "people": len(grouped),
            "unplaced": len(single) - in_clusters, "purity": purity,
            "identity_share": sum(share.values()) / max(1, len(share)),
            "worst_identity_share": min(share.values(), default=0), "name_precision": precision}


def searched_name_precision(book, store, truth: dict[str, str], owner: str = "", roots=None) -> tuple[float, int]:
    """Name each listed person after its commonest identity (one word, as a user would type it; a name given twice
    merges, as in the gallery), then search each name as a query: the share of the one-face photos found that show
    that identity, and how many were found. The search is the real one (bitmap index, the people book's faces)."""
    from collections import Counter

    from services.people.service import NamedPeople
    from services.search.api import SearchService
    from services.search.index.bitmap import BitmapIndex

    single = single_faces(store, truth)
    names = {}
    for person, who in clustered(book, single, owner, roots).items():
        identity = Counter(who).most_common(1)[0][0]
        name = "".join(ch for ch in identity.lower() if ch.isalnum())
        names[name] = identity
        book.name(owner, person, name)
    index = BitmapIndex(store)
    service, lookup = SearchService(index), NamedPeople(book, store, owner, roots)
    right = found = 0
    for name, identity in names.items():
        for hit in service.search_sync(name, roots, limit=200, people=lookup)["hits"]:
            if hit["path"] in single:
                found += 1
                right += single[hit["path"]] == identity
    index.close()
    return right / max(1, found), found
