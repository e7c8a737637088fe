"""EXIF + place per photo: photos/s and ms/photo on the sample set and on generated photos, geocoder cold vs warm.

Usage: .venv/bin/python bench/exif_bench.py [--generated 10000] [--samples DIR]
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import piexif
from PIL import Image

from services.exif.analyse import analyse
from services.exif.place import Geocoder
from services.media.formats import register_openers


def generate(folder: Path, n: int) -> list[Path]:
    """n camera-like JPEGs with EXIF and GPS spread over the globe (pixels are never decoded by the stage)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        lat, lon = (i * 7.3) % 140 - 60, (i * 13.7) % 340 - 170
        gps = {piexif.GPSIFD.GPSLatitudeRef: b"S" if lat < 0 else b"N",
               piexif.GPSIFD.GPSLatitude: ((int(abs(lat)), 1), (int(abs(lat) * 60) % 60, 1), (0, 1)),
               piexif.GPSIFD.GPSLongitudeRef: b"W" if lon < 0 else b"E",
               piexif.GPSIFD.GPSLongitude: ((int(abs(lon)), 1), (int(abs(lon) * 60) % 60, 1), (0, 1))}
        exif = {"0th": {piexif.ImageIFD.Make: b"NIKON CORPORATION", piexif.ImageIFD.Model: b"NIKON D70s"},
                "Exif": {piexif.ExifIFD.DateTimeOriginal: f"2019:{i % 12 + 1:02}:03 1{i % 10}:00:00".encode(),
                         piexif.ExifIFD.ISOSpeedRatings: 200, piexif.ExifIFD.FNumber: (56, 10),
                         piexif.ExifIFD.ExposureTime: (1, 250), piexif.ExifIFD.FocalLengthIn35mmFilm: 35},
                "GPS": gps}
        path = folder / f"g{i:05}.jpg"
        Image.new("RGB", (640, 480), (i % 255, 90, 30)).save(path, "JPEG", quality=85, exif=piexif.dump(exif))
        paths.append(path)
    return paths


def run(paths: list[Path], geocoder: Geocoder) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        analyse(path, geocoder)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=10000)
    parser.add_argument("--samples", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "testdata"
                        / "exif-samples")
    args = parser.parse_args()
    register_openers()
    samples = sorted(p for p in args.samples.rglob("*") if p.is_file() and p.suffix.lower() not in (".md", ".rst", ""))
    work = Path(tempfile.mkdtemp(prefix="picsift-exif-bench-"))
    generated = generate(work, args.generated)
    rows = []
    cold = Geocoder()
    started = time.perf_counter()
    cold.load()
    load_seconds = time.perf_counter() - started
    for label, paths in (("sample set", samples), (f"{len(generated)} generated", generated)):
        wall, cpu = run(paths, cold)
        rows.append((label, "warm", len(paths), wall, cpu))
    first = Geocoder()
    wall, cpu = run(samples, first)
    rows.append(("sample set", "cold (load included)", len(samples), wall, cpu))
    shutil.rmtree(work)
    print(f"\ngeocoder load: {load_seconds:.2f} s")
    print(f"{'photos':<18} {'geocoder':<22} {'n':>6} {'photos/s':>9} {'ms/photo':>9} {'cpu ms/photo':>13}")
    for label, mode, n, wall, cpu in rows:
        print(f"{label:<18} {mode:<22} {n:>6} {n / wall:>9.0f} {1000 * wall / n:>9.2f} {1000 * cpu / n:>13.2f}")


if __name__ == "__main__":
    main()
