"""`picsift index` in steady state on camera-size real photos, start-up apart.

The photos: every distinct decodable real photo of the samples, each made a 4000x3000 JPEG (12 MP, quality 90, its
EXIF kept), cycling through them with a different crop each round and a numbered comment, so every file is new; every
third one is made from the labelled face photos of two face libraries' test sets (bench/people_faces.py, when fetched),
so about a third of the photos hold faces, as #19 measures (the table says the share the run found).
The command runs once per in-process vision engine, in a fresh data dir. Each photo's completion is the latest
finished_at of its stages in the record store: start-up is the launch to the first photo done; the steady rate is
the photos done between the first and the last fifth of completions over the time between them (no start-up, no
drain). Memory is the command's process tree (decoder workers included), sampled every 50 ms; CPU is the tree's.
On cores shared with other work, wall time follows the machine's load: the load is printed beside every figure.
Puts its table on top of bench/results/index.txt.
Usage: PYTHONPATH=. .venv/bin/python bench/index_bench.py [--photos 60] [--engines onnx,tensorflow]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageOps

import people_faces
from ingest_rss_bench import SAMPLES, run_index
from services.search.store import RecordStore
from stamp import save_newest_first, stamp

SIZE = (4000, 3000)
FACES_EVERY = 3  # every third photo from the face photos
STAGES = ("exif", "vision", "semantic", "hashes")


def sources() -> list[Path]:
    """The samples' real photos big enough to be photos (not thumbnails or broken files), each once."""
    found, seen = [], set()
    for path in sorted(p for p in SAMPLES.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg")):
        digest = hashlib.sha256(path.read_bytes()).digest()
        if digest in seen:
            continue
        seen.add(digest)
        try:
            with Image.open(path) as image:
                image.load()
                if image.width * image.height >= 300_000:
                    found.append(path)
        except Exception:  # noqa: BLE001 - the samples hold broken files on purpose
            continue
    return found


def face_photos() -> list[tuple[str, bytes]]:
    """(stem, bytes) of the face libraries' labelled photos; none when their mirrors are not fetched."""
    return [(Path(name).stem, data) for name, _, data in people_faces.labelled()] if people_faces.available() else []


def photos_dir(with_faces: bool) -> Path:
    return Path(tempfile.gettempdir()) / ("picsift-index-bench-photos-faces" if with_faces else
                                          "picsift-index-bench-photos")


def camera_photos(count: int) -> list[Path]:
    """`count` 12 MP JPEGs made from the real photos (made once, kept in the temp dir)."""
    faces = face_photos()
    folder = photos_dir(bool(faces))
    made = sorted(folder.glob("*.jpg"))
    if len(made) >= count:
        return made[:count]
    folder.mkdir(exist_ok=True)
    samples = [(path.stem, path.read_bytes()) for path in sources()]
    for number in range(len(made), count):
        if faces and number % FACES_EVERY == FACES_EVERY - 1:
            pool, place = faces, number // FACES_EVERY
        else:
            pool, place = samples, number - (number // FACES_EVERY if faces else 0)
        stem, data = pool[place % len(pool)]
        with Image.open(io.BytesIO(data)) as image:
            exif = image.info.get("exif", b"")
            upright = ImageOps.exif_transpose(image).convert("RGB")
        round_ = place // len(pool)
        shift = 0.1 * (round_ % 5) / 5  # a different crop each round: new pixels, a new id
        width, height = upright.size
        box = (int(width * shift), int(height * shift), int(width * (0.9 + shift)), int(height * (0.9 + shift)))
        photo = ImageOps.fit(upright.crop(box), SIZE, Image.Resampling.BICUBIC)
        photo.save(folder / f"{number:05}-{stem}.jpg", quality=90, exif=exif,
                   comment=f"picsift bench photo {number}")  # a flat photo crops the same: new bytes still
    return sorted(folder.glob("*.jpg"))[:count]


def index(photos: list[Path], work: Path, engine: str) -> dict:
    """One run; the photos' completion times, seconds after the launch, ascending."""
    media = work / "media"
    media.mkdir(parents=True)
    for photo in photos:
        os.link(photo, media / photo.name)
    os.environ["PICSIFT_VISION_ENGINE"] = engine  # run_index passes the environment on
    launched = time.time()
    result = run_index(media, work / "data")
    summary = result["summary"]
    if summary["indexed"] != len(photos) or summary.get("failed") or summary.get("incomplete"):
        raise RuntimeError(f"expected {len(photos)} indexed, got {json.dumps(summary)[:2000]}")
    result["done"] = completions(work / "data", launched)
    result["faces"] = share_with_faces(work / "data")
    return result


def completions(data_dir: Path, launched: float) -> list[float]:
    """Each photo's completion (its stages' latest finish), seconds after the launch, ascending."""
    store = RecordStore(data_dir / "picsift.db")
    try:
        return sorted(max(getattr(record, part).meta.finished_at for part in STAGES) - launched
                      for record in store.iter_all())
    finally:
        store.close()


def share_with_faces(data_dir: Path) -> float:
    """The share of the photos in which vision found at least one face."""
    store = RecordStore(data_dir / "picsift.db")
    try:
        found = [bool(record.vision.faces) for record in store.iter_all()]
    finally:
        store.close()
    return sum(found) / max(len(found), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument("--engines", default="onnx,tensorflow", help="the in-process vision runtimes to compare")
    args = parser.parse_args()
    photos = camera_photos(args.photos)
    lines = [stamp(), f"`picsift index` (embedded) on {args.photos} 12 MP JPEGs made from {len(sources())} real "
                      f"sample photos and {len(face_photos())} face library photos (one in {FACES_EVERY}), a fresh "
                      "data dir per run",
             f"{'engine':<11} {'start-up s':>10} {'steady photos/s':>16} {'all: s':>7} {'photos/s':>9} {'CPU s':>6} "
             f"{'peak tree MB':>13} {'largest MB':>11} {'faces %':>8} {'load before':>12} {'load after':>11}"]
    for engine in args.engines.split(","):
        work = Path(tempfile.mkdtemp(prefix="picsift-index-bench-"))
        (work / "data").mkdir()
        before = os.getloadavg()[0]
        try:
            run = index(photos, work, engine)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        done = run["done"]
        first, last = len(done) // 5, len(done) - 1 - len(done) // 5
        steady = (last - first) / (done[last] - done[first])
        lines.append(f"{engine:<11} {done[0]:>10.1f} {steady:>16.1f} {run['seconds']:>7.1f} "
                     f"{len(done) / run['seconds']:>9.1f} {run['cpu']:>6.1f} {run['peak_tree'] / 2**20:>13.0f} "
                     f"{run['largest'] / 2**20:>11.0f} {100 * run['faces']:>8.0f} {before:>12.1f} {os.getloadavg()[0]:>11.1f}")
    lines.append("start-up: the launch to the first photo with every stage done; steady: the middle three fifths of "
                 "completions. An engine that loads slowly lets the other stages run ahead, so its completions then "
                 "come fast (only vision and semantic are left): compare engines by the whole run and its CPU.")
    text = "\n".join(lines)
    print(text)
    save_newest_first("index.txt", text)


if __name__ == "__main__":
    main()
