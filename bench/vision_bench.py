"""Vision: ms per image per batch size, images/s, peak RSS, and the whole stage (decode + classify) per photo.

Saves the table under bench/results/vision.txt.
Usage: .venv/bin/python bench/vision_bench.py [--batches 1,8,32] [--photos 64]
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

from proto import pb
from stamp import stamp
from services.vision.build import build_models, read_manifest
from services.vision.runtime.local import LocalRuntime
from services.vision.service import build_stage
from services.vision.settings import VisionSettings


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", default="1,8,32")
    parser.add_argument("--photos", type=int, default=64)
    args = parser.parse_args()
    settings = VisionSettings()
    build_models(settings.models_dir, progress=lambda line: None)
    runtime = LocalRuntime(settings.models_dir, settings.vision_threads)
    before = rss_mb()
    rows = []
    for batch in (int(b) for b in args.batches.split(",")):
        images = np.random.default_rng(0).integers(0, 255, (batch, 224, 224, 3), dtype=np.uint8)
        await runtime.predict("mobilenet_v2", {"images": images})  # load and warm
        runs = max(3, 64 // batch)
        started = time.perf_counter()
        for _ in range(runs):
            await runtime.predict("mobilenet_v2", {"images": images})
        per_image = (time.perf_counter() - started) / (runs * batch)
        rows.append((f"mobilenet_v2 batch {batch}", per_image * 1000, 1 / per_image))
    folder = Path(tempfile.mkdtemp(prefix="picsift-vision-bench-"))
    sources = [getattr(data, n)() for n in ("chelsea", "coffee", "astronaut", "rocket")]
    paths = []
    for i in range(args.photos):
        path = folder / f"p{i}.jpg"
        Image.fromarray(sources[i % 4]).convert("RGB").resize((1600, 1200)).save(path, quality=90)
        paths.append(path)
    stage = build_stage(settings, runtime, read_manifest(settings.models_dir)["models"])
    started = time.perf_counter()
    await asyncio.gather(*(stage.handle("photo.ingested", pb.Record(id=str(i), file=pb.FileFacts(path=str(p))))
                           for i, p in enumerate(paths)))
    per_photo = (time.perf_counter() - started) / len(paths)
    rows.append((f"stage: decode 1600x1200 JPEG + every model built (classes, objects, faces)",
                 per_photo * 1000, 1 / per_photo))
    await runtime.close()
    lines = [stamp(), f"{'what':<58} {'ms/image':>9} {'images/s':>9}"]
    lines += [f"{what:<58} {ms:>9.1f} {rate:>9.1f}" for what, ms, rate in rows]
    lines.append(f"peak RSS: {rss_mb():.0f} MB (before loading the model: {before:.0f} MB); "
                 f"model calls: {dict(runtime.calls_by_model)}")
    text = "\n".join(lines)
    print("\n" + text)
    (Path(__file__).parent / "results" / "vision.txt").write_text(text + "\n")


if __name__ == "__main__":
    asyncio.run(main())
