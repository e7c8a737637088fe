"""Decoding a camera photo once for the stages that read it (vision, hashes, text) against each decoding it alone.

The photos: 12 MP JPEGs made from the samples' real photos as bench/index_bench.py makes them. Each photo is decoded
as the stages ask for it: vision at 512 px, hashes at 1024 px, the text stage's cheap pass at 640 px and, for the
photos that pass sends on (found once with the text stage itself), reading at 1280 px; each decode on its own
(services.media.decode) and through one SharedDecodes (the shape of the embedded mode), in alternating rounds, best of
--rounds, ms per photo. Then the whole embedded pipeline (`picsift index`'s own code, in this process) on --index of
the photos: how many decodes the stages asked for, how many found a decode another stage had made (hits), the bytes
held at the end, and the run's seconds.
Saves bench/results/decode_share.txt.
Usage: PYTHONPATH=.:bench .venv/bin/python bench/decode_share_bench.py [--photos 30] [--rounds 3] [--index 40]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from index_bench import camera_photos
from stamp import REPO, stamp

from services.media.decode import decode
from services.media.shared_decodes import SharedDecodes
from services.text.reader import DETECT_SIZE, READ_SIZE, TextReader, version
from services.text.service import text_of

VISION, HASHES = 512, 1024


def sizes_asked(photos: list[Path]) -> dict[Path, tuple[tuple[int, bool], ...]]:
    """The sizes the stages decode each photo at, shrunk to them or not (reading only where the cheap pass finds
    text)."""
    reader = TextReader(threads=2)
    reading = ((READ_SIZE, True),)
    return {p: ((VISION, True), (HASHES, True), (DETECT_SIZE, False),
                *(reading if text_of(str(p), reader, version()).detected else ())) for p in photos}


def alone(asked: dict[Path, tuple[tuple[int, bool], ...]]) -> float:
    start = time.perf_counter()
    for path, sizes in asked.items():
        for size, shrink in sizes:
            decode(path, size, shrink)
    return (time.perf_counter() - start) * 1000 / len(asked)


def shared(asked: dict[Path, tuple[tuple[int, bool], ...]]) -> float:
    decodes = SharedDecodes()
    start = time.perf_counter()
    for path, sizes in asked.items():
        for size, shrink in sizes:
            decodes.decode(path.name, path, size, shrink)
    return (time.perf_counter() - start) * 1000 / len(asked)


def embedded_run(photos: list[Path], work: Path) -> tuple[SharedDecodes, dict]:
    """`picsift index`'s pipeline in this process on the photos, keeping the SharedDecodes its stages used."""
    from services.app import registry
    from services.app.index_command import index_paths
    from services.ingest.settings import IngestSettings
    from services.pipeline.settings import PipelineSettings

    made = []
    registry.PROVIDERS["decodes"] = lambda: made.append(SharedDecodes()) or made[-1]
    media = work / "media"
    media.mkdir(parents=True)
    for photo in photos:
        os.link(photo, media / photo.name)
    os.environ["PICSIFT_DATA_DIR"] = str(work / "data")
    summary = asyncio.run(index_paths([media], PipelineSettings(), IngestSettings()))
    assert len(made) == 1, "the stages of one process share one SharedDecodes"
    return made[0], summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--index", type=int, default=40, help="photos through the embedded pipeline (0: none)")
    args = parser.parse_args()
    photos = camera_photos(max(args.photos, args.index))
    asked = sizes_asked(photos[:args.photos])
    times = {"alone": [], "shared": []}
    for round_ in range(args.rounds):
        for name in (("alone", "shared") if round_ % 2 == 0 else ("shared", "alone")):
            times[name].append((alone if name == "alone" else shared)(asked))
    decodes = sum(len(s) for s in asked.values())
    lines = [stamp(), f"decoding {len(asked)} 12 MP JPEGs as vision ({VISION} px), hashes ({HASHES} px) and the text "
             f"stage ({DETECT_SIZE} px, {READ_SIZE} px for the {sum((READ_SIZE, True) in s for s in asked.values())} "
             f"it reads) ask: {decodes / len(asked):.2f} decodes per photo; ms per photo, best of {args.rounds} "
             "alternating rounds",
             f"{'each stage decoding alone':<34} {min(times['alone']):6.1f}  (rounds: "
             + " ".join(f"{t:.0f}" for t in times["alone"]) + ")",
             f"{'one SharedDecodes for the stages':<34} {min(times['shared']):6.1f}  (rounds: "
             + " ".join(f"{t:.0f}" for t in times["shared"]) + ")",
             f"saved: {1 - min(times['shared']) / min(times['alone']):.0%}"]
    if args.index:
        with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as work:
            load = os.getloadavg()[0]
            run, summary = embedded_run(photos[:args.index], Path(work))
            asked_total = run.hits + run.misses
            lines += ["", f"the embedded pipeline (picsift index in process) on {args.index} of the photos: "
                      f"{summary['indexed']} indexed in {summary['seconds']:.1f} s (load {load:.1f} -> "
                      f"{os.getloadavg()[0]:.1f}); decodes asked {asked_total}, made {run.misses}, found made by "
                      f"another stage {run.hits} ({run.hits / max(asked_total, 1):.0%}); held at the end "
                      f"{run.held_bytes() / 2**20:.0f} MB of {run.max_bytes / 2**20:.0f} MB"]
    text = "\n".join(lines)
    print(text)
    (REPO / "bench" / "results" / "decode_share.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
