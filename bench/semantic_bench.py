"""Semantic: WordNet load time and memory, terms per photo, photos/s of the stage's pure function.

Usage: .venv/bin/python bench/semantic_bench.py [--photos 2000]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import time

from proto import pb
from services.semantic.analyse import analyse
from services.semantic.wordnet import WordNet
from services.vision.settings import VisionSettings


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=2000)
    args = parser.parse_args()
    labels = json.loads((VisionSettings().models_dir / "mobilenet_v2.labels.json").read_text())
    rng = random.Random(1)
    before = rss_mb()
    wordnet = WordNet()
    started = time.perf_counter()
    wordnet.by_name("cat.n.01")
    load = time.perf_counter() - started
    loaded = rss_mb()
    visions = []
    for _ in range(args.photos):
        classes = [pb.Label(label=l["label"], wnid=l["wnid"], score=rng.uniform(0.1, 0.9))
                   for l in rng.sample(labels, 3)]
        faces = [pb.Face(age=rng.uniform(3, 80), gender=rng.choice(["female", "male"]), emotion="happy",
                         box=pb.Box(x2=0.2, y2=0.2)) for _ in range(rng.choice([0, 0, 1, 2, 5]))]
        visions.append(pb.VisionResult(classes=classes, faces=faces))
    terms = 0
    started = time.perf_counter()
    for vision in visions:  # first pass: hypernym chains are computed and cached
        terms += len(analyse(vision, wordnet).terms)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for vision in visions:
        analyse(vision, wordnet)
    warm = time.perf_counter() - started
    print(f"\nWordNet load: {load:.2f} s, +{loaded - before:.0f} MB RSS; peak RSS {rss_mb():.0f} MB")
    print(f"{'pass':<28} {'photos':>7} {'ms/photo':>9} {'photos/s':>9} {'terms/photo':>12}")
    for name, seconds in (("first (chains computed)", cold), ("warm (chains cached)", warm)):
        print(f"{name:<28} {len(visions):>7} {1000 * seconds / len(visions):>9.3f} {len(visions) / seconds:>9.0f} "
              f"{terms / len(visions):>12.1f}")


if __name__ == "__main__":
    main()
