"""Peak memory of `picsift index` as the number of files grows: it must stay flat, not grow per file.

Usage: PYTHONPATH=. .venv/bin/python bench/ingest_rss_bench.py [--sizes 500,1000,2500] [--corpus DIR ...]
The file set mixes the exif samples with any third-party test corpora given (e.g. Pillow's Tests/images,
drewnoakes/metadata-extractor-images, libheif's examples and fuzzing data, exif-py's tests/resources, each
extracted from `fetch`), in one seeded shuffle. Two series: "mixed", where each smaller set is a prefix of the larger (more kinds of
file as it grows), and "same 500", the first 500 files repeated, so only the count changes. A repeated file gets a
unique tail (decoders ignore it), so every copy is a new photo.
Each size runs the real command in a fresh data dir; memory is the sum over the command's process tree (the
decoder workers included), sampled every 50 ms, and the largest single process as the kernel counted it.
A peak is the maximum of a noisy signal (two big photos decoded at once), so it creeps up with the number of
samples; whether memory grows with the files is read from the main process's settled RSS: the median of its
samples over the second half of the run, when the models are loaded and caches are full.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from stamp import REPO, stamp

SAMPLES = REPO.parent / "shared" / "testdata" / "exif-samples"
SAMPLE_EVERY = 0.05
PER_FOLDER = 100


def real_files(roots: list[Path]) -> list[Path]:
    """Every regular file below the roots (photos, broken files and non-photos, as a real tree has them)."""
    files = [p for root in roots for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()]
    random.Random(2500).shuffle(files)
    return files


def build_set(files: list[Path], count: int, target: Path) -> None:
    """`count` files cycling through `files`; repeats carry a tail that makes their bytes (and id) new."""
    for number in range(count):
        source = files[number % len(files)]
        copy = target / f"{number // PER_FOLDER:03}" / f"{number:05}-{source.name}"
        copy.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        if number >= len(files):
            data += f"\npicsift bench copy {number}\n".encode()
        copy.write_bytes(data)


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass  # a decoder worker that just ended
    return total


def run_index(media: Path, data_dir: Path) -> dict:
    """`picsift index --json` in its own process, its tree's memory sampled until it ends."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PICSIFT_DATA_DIR": str(data_dir), "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    with open(data_dir.parent / "stdout.json", "wb") as out, open(data_dir.parent / "stderr.log", "wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "services.app.cli", "index", "--json", str(media)], env=env,
                                   stdout=out, stderr=err)
        watched = psutil.Process(process.pid)
        peak_tree, main_rss = 0, []
        while not (ended := os.wait4(process.pid, os.WNOHANG))[0]:
            try:
                peak_tree = max(peak_tree, tree_rss(watched))
                main_rss.append(watched.memory_info().rss)
            except psutil.NoSuchProcess:
                pass  # ending: wait4 reaps it next round
            time.sleep(SAMPLE_EVERY)
        process.returncode = os.waitstatus_to_exitcode(ended[1])
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        log = (data_dir.parent / "stderr.log").read_text(errors="backslashreplace")
        raise RuntimeError(f"picsift index ended with exit code {process.returncode}:\n{log[-4000:]}")
    summary = json.loads((data_dir.parent / "stdout.json").read_text())
    largest = ended[2].ru_maxrss * 1024  # the kernel's peak for the largest process of the tree (KiB on Linux)
    settled = sorted(main_rss[len(main_rss) // 2:])
    return {"summary": summary, "seconds": seconds, "peak_tree": peak_tree, "largest": largest,
            "settled": settled[len(settled) // 2] if settled else 0,
            "cpu": ended[2].ru_utime + ended[2].ru_stime}  # the tree's CPU seconds (workers it waited for included)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,1000,2500")
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="a folder of third-party test files")
    args = parser.parse_args()
    files = real_files([SAMPLES, *args.corpus])
    sizes = [int(s) for s in args.sizes.split(",")]
    series = {"mixed": files, f"same {sizes[0]}": files[:sizes[0]]}
    results = {name: [(count, measure(pool, count)) for count in sizes] for name, pool in series.items()}
    print(stamp())
    print(f"# {len(files)} distinct real files from {', '.join(str(p) for p in [SAMPLES, *args.corpus])}")
    for name, rows in results.items():
        print_series(name, rows)


def measure(pool: list[Path], count: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="picsift-rss-"))
    try:
        build_set(pool, count, work / "media")
        (work / "data").mkdir()
        return run_index(work / "media", work / "data")
    finally:
        shutil.rmtree(work)


def print_series(name: str, rows: list[tuple[int, dict]]) -> None:
    print(f"\n{name}:")
    print(f"{'files':>6} {'indexed':>8} {'stacked':>8} {'dups':>5} {'skipped':>8} {'failed':>7} {'incompl':>8} "
          f"{'seconds':>8} {'ms/file':>8} {'peak tree MiB':>14} {'peak 1 proc MiB':>16} {'settled MiB':>12} "
          f"{'tree vs first':>14}")
    first = rows[0][1]["peak_tree"]
    for count, run in rows:
        s = run["summary"]
        print(f"{count:>6} {s['indexed']:>8} {s.get('stacked', 0):>8} {s['duplicates']:>5} {len(s['skipped']):>8} "
              f"{len(s['failed']):>7} {len(s['incomplete']):>8} {run['seconds']:>8.1f} "
              f"{1000 * run['seconds'] / count:>8.1f} {run['peak_tree'] / 2**20:>14.0f} "
              f"{run['largest'] / 2**20:>16.0f} {run['settled'] / 2**20:>12.0f} {run['peak_tree'] / first:>13.2f}x")
    for (small, a), (large, b) in zip(rows, rows[1:]):
        growth = b["peak_tree"] - a["peak_tree"]
        print(f"  {small} -> {large} files: peak tree {growth / 2**20:+.0f} MiB, {growth / 1024 / (large - small):+.1f} "
              f"KiB per extra file; largest process {(b['largest'] - a['largest']) / 2**20:+.0f} MiB; settled main process "
              f"{(b['settled'] - a['settled']) / 2**20:+.0f} MiB")

if __name__ == "__main__":
    main()
