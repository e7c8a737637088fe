"""Near-copies: precision and recall on a set built from real photos, the cost per photo of the hashes stage, and
the multi-index lookup against a scan as the library grows.

The set (tests/fixtures/near_copies.py): each real original (exif samples, scikit-image photos) with 11 copies
(resized 50 % and 25 %, JPEG quality 30/50/75/95, crops, turns of 2-3 degrees, all at once) among real distractors.
Pairs are counted within found groups (pairwise precision and recall); per kind of copy, whether it joined its
original's group; whether the best copy marked is the original or its quality-95 re-encoding (same pixels, higher
quality); the cameras' own near-copies (bursts, HDR on/off, an edit) are reported apart. The lookup timing uses
generated hashes (clusters of near hashes and random ones), inserted straight into the book's table.
Saves the table under bench/results/duplicates.txt.
Usage: PYTHONPATH=. .venv/bin/python bench/duplicates_bench.py [--sizes 10000,100000,1000000]
"""
from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from stamp import REPO, stamp

sys.path.insert(0, str(REPO / "tests"))
from fixtures.near_copies import REAL_PAIRS, VARIANTS, build, pair_scores, source  # noqa: E402
from proto import pb  # noqa: E402
from services.duplicates import hamming  # noqa: E402
from services.duplicates.book import DuplicatesBook  # noqa: E402
from services.duplicates.settings import DuplicatesSettings  # noqa: E402
from services.hashes.service import hashes_of  # noqa: E402
from services.search.store import RecordStore  # noqa: E402

SAMPLES = REPO.parent / "shared" / "testdata" / "exif-samples"
RADII = ((8, 12), (10, 14), (12, 16), (14, 18), (16, 20))


def record_of(i: int, path: Path) -> pb.Record:
    with Image.open(path) as image:
        width, height = image.size
    return pb.Record(id=f"{i:064x}", paths=[str(path)], hashes=hashes_of(str(path)),
                     file=pb.FileFacts(path=str(path), width=width, height=height))


def quality(photos, store: RecordStore, lines: list[str]) -> None:
    default = DuplicatesSettings()
    lines.append(f"{'pHash':>5} {'dHash':>5} {'precision':>9} {'recall':>6} {'groups':>6} {'best ok':>7}  "
                 + " ".join(f"{v[:8]:>8}" for v in VARIANTS))
    for phash, dhash in RADII:
        book = DuplicatesBook(":memory:", phash, dhash)
        book.follow(store.changed_since)
        groups = book.groups(None)
        scores = pair_scores(photos, [{Path(p["path"]) for p in g["photos"]} for g in groups])
        group_of = {Path(p["path"]): g["id"] for g in groups for p in g["photos"]}
        home = {p.family: group_of.get(p.path) for p in photos if p.variant == "original"}
        joined, total = collections.Counter(), collections.Counter()
        for p in photos:
            if p.family and p.variant != "original":
                total[p.variant] += 1
                joined[p.variant] += group_of.get(p.path) is not None and group_of[p.path] == home[p.family]
        best = sum(1 for family, gid in home.items() if gid and Path(next(g for g in groups if g["id"] == gid)[
            "photos"][0]["path"]).name in (f"{family}.jpg", f"{family}.q95.jpg"))
        mark = " <- default" if (phash, dhash) == (default.phash, default.dhash) else ""
        lines.append(f"{phash:>5} {dhash:>5} {scores['precision']:>9.3f} {scores['recall']:>6.3f} {len(groups):>6} "
                     f"{best:>3}/{len(home):<3}  " + " ".join(f"{joined[v] / total[v]:>8.2f}" for v in VARIANTS)
                     + mark)


