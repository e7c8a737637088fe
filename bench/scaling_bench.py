"""The embedded mode against every service its own OS process on RabbitMQ (1, 2 vision workers), the same photos.

The photos: index_bench.py's 12 MP JPEGs made from real photos (a third with faces). The embedded row is `picsift index`
(index_bench.py's run); each distributed row starts indexer, exif, semantic, hashes, N vision workers and ingest
(tests/fixtures/cluster.py, a vhost of its own) and waits until the store and the index hold every photo once with
every stage ("each once": checked path by path, it fails when a photo is missing, doubled or incomplete). Rates as in
index_bench.py: all = photos over the launch to the last photo done; steady = the middle three fifths of
completions (no start-up, no drain). CPU: every process of the run, decoder workers included. The text stage is left
out of both (PICSIFT_STAGES), as the cluster runs no text service.
Puts its table on top of bench/results/scaling.txt.
Usage: PYTHONPATH=. .venv/bin/python bench/scaling_bench.py [--photos 200] [--workers 1,2] [--amqp URL]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import Cluster, missing_or_extra, wait_until  # noqa: E402

from index_bench import STAGES, camera_photos, completions, index  # noqa: E402
from services.vision.build import build_models  # noqa: E402
from services.vision.settings import VisionSettings  # noqa: E402
from stamp import save_newest_first, stamp  # noqa: E402


def tree_cpu(pid: int) -> float:
    """CPU seconds of a live process, its live children and the children it has reaped."""
    try:
        process = psutil.Process(pid)
        own = process.cpu_times()
        live = sum(sum(c.cpu_times()[:2]) for c in process.children(recursive=True))
    except psutil.NoSuchProcess:
        return 0.0
    return own.user + own.system + own.children_user + own.children_system + live


def distributed(photos: list[Path], work: Path, workers: int, amqp: str) -> dict:
    media = work / "media"
    media.mkdir(parents=True)
    for photo in photos:
        os.link(photo, media / photo.name)
    (work / "logs").mkdir()
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "add_vhost", vhost], capture_output=True, check=True)
    subprocess.run(["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
                   capture_output=True, check=True)
    cluster = Cluster(f"{amqp.rstrip('/')}/{vhost}", "picsift", work / "data", media, work / "logs")
    expected = cluster.media_ids()
    launched = time.time()
    try:
        cluster.start_all(workers)
        wait_until(lambda: cluster.analysed() >= len(expected), 3600, "every photo analysed", 0.2)
        each_once = settled(cluster.db, expected, 60)
        cpu = sum(tree_cpu(p.pid) for p in cluster.processes.values())
    finally:
        cluster.stop()
        subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True)
    return {"cpu": cpu, "done": completions(work / "data", launched), "each_once": each_once}


def embedded(photos: list[Path], work: Path) -> dict:
    result = index(photos, work, "onnx")
    expected = {str(work / "media" / p.name): hashlib.sha256(p.read_bytes()).hexdigest() for p in photos}
    return {**result, "each_once": settled(work / "data" / "picsift.db", expected, 0)}


def settled(db: Path, expected: dict[str, str], seconds: float) -> bool:
    """Whether the store and the index hold every photo ({path: id}) once with every stage within `seconds`."""
    deadline = time.monotonic() + seconds
    while missing_or_extra(db, expected, STAGES):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672/")
    args = parser.parse_args()
    build_models(VisionSettings().models_dir, progress=lambda line: None)
    os.environ["PICSIFT_STAGES"] = json.dumps([*STAGES, "indexer"])
    photos = camera_photos(args.photos)
    runs = [("embedded", lambda work: embedded(photos, work))]
    runs += [(f"{w} vision worker{'s' * (w > 1)}", lambda work, w=w: distributed(photos, work, w, args.amqp))
             for w in (int(w) for w in args.workers.split(","))]
    lines = [stamp(), f"{args.photos} 12 MP JPEGs made from real photos; embedded (`picsift index`) against every "
                      "service its own process on RabbitMQ; every stage but text",
             f"{'mode':<18} {'all: s':>7} {'photos/s':>9} {'steady photos/s':>16} {'CPU s':>6} {'CPU ms/photo':>13} "
             f"{'vs embedded':>12} {'each once':>10} {'load before':>12}"]
    embedded_rate = None
    for name, run in runs:
        work = Path(tempfile.mkdtemp(prefix="picsift-scaling-"))
        (work / "data").mkdir()
        before = os.getloadavg()[0]
        try:
            result = run(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        done = result["done"]
        rate = len(done) / done[-1]
        first, last = len(done) // 5, len(done) - 1 - len(done) // 5
        steady = (last - first) / (done[last] - done[first])
        embedded_rate = embedded_rate or rate
        lines.append(f"{name:<18} {done[-1]:>7.1f} {rate:>9.2f} {steady:>16.2f} {result['cpu']:>6.1f} "
                     f"{1000 * result['cpu'] / len(done):>13.0f} {rate / embedded_rate:>11.0%} "
                     f"{str(result['each_once'] and len(done) == args.photos):>10} {before:>12.1f}")
        print(lines[-1], flush=True)
    text = "\n".join(lines)
    print("\n" + text)
    save_newest_first("scaling.txt", text)


if __name__ == "__main__":
    main()
