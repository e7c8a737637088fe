"""End to end with every service its own OS process on RabbitMQ and 1, 2, 3 vision workers.

Prints photos/s, time to the first searchable photo (its EXIF part indexed), time until all are fully analysed and
whether each photo then sits once in the store and the index with every stage (read from the database file), and saves the table under bench/results/scaling.txt.
Usage: .venv/bin/python bench/scaling_bench.py [--photos 90] [--workers 1,2,3] [--amqp URL]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import Cluster, make_photos, missing_or_extra, wait_until  # noqa: E402

from services.vision.build import build_models  # noqa: E402
from services.vision.settings import VisionSettings  # noqa: E402


def settled_complete(cluster: Cluster, seconds: float) -> bool:
    """True once the store and the index hold every photo once with every stage, within the given time."""
    deadline = time.monotonic() + seconds
    while missing_or_extra(cluster.db, cluster.media_ids()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=90)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672/")
    args = parser.parse_args()
    build_models(VisionSettings().models_dir, progress=lambda line: None)
    source = Path(tempfile.mkdtemp(prefix="picsift-scaling-"))
    make_photos(source / "photos", args.photos)
    rows = []
    for workers in (int(w) for w in args.workers.split(",")):
        work = Path(tempfile.mkdtemp(prefix=f"picsift-scaling-{workers}-"))
        (work / "logs").mkdir()
        shutil.copytree(source / "photos", work / "media")
        vhost = f"bench-{uuid.uuid4().hex[:8]}"
        subprocess.run(["rabbitmqctl", "add_vhost", vhost], capture_output=True, check=True)
        subprocess.run(["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
                       capture_output=True, check=True)
        cluster = Cluster(f"{args.amqp.rstrip('/')}/{vhost}", "picsift", work / "data", work / "media", work / "logs")
        started = time.monotonic()
        try:
            cluster.start_all(workers)
            first = wait_until(lambda: cluster.searchable() > 0, 300, "a first searchable photo", 0.05)
            wait_until(lambda: cluster.analysed() == args.photos, 1800, "all photos analysed", 0.1)
            total = time.monotonic() - started
            indexed_once = settled_complete(cluster, 30)
        finally:
            cluster.stop()
            subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True)
            shutil.rmtree(work, ignore_errors=True)
        rows.append((workers, args.photos / total, first, total, indexed_once))
    shutil.rmtree(source, ignore_errors=True)
    lines = [f"{args.photos} photos (640x480 JPEG), every service its own process, RabbitMQ, all five vision models on the CPU",
             f"{'vision workers':>14} {'photos/s':>9} {'first searchable s':>19} {'all analysed s':>15} "
             f"{'each once':>10}"]
    lines += [f"{w:>14} {rate:>9.2f} {first:>19.1f} {total:>15.1f} {str(once):>10}"
              for w, rate, first, total, once in rows]
    text = "\n".join(lines)
    print("\n" + text)
    out = Path(__file__).parent / "results" / "scaling.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + "\n")


if __name__ == "__main__":
    main()
