"""Semantic: WordNet load time and memory, terms per photo, ms per photo of the stage's pure function, for the
compact table the stage reads and for nltk's reading of the same WordNet (what the stage read before #19).

Each reader runs in a fresh process, so its load time and RSS are its own. Saves bench/results/semantic.txt.
Usage: .venv/bin/python bench/semantic_bench.py [--photos 2000] [--readers table,nltk]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from stamp import stamp


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(reader: str, photos: int) -> dict:
    """Load the reader (its imports included), then the stage's function over generated vision results, twice."""
    before = rss_mb()
    started = time.perf_counter()
    if reader == "table":
        from services.semantic.wordnet import WordNet as Reader
    else:
        from services.semantic.wordnet_nltk import NltkWordNet as Reader
    wordnet = Reader()
    wordnet.by_name("cat.n.01")
    load, loaded = time.perf_counter() - started, rss_mb()
    from proto import pb
    from services.semantic.analyse import analyse
    from services.vision.settings import VisionSettings

    labels = json.loads((VisionSettings().models_dir / "mobilenet_v2.labels.json").read_text())
    rng = random.Random(1)
    visions = []
    for _ in range(photos):
        classes = [pb.Label(label=l["label"], wnid=l["wnid"], score=rng.uniform(0.1, 0.9))
                   for l in rng.sample(labels, 3)]
        faces = [pb.Face(age=rng.uniform(3, 80), gender=rng.choice(["female", "male"]), emotion="happy",
                         box=pb.Box(x2=0.2, y2=0.2)) for _ in range(rng.choice([0, 0, 1, 2, 5]))]
        visions.append(pb.VisionResult(classes=classes, faces=faces))
    passes, terms = [], 0
    for _ in range(2):  # the first pass fills nltk's caches
        started = time.perf_counter()
        terms = sum(len(analyse(vision, wordnet).terms) for vision in visions)
        passes.append(time.perf_counter() - started)
    return {"reader": reader, "load_s": load, "load_mb": loaded - before, "peak_mb": rss_mb(), "photos": photos,
            "first_ms": 1000 * passes[0] / photos, "warm_ms": 1000 * passes[1] / photos, "terms": terms / photos}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--readers", default="table,nltk")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.photos)))
        return
    rows = []
    for reader in args.readers.split(","):
        done = subprocess.run([sys.executable, __file__, "--one", reader, "--photos", str(args.photos)],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    lines = [stamp(), f"{'WordNet read by':<34} {'load s':>7} {'+MB RSS':>8} {'peak MB':>8} {'photos':>7} "
                      f"{'ms/photo 1st':>13} {'ms/photo warm':>14} {'terms/photo':>12}"]
    names = {"table": "compact table (models build)", "nltk": "nltk over Debian's files (before)"}
    lines += [f"{names[r['reader']]:<34} {r['load_s']:>7.2f} {r['load_mb']:>8.0f} {r['peak_mb']:>8.0f} "
              f"{r['photos']:>7} {r['first_ms']:>13.3f} {r['warm_ms']:>14.3f} {r['terms']:>12.1f}" for r in rows]
    lines.append("load: from the first import of the reader's module to its first answer, in a fresh process")
    text = "\n".join(lines)
    print(text)
    (Path(__file__).parent / "results" / "semantic.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
