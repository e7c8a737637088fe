"""People: identity separation on real labelled faces, ms per face for the embedding, clustering at 100k faces.

The real faces are the test photos of deepface and face_recognition (bench/people_faces.py; `fetch` them first);
they are indexed by the whole pipeline, then clustered at several match thresholds. The 100k timing uses generated
embeddings: identities as random directions, 20 faces each as noisy copies (cosine between two about 0.8).
Saves the table under bench/results/people.txt.
Usage: .venv/bin/python bench/people_bench.py [--faces 100000]   (--faces 0: no clustering timing)
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import people_faces
from proto import embedding, pb
from stamp import REPO, stamp
from services.people.book import PeopleBook
from services.people.service import refreshed
from services.search.store import RecordStore
from services.vision.build import build_models
from services.vision.inference.faces import FaceEmbedder
from services.vision.runtime.local import LocalRuntime
from services.vision.settings import VisionSettings

THRESHOLDS = (0.62, 0.64, 0.66, 0.68, 0.70)


def real_faces(scratch: Path) -> list[str]:
    media, data = scratch / "media", scratch / "data"
    truth = people_faces.write_media(media)
    env = {**os.environ, "PICSIFT_DATA_DIR": str(data), "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "services.app.cli", "index", str(media), "--json"], env=env, check=True,
                   capture_output=True)
    store = RecordStore(data / "picsift.db")
    rows = [f"real faces: {len(truth)} photos of {len(set(truth.values()))} people, indexed by the pipeline",
            "match  people  unplaced  purity  identity-in-one-cluster (mean / worst)  name precision  "
            "name search precision (photos found)"]
    for match in THRESHOLDS:
        book = refreshed(PeopleBook(scratch / f"people-{match}.db", match), store, "", None)
        q = people_faces.quality(book, store, truth)
        searched, found = people_faces.searched_name_precision(book, store, truth)
        rows.append(f"{match:5.2f}  {q['people']:6d}  {q['unplaced']:8d}  {q['purity']:6.1%}  "
                    f"{q['identity_share']:6.1%} / {q['worst_identity_share']:6.1%}{'':19s}{q['name_precision']:6.1%}"
                    f"{'':10s}{searched:6.1%} ({found})")
        book.close()
    store.close()
    return rows


async def ms_per_face(faces: int = 64) -> str:
    settings = VisionSettings()
    build_models(settings.models_dir, progress=lambda line: None)
    runtime = LocalRuntime(settings.models_dir, settings.vision_threads)
    crops = np.random.default_rng(0).uniform(0, 255, (16, 224, 224, 3)).astype(np.float32)
    await runtime.predict(FaceEmbedder.name, {"images": crops})  # load once
    started = time.perf_counter()
    for _ in range(faces // 16):
        await runtime.predict(FaceEmbedder.name, {"images": crops})
    await runtime.close()
    return f"faceid embedding: {(time.perf_counter() - started) * 1000 / faces:.1f} ms per face (batches of 16)"


def generated(n: int, first: int, rng) -> list:
    identities = rng.standard_normal((max(1, n // 20), 1024)).astype(np.float32)
    noise = 0.5 / np.sqrt(1024)
    return [pb.Record(id=f"g{first + i}", paths=[f"/gen/{first + i}.jpg"], vision=pb.VisionResult(faces=[pb.Face(
        box=pb.Box(x1=0.1, y1=0.1, x2=0.3, y2=0.3), embedding=embedding.pack(
            identities[i % len(identities)] / np.sqrt(1024) + noise * rng.standard_normal(1024)))]))
            for i in range(n)]


def clustering(n: int, scratch: Path) -> list[str]:
    rng = np.random.default_rng(1)
    book = PeopleBook(scratch / "people-gen.db", 0.68)
    records = generated(n, 0, rng)
    feed = [(i + 1, r) for i, r in enumerate(records)]
    rows = []
    started = time.perf_counter()
    book.follow(lambda seq: feed[seq:seq + 5000])
    rows.append(f"{n} generated faces: read from the change feed in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    first = book.cluster("", None)
    rows.append(f"first clustering: {time.perf_counter() - started:.1f}s ({first['new_people']} people)")
    later = [(n + i + 1, r) for i, r in enumerate(generated(500, n, np.random.default_rng(1)))]
    book.follow(lambda seq: later[seq - n:seq - n + 5000] if seq >= n else [])
    started = time.perf_counter()
    more = book.cluster("", None)
    rows.append(f"500 new faces joining {n}: {time.perf_counter() - started:.1f}s ({more['joined']} joined)")
    book.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=int, default=100_000)
    args = parser.parse_args()
    rows = [stamp()]
    with tempfile.TemporaryDirectory() as scratch:
        if people_faces.available():
            rows += real_faces(Path(scratch))
        else:
            rows.append("real faces: not measured (fetch github:serengil/deepface, github:ageitgey/face_recognition)")
        rows.append(asyncio.run(ms_per_face()))
        if args.faces:
            rows += clustering(args.faces, Path(scratch))
    text = "\n".join(rows)
    print(text)
    (REPO / "bench" / "results" / "people.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
