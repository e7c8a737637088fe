"""Query latency (p50/p95/p99 per query over 20 queries, explain and facets included), indexing records/s,
bytes on disk and RSS of the bitmap index, on generated realistic records (>= 45 terms per photo).

Every query is matched and ranked afresh (the index keeps no answers here: see gateway_bench.py for asked-again).
Usage: PYTHONPATH=. .venv/bin/python bench/search_bench.py [--sizes 100000,1000000] [--repeat 5] [--keep DIR]
       (--keep: each size is built in DIR/<size> and kept; a size already there is queried again, not rebuilt)
Each size ends with one JSON line: records, terms_per_photo, p50/p95/p99 ms, index records/s (batched and one at
a time), snapshot bytes per photo, a fresh process's first query and peak RSS.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from proto import pb
from services.search.api import SearchService
from services.search.index.bitmap import BitmapIndex
from services.search.index.port import index_terms
from services.search.index.snapshot import snapshot_dir
from services.search.store import RecordStore
from stamp import REPO, stamp

LABELS = ["tabby cat", "golden retriever", "pizza", "espresso", "sports car", "church", "beach", "mountain",
          "dress", "bicycle", "sunset", "lake", "bridge", "castle", "forest", "birthday cake", "boat", "horse"]
HYPERNYMS = {"tabby cat": ["cat", "feline", "carnivore", "mammal", "animal", "pet"],
             "golden retriever": ["retriever", "dog", "canine", "carnivore", "mammal", "animal", "pet"],
             "pizza": ["dish", "food", "nutriment"], "espresso": ["coffee", "beverage", "drink", "food"],
             "sports car": ["car", "motor vehicle", "vehicle", "conveyance"], "church": ["place of worship",
             "building", "structure"], "birthday cake": ["cake", "baked goods", "food"], "boat": ["vessel",
             "vehicle", "craft"], "horse": ["equine", "ungulate", "mammal", "animal"], "beach": ["shore", "geological formation"],
             "mountain": ["natural elevation", "geological formation"], "dress": ["garment", "clothing"],
             "bicycle": ["wheeled vehicle", "vehicle"], "lake": ["body of water"], "bridge": ["structure"],
             "castle": ["fortification", "structure"], "forest": ["vegetation"], "sunset": ["hour", "time of day"]}
SYNONYMS = {"tabby cat": ["tabby", "house cat"], "golden retriever": ["retriever"], "sports car": ["sport car"],
            "espresso": ["coffee"], "boat": ["vessel"], "bicycle": ["bike", "wheel"], "sunset": ["sundown"],
            "beach": ["seashore", "coast"], "dress": ["frock"], "forest": ["wood", "woods"]}
RARE = [f"lemma{k:05}" for k in range(20000)]  # the long tail of WordNet lemmas and path words
CITIES = [("miami", "florida", "united states", "us", "north america", 25.77, -80.19),
          ("paris", "ile-de-france", "france", "fr", "europe", 48.85, 2.35),
          ("tokyo", "tokyo", "japan", "jp", "asia", 35.69, 139.69),
          ("sydney", "new south wales", "australia", "au", "oceania", -33.87, 151.21),
          ("berlin", "berlin", "germany", "de", "europe", 52.52, 13.40),
          ("rome", "lazio", "italy", "it", "europe", 41.89, 12.48)]
CAMERAS = [("canon", "canon eos 80d"), ("nikon", "nikon d750"), ("sony", "sony a7 iii"), ("apple", "iphone 13"),
           ("fujifilm", "fujifilm x-t3")]
EMOTIONS = ["happy", "sad", "neutral", "surprised"]
USERS = 4  # one user's scope is a quarter of the library
QUERIES = ["cat", "happy woman", "beach sunset", "camera:canon", "city:paris", "dog or cat", "pizza -espresso",
           "2019..2020", "near:miami 50km", "happy woman in her 20ies in miami wearing a dress",
           "faces:2..4", "food", "animal pet", "sports car nikon", '"tabby cat"', "year:2021 season:summer",
           "old man", "church rome", "kid happy", "mountain lake forest"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]


def make_record(i: int, rng: random.Random) -> pb.Record:
    """One photo as the stages write it: classes with hypernyms and synonyms, EXIF and place words, faces."""
    user = i % USERS
    year, month = 2015 + (i // USERS) % 8, 1 + i % 12
    root = f"/media/user{user}"
    folder = f"{root}/{year}/{rng.choice(['holiday', 'family', 'misc', 'trip'])}"
    r = pb.Record(id=hashlib.sha256(str(i).encode()).hexdigest(), paths=[f"{folder}/img_{i:07}.jpg"])  # as ingest
    r.file.path, r.file.root, r.file.mtime = r.paths[0], root, 1.4e9 + i * 300
    for label in rng.sample(LABELS, 3):
        confidence = rng.uniform(0.05, 0.95)
        r.semantic.terms.append(pb.Term(key="label", value=label, source="classifier", weight=confidence))
        for depth, h in enumerate(HYPERNYMS.get(label, []), start=1):
            r.semantic.terms.append(pb.Term(key="hypernym", value=h, source="wordnet", weight=confidence / (1 + depth)))
        for s in SYNONYMS.get(label, []):
            r.semantic.terms.append(pb.Term(key="synonym", value=s, source="wordnet", weight=confidence * 0.8))
    for lemma in rng.sample(RARE, 8):
        r.semantic.terms.append(pb.Term(key="keyword", value=lemma, source="wordnet", weight=0.2))
    city, region, country, code, continent, lat, lon = rng.choice(CITIES)
    r.exif.has_place = True
    r.exif.place.CopyFrom(pb.Place(city=city, country=country, lat=lat + rng.uniform(-0.2, 0.2),
                                   lon=lon + rng.uniform(-0.2, 0.2)))
    r.exif.taken_at = f"{year}-{month:02}-{rng.randint(1, 28):02}T{rng.randint(6, 22):02}:{rng.randint(0, 59):02}:00"
    r.exif.taken_at_trusted = True  # to the minute: bursts and cameras that agree on a minute make ties
    make, model = rng.choice(CAMERAS)
    for key, value in (("city", city), ("region", region), ("country", country), ("country_code", code),
                       ("continent", continent), ("year", str(year)), ("month", MONTHS[month - 1]),
                       ("camera", make), ("make", make), ("model", model),
                       ("season", rng.choice(["spring", "summer", "autumn", "winter"])),
                       ("daypart", rng.choice(["morning", "afternoon", "evening", "night"])),
                       ("light", rng.choice(["outdoors", "indoors"])), ("folder", folder.rsplit("/", 1)[1])):
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


def build(folder: Path, n: int, batch: int = 5000, single: int = 5000) -> dict:
    """Store merges first (not timed), then the index in batches as the indexer writes; then `single` more photos
    one at a time, each merged and taken in before the next (the watcher's case)."""
    rng = random.Random(n)
    store = RecordStore(folder / "picsift.db")
    index = BitmapIndex(store)
    elapsed, terms, sampled = 0.0, 0, 0
    for start in range(0, n - single, batch):
        records = [store.merge(make_record(i, rng)) for i in range(start, min(n - single, start + batch))]
        terms += sum(len(index_terms(r)) for r in records[:50])
        sampled += min(50, len(records))
        began = time.perf_counter()
        index.upsert_many(records)
        elapsed += time.perf_counter() - began
    one_by_one = 0.0
    for i in range(n - single, n):
        record = store.merge(make_record(i, rng))
        began = time.perf_counter()
        index.upsert(record)
        one_by_one += time.perf_counter() - began
    began = time.perf_counter()
    index.close()
    closing = time.perf_counter() - began
    store.close()
    return {"batched": (n - single) / elapsed, "single": single / one_by_one, "terms": terms / sampled,
            "save_s": closing}


def first_query(folder: Path, roots: list[str]) -> tuple[float, float]:
    """A fresh process opens the index and answers one query: (milliseconds, that process's peak RSS in MB)."""
    code = ("import time; t = time.perf_counter(); "
            "from services.search.api import SearchService; from services.search.index.bitmap import BitmapIndex; "
            f"s = SearchService(BitmapIndex.open({str(folder / 'picsift.db')!r})); "
            f"s.search_sync('happy woman', {roots!r}, explain=True); "
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; "
            "print((time.perf_counter() - t) * 1000, int(hwm) / 1024)")  # ru_maxrss would carry the parent's over exec
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}).stdout.split()
    return float(out[0]), float(out[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def run(n: int, repeat: int, keep: Path | None = None) -> dict:
    folder = keep / str(n) if keep else Path(tempfile.mkdtemp(prefix="picsift-search-bench-"))
    reused = keep is not None and (folder / "picsift.db").exists()
    if reused:
        built = {"batched": math.nan, "single": math.nan, "terms": math.nan, "save_s": math.nan}
        print(f"\n{folder}: built by an earlier run, queried again (build figures are that run's)")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        built = build(folder, n)
    roots = ["/media/user1"]
    first_ms, reader_mb = first_query(folder, roots)
    service = SearchService(BitmapIndex.open(folder / "picsift.db", answers_kept=0))  # each query afresh
    service.search_sync("warm up near:paris", roots)  # loads the place names once
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(repeat):
        for query in QUERIES:
            began = time.perf_counter()
            service.search_sync(query, roots, limit=50, explain=True)
            per_query[query].append((time.perf_counter() - began) * 1000)
    print(f"\nat {n:,} records: {'query':<60} {'p50':>7} {'p95':>7} {'p99':>7} ms")
    for query, values in per_query.items():
        print(f"  {query:<70} {percentile(values, .5):>7.1f} {percentile(values, .95):>7.1f} "
              f"{percentile(values, .99):>7.1f}")
    every = [v for values in per_query.values() for v in values]
    index_bytes = folder_bytes(snapshot_dir(folder / "picsift.db"))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  index {built['batched']:,.0f} rec/s batched, {built['single']:,.0f} rec/s one at a time, last save "
          f"{built['save_s']:.1f} s; snapshot {index_bytes / n:,.0f} B/photo ({index_bytes / 1e6:,.0f} MB); "
          f"a fresh process: first query {first_ms:,.0f} ms, peak RSS {reader_mb:,.0f} MB; "
          f"this process peak RSS {rss_mb:,.0f} MB")
    service.index.close()
    if keep is None:
        shutil.rmtree(folder)
    def rounded(x: float, digits: int | None = None):
        return None if math.isnan(x) else round(x, digits)

    return {"records": n, "terms_per_photo": rounded(built["terms"], 1),
            "p50_ms": round(percentile(every, .5), 2), "p95_ms": round(percentile(every, .95), 2),
            "p99_ms": round(percentile(every, .99), 2), "index_records_per_s": rounded(built["batched"]),
            "single_records_per_s": rounded(built["single"]), "bytes_per_photo": round(index_bytes / n),
            "first_query_ms": round(first_ms), "reader_rss_mb": round(reader_mb)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build each size in DIR/<size> and keep it (queried again later)")
    args = parser.parse_args()
    print(f"search bench: {stamp()}; one user's scope = 1/{USERS} of the records, explain and facets on")
    for n in (int(s) for s in args.sizes.split(",")):
        print(json.dumps(run(n, args.repeat, args.keep)), flush=True)


if __name__ == "__main__":
    main()