def real_pairs(lines: list[str]) -> None:
    default = DuplicatesSettings()
    lines.append("")
    lines.append("the cameras' own near-copies (not in the set above): pHash / dHash distance, grouped at the default")
    for a, b in REAL_PAIRS:
        ha, hb = (hashes_of(str(source(SAMPLES, name))) for name in (a, b))
        dp, dd = hamming.distance(ha.phash, hb.phash), hamming.distance(ha.dhash, hb.dhash)
        grouped = dp <= default.phash and dd <= default.dhash
        lines.append(f"  {Path(a).name} ~ {Path(b).name}: {dp:>2} / {dd:>2}  {'grouped' if grouped else 'apart'}")


def lookup(sizes: list[int], lines: list[str]) -> None:
    default = DuplicatesSettings()
    rng = random.Random(7)
    lines.append("")
    lines.append(f"lookup of one photo's near hashes (pHash radius {default.phash}, dHash {default.dhash}; generated "
                 "hashes: 10 % in clusters of 5 near copies, the rest random)")
    lines.append(f"{'photos':>9} {'multi-index ms':>14} {'numpy scan ms':>13} {'found':>6} {'index build s':>13} "
                 f"{'add ms':>6}")
    for size in sizes:
        centres = [rng.getrandbits(64) for _ in range(size // 50)]
        hashes = [c ^ rng.getrandbits(64) & rng.getrandbits(64) & rng.getrandbits(64) & rng.getrandbits(64)
                  for c in centres for _ in range(5)]
        hashes += [rng.getrandbits(64) for _ in range(size - len(hashes))]
        started = time.perf_counter()
        index = hamming.MultiIndex([(f"p{i}", h, h) for i, h in enumerate(hashes)])
        built = time.perf_counter() - started
        queries = [rng.choice(hashes) for _ in range(200)]
        started = time.perf_counter()
        found = sum(len(index.within(q, q, default.phash, default.dhash)) for q in queries)
        indexed = (time.perf_counter() - started) / len(queries)
        table = np.array(hashes, np.uint64)
        started = time.perf_counter()
        for q in queries[:20]:
            np.flatnonzero(np.bitwise_count(table ^ np.uint64(q)) <= default.phash)
        scanned = (time.perf_counter() - started) / 20
        started = time.perf_counter()
        for i in range(hamming.REBUILD_AFTER):  # one full cycle of additions, the re-sort included
            index.add(f"new{i}", rng.getrandbits(64), 0)
        added = (time.perf_counter() - started) / hamming.REBUILD_AFTER
        lines.append(f"{size:>9,} {indexed * 1000:>14.3f} {scanned * 1000:>13.2f} {found / len(queries):>6.1f} "
                     f"{built:>13.1f} {added * 1000:>6.2f}")
    lines.append("(a scan per photo is all pairs over a library: at 1M photos, 1M scans)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    lines = [stamp()]
    with tempfile.TemporaryDirectory() as scratch:
        photos = build(SAMPLES, Path(scratch))
        started = time.perf_counter()
        records = [record_of(i, p.path) for i, p in enumerate(photos)]
        per_photo = (time.perf_counter() - started) / len(photos)
        store = RecordStore(":memory:")
        store.merge_many(records)
        book = DuplicatesBook(":memory:", DuplicatesSettings().phash, DuplicatesSettings().dhash)
        started = time.perf_counter()
        book.follow(store.changed_since)
        follow = (time.perf_counter() - started) / len(photos)
        originals = sum(p.variant == "original" for p in photos)
        lines.append(f"set: {originals} real originals x {len(VARIANTS)} copies + "
                     f"{sum(p.family is None for p in photos)} real distractors = {len(photos)} photos (up to 1024 px)")
        lines.append(f"hashes stage: {per_photo * 1000:.1f} ms per photo (decode at 1024 px, pHash, dHash, quality, "
                     f"sharpness; one core); the book: {follow * 1000:.2f} ms per photo to file it and find its pairs")
        lines.append("")
        quality(photos, store, lines)
    real_pairs(lines)
    lookup([int(s) for s in args.sizes.split(",")], lines)
    text = "\n".join(lines)
    print(text)
    (REPO / "bench" / "results" / "duplicates.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
