"""Cost per photo of each format people shoot: identify, thumbnails and the vision decode, with peak memory.

Each format runs in its own fresh process (spawned), so its peak RSS is its own. Camera raws are written here
as DNG (with and without an embedded preview) and, when fetched, real raws from public corpora are added.
Also: the cost of finding a raw's stack lead as its folder grows (it must not grow with the folder).

Usage: .venv/bin/python bench/formats_bench.py [--repeat 5] [--side 3000]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

from tests.fixtures.raw import write_dng

THUMB_SIZES = (320, 64)
PILLOW_SAVES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "AVIF": ".avif", "BMP": ".bmp", "JXL": ".jxl",
                "HEIF": ".heic"}
CORPUS = [("photoprism+photoprism", "assets/examples/canon_eos_6d.dng", "real DNG, JPEG preview"),
          ("exiftool+exiftool", "t/images/Panasonic.rw2", "real RW2, half-size demosaic")]


def picture(side: int) -> Image.Image:
    """A camera-sized 3:2 photo with real detail (scikit-image's astronaut, scaled)."""
    return Image.fromarray(data.astronaut()).resize((side, side * 2 // 3), Image.Resampling.BICUBIC)


def write_files(folder: Path, side: int) -> list[tuple[str, Path]]:
    from services.media.formats import register_openers

    register_openers()
    photo = picture(side)
    files = []
    for kind, suffix in PILLOW_SAVES.items():
        path = folder / f"photo{suffix}"
        photo.save(path, kind, **({"quality": 90} if kind in ("JPEG", "WEBP", "AVIF", "HEIF", "JXL") else {}))
        files.append((kind, path))
    files.append(("DNG, 1620 px preview", _with_small_preview(folder / "camera.dng", photo, photo.resize((1620, 1080)))))
    files.append(("DNG, no preview: demosaic", write_dng(folder / "mosaic.dng", photo)))
    for repo, inside, label in CORPUS:
        git_dir = Path("/work/.mirror") / repo / "repo"
        shown = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"HEAD:{inside}"], capture_output=True) \
            if git_dir.is_dir() else None
        if shown is not None and shown.returncode == 0 and shown.stdout:
            path = folder / Path(inside).name
            path.write_bytes(shown.stdout)
            files.append((label, path))
    return files


def _with_small_preview(path: Path, photo: Image.Image, preview: Image.Image) -> Path:
    """A DNG whose raw data is the full photo and whose preview is a camera-sized rendering of it."""
    import tifffile

    from tests.fixtures import raw as dng

    mosaic = dng.mosaic_of(photo)
    identity = (1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1)
    tags = [(dng.DNG_VERSION, "B", 4, (1, 4, 0, 0), True), (dng.COLOR_MATRIX, "2i", 9, identity, True),
            (dng.AS_SHOT_NEUTRAL, "2I", 3, (1, 1, 1, 1, 1, 1), True), (dng.MAKE, "s", 0, "Picsift", True),
            (dng.MODEL, "s", 0, "Bench", True)]
    raw_tags = [(dng.CFA_REPEAT, "H", 2, (2, 2), True), (dng.CFA_PATTERN, "B", 4, (0, 1, 1, 2), True),
                (dng.BLACK_LEVEL, "H", 1, (0,), True), (dng.WHITE_LEVEL, "H", 1, (4095,), True)]
    with tifffile.TiffWriter(path) as tif:
        tif.write(np.asarray(preview.convert("RGB")), photometric="rgb", subfiletype=1, subifds=1, extratags=tags)
        tif.write(mosaic, photometric=dng.CFA_PHOTOMETRIC, subfiletype=0, extratags=raw_tags)
    return path


def measure(path: Path, repeat: int, thumbs: Path, results) -> None:
    """In a fresh process: ms per identify, thumbnails and vision decode; the peak RSS they add over the imports."""
    from services.media.thumbs import write_thumbnails
    from services.media.formats import identify, register_openers
    from services.media.decode import decode

    register_openers()
    steps = (("identify", lambda: identify(path)),
             ("thumbs", lambda: write_thumbnails(path, thumbs, "bench", THUMB_SIZES)),
             ("vision decode", lambda: decode(path)))
    resting = _status_mib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets the high-water mark to what is resident now
    costs = {}
    for step, work in steps:
        work()  # warm: codec set-up
        started = time.perf_counter()
        for _ in range(repeat):
            work()
        costs[step] = (time.perf_counter() - started) / repeat
    results.put((costs, _status_mib("VmHWM") - resting))


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def in_fresh_process(target, *args):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results))
    process.start()
    outcome = results.get(timeout=600)
    process.join()
    return outcome


