"""Query latency (p50/p95/p99 over 20 realistic queries) and indexing records/s on generated SQLite indexes.

Usage: .venv/bin/python bench/search_bench.py [--sizes 10000,100000,1000000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from proto import pb
from services.search.api import SearchService
from services.search.index.sqlite import SqliteIndex
from services.search.store import RecordStore

LABELS = ["tabby cat", "golden retriever", "pizza", "espresso", "sports car", "church", "beach", "mountain",
          "dress", "bicycle", "sunset", "lake", "bridge", "castle", "forest", "birthday cake", "boat", "horse"]
HYPERNYMS = {"tabby cat": ["cat", "animal", "pet"], "golden retriever": ["dog", "animal", "pet"],
             "pizza": ["food", "dish"], "espresso": ["coffee", "drink"], "sports car": ["car", "vehicle"],
             "church": ["building"], "birthday cake": ["food", "cake"], "boat": ["vehicle"], "horse": ["animal"]}
CITIES = [("miami", "united states", 25.77, -80.19), ("paris", "france", 48.85, 2.35),
          ("tokyo", "japan", 35.69, 139.69), ("sydney", "australia", -33.87, 151.21),
          ("berlin", "germany", 52.52, 13.40), ("rome", "italy", 41.89, 12.48)]
CAMERAS = ["canon", "nikon", "sony", "apple", "fujifilm"]
EMOTIONS = ["happy", "sad", "neutral", "surprised"]
QUERIES = ["cat", "happy woman", "beach sunset", "camera:canon", "city:paris", "dog or cat", "pizza -espresso",
           "2019..2020", "near:miami 50km", "happy woman in her 20ies in miami wearing a dress",
           "faces:2..4", "food", "animal pet", "sports car nikon", '"tabby cat"', "year:2021 season:summer",
           "old man", "church rome", "kid happy", "mountain lake forest"]


def make_record(i: int, rng: random.Random) -> pb.Record:
    root = f"/media/user{i % 4}"
    r = pb.Record(id=f"{i:064x}", paths=[f"{root}/{2015 + i % 8}/img_{i:07}.jpg"])
    r.file.path, r.file.root, r.file.mtime = r.paths[0], root, 1.4e9 + i * 300
    for label in rng.sample(LABELS, 2):
        r.semantic.terms.append(pb.Term(key="label", value=label, source="classifier", weight=0.9))
        for h in HYPERNYMS.get(label, []):
            r.semantic.terms.append(pb.Term(key="hypernym", value=h, source="wordnet", weight=0.5))
    city, country, lat, lon = rng.choice(CITIES)
    r.exif.has_place = True
    r.exif.place.CopyFrom(pb.Place(city=city, country=country, lat=lat + rng.uniform(-0.2, 0.2),
                                   lon=lon + rng.uniform(-0.2, 0.2)))
    year = 2015 + i % 8
    r.exif.taken_at, r.exif.taken_at_trusted = f"{year}-{1 + i % 12:02}-10T12:00:00", True
    for key, value in (("city", city), ("country", country), ("year", str(year)), ("camera", rng.choice(CAMERAS)),
                       ("season", rng.choice(["spring", "summer", "autumn", "winter"]))):
        r.exif.terms.append(pb.Term(key=key, value=value, source="exif", weight=0.9))
    for face in range(1, rng.choice([0, 0, 1, 1, 2, 4]) + 1):
        age = rng.randint(3, 80)
        r.vision.faces.append(pb.Face(age=age))
        gender = rng.choice([("female", "woman"), ("male", "man")])
        band = "kid" if age < 10 else "teen" if age < 20 else f"{age // 10 * 10}ies" if age < 60 else "old"
        for key, value in (("gender", gender[0]), ("gender", gender[1]), ("age", band),
                           ("emotion", rng.choice(EMOTIONS))):
            r.semantic.terms.append(pb.Term(key=key, value=value, source="face", weight=0.8, face=face))
    return r


def build(folder: Path, n: int) -> tuple[SearchService, float]:
    rng = random.Random(n)
    store, index = RecordStore(folder / "picsift.db"), SqliteIndex(folder / "picsift.db")
    started = time.perf_counter()
    for i in range(n):
        index.upsert(store.merge(make_record(i, rng)))
    return SearchService(index), n / (time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        folder = Path(tempfile.mkdtemp(prefix="picsift-search-bench-"))
        service, rate = build(folder, n)
        roots = ["/media/user1"]
        service.search_sync("warm up near:paris", roots)
        latencies = []
        slowest = ("", 0.0)
        for _ in range(args.repeat):
            for query in QUERIES:
                started = time.perf_counter()
                service.search_sync(query, roots, limit=50)
                ms = (time.perf_counter() - started) * 1000
                latencies.append(ms)
                slowest = max(slowest, (query, ms), key=lambda x: x[1])
        rows.append((n, rate, percentile(latencies, 0.5), percentile(latencies, 0.95), percentile(latencies, 0.99),
                     slowest))
    print(f"\n{'records':>9} {'index rec/s':>12} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  slowest query")
    for n, rate, p50, p95, p99, (query, ms) in rows:
        print(f"{n:>9} {rate:>12.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}  {query!r} {ms:.0f} ms")


if __name__ == "__main__":
    main()
