"""Vision on real photos: ms per model per photo (per face for the face models), the whole stage per photo (decode
included, the stage's batching on), model load time and peak RSS, for each in-process engine: TensorFlow on the
SavedModels (before #19) and ONNX Runtime on the converted files (the default since).

Each engine runs in a fresh process, so load time and RSS are its own. Saves bench/results/vision.txt.
Usage: .venv/bin/python bench/vision_bench.py [--photos 48] [--engines tensorflow,onnx] [--threads 2] [--rounds 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from stamp import stamp

SAMPLES = Path(os.environ.get("PICSIFT_SAMPLES", Path(__file__).resolve().parents[2] / "shared" / "testdata"
                              / "exif-samples"))
MODELS = ("mobilenet_v2", "centernet", "blazeface", "faceres", "emotion", "faceid")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(engine: str, photos: int, threads: int) -> dict:
    import numpy as np

    from proto import pb
    from services.media.decode import DecodeError, decode
    from services.vision.analyse import VisionModels
    from services.vision.build import read_manifest
    from services.vision.inference.boxes import from_letterbox
    from services.vision.inference.faces import face_crop
    from services.vision.service import build_stage
    from services.vision.settings import VisionSettings

    settings = VisionSettings(vision_engine=engine, vision_threads=threads)
    if engine == "onnx":
        from services.vision.runtime.onnx_runtime import OnnxRuntime as Runtime
    else:
        from services.vision.runtime.local import LocalRuntime as Runtime
    paths, images, decoding = [], [], 0.0  # the photos stay decoded at 512 px: about 0.6 MB each
    for path in sorted(p for p in SAMPLES.rglob("*") if p.is_file()):
        started = time.perf_counter()
        try:
            image = decode(path)
        except DecodeError:
            continue
        decoding += time.perf_counter() - started
        paths.append(path)
        images.append(image)
        if len(images) == photos:
            break
    manifest = read_manifest(settings.models_dir)["models"]
    models = VisionModels.load(manifest, settings.models_dir, settings.vision_top_k, settings.vision_min_score)
    detector, describer, feeler = models.faces
    by_name = {"mobilenet_v2": models.classifier, "centernet": models.objects, "blazeface": detector,
               "faceres": describer, "emotion": feeler, "faceid": models.embedder}
    before = rss_mb()
    runtime = Runtime(settings.models_dir, threads)
    started = time.perf_counter()
    for name, model in by_name.items():  # load, and a first call that warms each model up
        await runtime.predict(name, {"images": model.preprocess(images[0])[None]})
    load = time.perf_counter() - started
    faces = []
    for image in images:
        for box, _ in detector.postprocess(await runtime.predict("blazeface",
                                                                 {"images": detector.preprocess(image)[None]})):
            faces.append((image, from_letterbox(box, image.width, image.height)))
    crops = [face_crop(image, box) for image, box in faces] or [images[0]]
    wide = [face_crop(image, box, 1.3) for image, box in faces] or [images[0]]
    per_model, cpu_model = {}, {}
    for name, model in by_name.items():
        examples = {"faceres": crops, "emotion": crops, "faceid": wide}.get(name, images)
        spent = cpu = 0.0
        for example in examples:
            tensor = model.preprocess(example)[None]
            started, cpu_started = time.perf_counter(), time.process_time()
            await runtime.predict(name, {"images": tensor})
            spent, cpu = spent + time.perf_counter() - started, cpu + time.process_time() - cpu_started
        per_model[name], cpu_model[name] = 1000 * spent / len(examples), 1000 * cpu / len(examples)
    stage = build_stage(settings, runtime, manifest)
    records = [pb.Record(id=str(i), file=pb.FileFacts(path=str(p))) for i, p in enumerate(paths)]
    prefetch = asyncio.Semaphore(settings.vision_prefetch)  # as many photos in flight as the bus would deliver

    async def handle(record: pb.Record) -> None:
        async with prefetch:
            await stage.handle("photo.ingested", record)

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(handle(record) for record in records))
    stage_ms = 1000 * (time.perf_counter() - started) / len(records)
    stage_cpu = 1000 * (time.process_time() - cpu_started) / len(records)
    await runtime.close()
    return {"engine": engine, "threads": threads, "photos": len(images), "faces": len(faces), "load_s": load,
            "decode_ms": 1000 * decoding / len(images), "models_ms": per_model, "models_cpu": cpu_model,
            "stage_ms": stage_ms, "stage_cpu": stage_cpu,
            "peak_mb": rss_mb(), "before_mb": before, "load_avg": os.getloadavg()[0]}


def best(runs: list[dict]) -> dict:
    """Each figure at its best over the rounds: the run least slowed by whatever else shared the cores."""
    row = dict(runs[0])
    for key in ("load_s", "decode_ms", "stage_ms", "stage_cpu", "peak_mb", "load_avg"):
        row[key] = min(run[key] for run in runs)
    for key in ("models_ms", "models_cpu"):
        row[key] = {name: min(run[key][name] for run in runs) for name in MODELS}
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=48)
    parser.add_argument("--engines", default="tensorflow,onnx")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(measure(args.one, args.photos, args.threads))))
        return
    runs: dict[str, list[dict]] = {}
    for _ in range(args.rounds):  # engines take turns, so a burst of other work on the machine hits both
        for engine in args.engines.split(","):
            done = subprocess.run([sys.executable, __file__, "--one", engine, "--photos", str(args.photos),
                                   "--threads", str(args.threads)], capture_output=True, text=True)
            if done.returncode:
                sys.exit(done.stderr[-3000:])
            runs.setdefault(engine, []).append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows = [best(engine_runs) for engine_runs in runs.values()]
    first = rows[0]
    lines = [stamp(), f"{first['photos']} real photos of shared/testdata/exif-samples ({first['faces']} faces found), "
                      f"decoded at 512 px in {first['decode_ms']:.1f} ms each; batch 1, {args.threads} threads per "
                      f"model call; each figure the best of {args.rounds} rounds, the engines taking turns",
             f"{'ms per photo (face models: per face)':<40}" + "".join(f"{r['engine'] + ' wall':>16}{'CPU':>6}"
                                                                          for r in rows)]
    for name in MODELS:
        lines.append(f"{name:<40}" + "".join(f"{r['models_ms'][name]:>16.1f}{r['models_cpu'][name]:>6.1f}"
                                            for r in rows))
    lines.append(f"{'all six, one face per photo':<40}" + "".join(
        f"{sum(r['models_ms'].values()):>16.1f}{sum(r['models_cpu'].values()):>6.1f}" for r in rows))
    lines.append(f"{'stage: decode + every model, batch 8':<40}" + "".join(f"{r['stage_ms']:>16.1f}{r['stage_cpu']:>6.1f}"
                                                                         for r in rows))
    lines.append(f"{'stage photos/s':<40}" + "".join(f"{1000 / r['stage_ms']:>16.1f}{'':>6}" for r in rows))
    lines.append(f"{'models load + first call, s':<40}" + "".join(f"{r['load_s']:>16.1f}{'':>6}" for r in rows))
    lines.append(f"{'peak RSS, MB (decoded photos included)':<40}" + "".join(f"{r['peak_mb']:>16.0f}{'':>6}"
                                                                           for r in rows))
    lines.append(f"{'load average at its end (lowest)':<40}" + "".join(f"{r['load_avg']:>16.1f}{'':>6}" for r in rows))
    lines.append("CPU: the process's CPU ms (all its threads) over the same calls; less disturbed by other work "
                 "on the machine than wall time")
    text = "\n".join(lines)
    print(text)
    (Path(__file__).parent / "results" / "vision.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