def stack_lookup_costs(folder: Path, sizes: tuple[int, ...]) -> list[tuple[int, float, float]]:
    """ms per raw to find its stack lead when a scan meets every raw of a folder of n raws (a JPEG beside every
    other one): with the folder listed once per change, and listed once per raw (as before f278332, on 20 raws)."""
    from services.ingest import stacks

    rows = []
    for n in sizes:
        here = folder / f"stack{n}"
        here.mkdir()
        for i in range(n):
            (here / f"IMG_{i:06}.NEF").touch()
            if i % 2:
                (here / f"IMG_{i:06}.JPG").touch()
        old = time.time() - 3600
        os.utime(here, (old, old))  # a settled folder, as in a scan of an existing library
        raws = sorted(here.glob("*.NEF"))
        stacks._leads_by_stem.cache_clear()
        started = time.perf_counter()
        for raw in raws:
            stacks.stack_lead(raw)
        cached = (time.perf_counter() - started) / n
        started = time.perf_counter()
        for raw in raws[:20]:
            stacks._leads_by_stem.__wrapped__(str(here), 0).get(raw.stem.lower())
        rows.append((n, cached, (time.perf_counter() - started) / 20))
    return rows


def stamp() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, {platform.machine()} "
            f"{os.cpu_count()} cores, {platform.processor() or platform.platform()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--side", type=int, default=3000, help="long side of the generated photos (3000: 6 MP)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="picsift-formats-bench-"))
    files = write_files(work, args.side)
    rows = [(label, path.stat().st_size, *in_fresh_process(measure, path, args.repeat, work / "thumbs"))
            for label, path in files]
    print(f"formats bench: {stamp()}")
    print(f"generated photos {args.side}x{args.side * 2 // 3}, thumbnails {THUMB_SIZES}, vision decode 512 px, "
          f"{args.repeat} runs each, each format in a fresh process; peak RSS above that process at rest")
    jpeg = rows[0][2]
    print(f"{'format':<30} {'KiB':>7} {'identify ms':>12} {'thumbs ms':>10} {'x JPEG':>7} {'decode ms':>10} "
          f"{'x JPEG':>7} {'peak RSS +MiB':>14}")
    for label, size, costs, rss in rows:
        print(f"{label:<30} {size / 1024:>7.0f} {1000 * costs['identify']:>12.2f} {1000 * costs['thumbs']:>10.1f} "
              f"{costs['thumbs'] / jpeg['thumbs']:>7.1f} {1000 * costs['vision decode']:>10.1f} "
              f"{costs['vision decode'] / jpeg['vision decode']:>7.1f} {rss:>14.0f}")
    lookups = stack_lookup_costs(work, (1000, 10000, 40000))
    print(f"\n{'raws in the folder':<20} {'ms/raw, listed once':>20} {'x 1000':>7} {'ms/raw, listed per raw':>23} "
          f"{'x 1000':>7}")
    for n, cached, per_raw in lookups:
        print(f"{n:<20} {1000 * cached:>20.3f} {cached / lookups[0][1]:>7.2f} {1000 * per_raw:>23.2f} "
              f"{per_raw / lookups[0][2]:>7.1f}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
