"""Search relevance on real photos (issue #15's "Must show"): class right-first and top-5, family precision@10 and
recall, people precision, false hits on absent things, and the classifier's own right-first for comparison.

Usage: PYTHONPATH=. .venv/bin/python bench/relevance_bench.py [--data DIR] [--every 3] [--broken-truth]
Needs bare mirrors (`fetch`) of github:EliSchwartz/imagenet-sample-images, github:ageitgey/face_recognition and
github:serengil/deepface under --mirror. The first run copies the photos (relevance_truth.py) and runs
`picsift index` into DIR/library; a later run with the same DIR reuses that library: it brings the stages whose
version changed up to date (`picsift reprocess`), then builds the index afresh from the record store, so the
figures follow today's search code. Nothing here is committed to the project but the results table.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import relevance_truth
from relevance_truth import Photo, Truth
from stamp import REPO, stamp

from services.app.wiring import open_index, store_path
from services.pipeline.settings import PipelineSettings
from services.pipeline.stages import STAGE_PARTS
from services.search.api import MAX_LIMIT, CursorError, QueryError, SearchService
from services.search.index.snapshot import snapshot_dir
from services.search.store import RecordStore
from services.semantic.wordnet_nltk import NltkWordNet

FAMILIES = ("dog", "cat", "bird", "fish", "snake", "insect", "monkey", "vehicle", "boat", "fruit", "furniture",
            "musical instrument")
PEOPLE_WORDS = ("face", "woman", "man", "girl", "boy", "portrait")
ABSENT = ("snow mountain", "skyscraper", "lighthouse", "giraffe", "birthday cake", "fireworks", "snowman",
          "wedding dress", "eiffel tower", "sunset")
EXAMPLES = ("car", "man", "cat", "tiger", "sunglasses", "face", "skyscraper", "snow mountain", "sorrowful woman")
RESULTS = REPO / "bench" / "results" / "relevance.txt"


def picsift(library: Path, *args: str) -> dict:
    """One `picsift ... --json` over the bench's own data dir."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PICSIFT_DATA_DIR": str(library), "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, "-m", "services.app.cli", *args, "--json"], env=env,
                          capture_output=True, text=True)
    if not done.stdout.strip().startswith("{"):
        raise SystemExit(f"picsift {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def build_library(work: Path, library: Path) -> str:
    """Index the copied photos, or bring a reused library's stages up to their current versions."""
    if store_path(PipelineSettings(data_dir=library)).exists():
        asked = {stage: picsift(library, "reprocess", "--stage", stage)["requested"] for stage in STAGE_PARTS}
        return "reused library, reprocessed " + ", ".join(f"{stage} {n}" for stage, n in asked.items())
    summary = picsift(library, "index", str(work / "media"))
    return (f"indexed {summary['indexed']}, duplicates {summary['duplicates']}, failed {len(summary['failed'])}, "
            f"incomplete {len(summary['incomplete'])}, skipped {len(summary['skipped'])}")


class Searcher:
    """The gateway's query API over an index built afresh from the record store (no snapshot reused)."""

    def __init__(self, library: Path, media: Path):
        settings = PipelineSettings(data_dir=library)
        shutil.rmtree(snapshot_dir(store_path(settings)), ignore_errors=True)
        self.index = open_index(settings)
        self.service = SearchService(self.index)
        self.media = f"{media}/"
        self.errors: list[str] = []

    def hits(self, query: str, limit: int | None = None) -> list[str]:
        """Hit paths below the media folder, best first: the first `limit`, or every hit."""
        paths, cursor = [], None
        while True:
            try:
                page = self.service.search_sync(query, None, cursor, min(limit or MAX_LIMIT, MAX_LIMIT))
            except (QueryError, CursorError) as exc:
                self.errors.append(f"{query!r}: {exc}")
                return []
            paths += [hit["path"].removeprefix(self.media) for hit in page["hits"]]
            cursor = page["next_cursor"]
            if cursor is None or (limit and len(paths) >= limit):
                return paths[:limit] if limit else paths


def classes_by_path(library: Path, media: Path) -> dict[str, list]:
    """Each photo's classifier answer (best first), by path below the media folder."""
    store = RecordStore(store_path(PipelineSettings(data_dir=library)))
    try:
        return {path.removeprefix(f"{media}/"): list(record.vision.classes)
                for record in store.iter_all() for path in record.paths}
    finally:
        store.close()


def class_figures(truth: Truth, search: Searcher, classes: dict[str, list]) -> dict[str, float]:
    """Per class query (its common name): right photo first / in the top 5, by search and by the classifier."""
    names = sorted({p.class_name for p in truth.photos.values() if p.wnid})
    first = top5 = by_model = 0
    for name in names:
        right = truth.named(name)
        hits = search.hits(name, 5)
        first += bool(hits) and hits[0] in right
        top5 += bool(right & set(hits))
        wnids = {truth.photos[path].wnid for path in right}
        scores = {path: max((c.score for c in answer if c.wnid in wnids), default=0.0)
                  for path, answer in classes.items()}
        best = max(scores, key=scores.get, default=None)
        by_model += best in right and scores[best] > 0
    labelled = [p for p in truth.photos.values() if p.wnid]
    answers = [classes.get(p.path, []) for p in labelled]
    return {"class queries": len(names), "search right-first": first / len(names), "search top-5": top5 / len(names),
            "classifier: its top class right": sum(bool(a) and a[0].wnid == p.wnid for p, a in zip(labelled, answers))
            / len(labelled),
            "classifier: right class in its answer": sum(any(c.wnid == p.wnid for c in a)
                                                         for p, a in zip(labelled, answers)) / len(labelled),
            "class queries ranked by classifier score: right-first": by_model / len(names)}


def figures(hits: list[str], relevant: set[str]) -> tuple[float, float, float, int]:
    """Precision of the first 10 hits (of the first n when only n photos are relevant) and of every hit, recall,
    and how many hits in all."""
    k = min(10, len(relevant))
    found = sum(h in relevant for h in hits)
    return (sum(h in relevant for h in hits[:k]) / k if k else 0.0, found / len(hits) if hits else 0.0,
            found / len(relevant) if relevant else 0.0, len(hits))


def table(title: str, queries: tuple[str, ...], judge, search: Searcher) -> list[str]:
    """One row per query, then the means."""
    rows = [(q, len(relevant), *figures(search.hits(q), relevant)) for q in queries for relevant in [judge(q)]]
    lines = [f"{title:<22} {'relevant':>9} {'prec@10':>8} {'prec(all)':>10} {'recall':>7} {'hits':>5}"]
    lines += [f"  {q:<20} {n:>9} {p10:>8.0%} {p:>10.0%} {r:>7.0%} {h:>5}" for q, n, p10, p, r, h in rows]
    means = [sum(row[i] for row in rows) / len(rows) for i in (2, 3, 4)]
    lines.append(f"  {'mean':<20} {'':>9} {means[0]:>8.0%} {means[1]:>10.0%} {means[2]:>7.0%}")
    return lines


def report(photos: list[Photo], truth: Truth, search: Searcher, classes: dict[str, list], how: str) -> list[str]:
    lines = [stamp(), f"# {how}"]
    unlabelled = truth.unlabelled()
    for source in dict.fromkeys(p.source for p in photos):
        mine = [p for p in photos if p.source == source]
        lines.append(f"# {source}: {len(mine)} photos, {sum(p.path in classes for p in mine)} in the library, "
                     f"{sum(p in unlabelled for p in mine)} without ground truth (wnid unknown to WordNet)")
    lines.append("")
    lines += [f"{name:<52} {value:>6.0%}" if isinstance(value, float) else f"{name:<52} {value:>6}"
              for name, value in class_figures(truth, search, classes).items()]
    lines += ["", *table("family", FAMILIES, truth.family, search)]
    people = truth.people()
    lines += ["", *table("people", PEOPLE_WORDS, lambda q: people, search)]
    lines += ["", f"{'absent thing':<22} {'relevant':>9} {'false hits':>11}"]
    false_hits = {q: [h for h in search.hits(q) if h not in truth.any_sense(q)] for q in ABSENT}
    lines += [f"  {q:<20} {len(truth.any_sense(q)):>9} {len(false):>11}" for q, false in false_hits.items()]
    lines.append(f"  {'per query':<20} {'':>9} {sum(map(len, false_hits.values())) / len(ABSENT):>11.1f}")
    lines += ["", "examples: top 5 (+ right by the labels, - not)"]
    for query in EXAMPLES:
        right = people if query.split()[-1] in PEOPLE_WORDS else truth.any_sense(query)
        shown = [f"{'+' if h in right else '-'}{truth.photos[h].shown if h in truth.photos else h}"
                 for h in search.hits(query, 5)]
        lines.append(f"  {query:<16} {', '.join(shown) or '(nothing)'}")
    lines += [f"query error {error}" for error in search.errors]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/tmp/picsift-relevance"),
                        help="photos, manifest and library; reused when it holds a library")
    parser.add_argument("--mirror", type=Path, default=Path(os.environ.get("PICSIFT_MIRROR", "/work/.mirror")))
    parser.add_argument("--every", type=int, default=3,
                        help="every n-th ImageNet class, and those named like an example query (first run only)")
    parser.add_argument("--broken-truth", action="store_true", help="labels shuffled: the figures must fall")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.monotonic()
    library, media = args.data / "library", args.data / "media"
    photos = (relevance_truth.load(args.data) if (args.data / "manifest.json").exists()
              else relevance_truth.prepare(args.mirror, args.data, args.every, set(EXAMPLES)))
    how = build_library(args.data, library)
    judged = relevance_truth.broken(photos) if args.broken_truth else photos
    truth = Truth(judged, NltkWordNet())
    lines = report(judged, truth, Searcher(library, media), classes_by_path(library, media),
                   how + (", LABELS SHUFFLED (honesty check)" if args.broken_truth else ""))
    lines.append(f"# {time.monotonic() - started:.0f} s in all")
    print("\n".join(lines))
    if not args.broken_truth:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
