"""Public image test corpora of other projects through `picsift index --json`: outcomes, tracebacks, time.

Usage: PYTHONPATH=. .venv/bin/python bench/third_party_corpora.py GITDIR[:PREFIX] ... [--work DIR]
Each GITDIR is a bare mirror (e.g. from `fetch github:python-pillow/Pillow`: Tests/images), read with git only;
its files are extracted under --work (objects a snapshot lacks are skipped). Fuzzers name their findings by hash:
files without a photo extension whose bytes start like an image also run once more as "<name> sniffed", copied
with the extension their first bytes claim, so the decoders meet them. Nothing here is committed to the project.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from stamp import REPO, stamp

from services.media.formats import SUPPORTED

SIGNATURES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"), (b"II*\x00", ".tif"),
              (b"MM\x00*", ".tif"), (b"BM", ".bmp"), (b"\xff\x0a", ".jxl"), (b"\x00\x00\x00\x0cJXL ", ".jxl"))
BOX_BRANDS = {b"heic": ".heic", b"heix": ".heic", b"mif1": ".heic", b"avif": ".avif", b"avis": ".avif"}


def extract(spec: str, work: Path) -> Path:
    """Every blob under PREFIX of the mirror's HEAD, written below work/<repository name>."""
    git_dir, _, prefix = spec.partition(":")
    name = Path(git_dir).parent.name if Path(git_dir).name == "repo" else Path(git_dir).name
    target = work / name
    listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", "HEAD", "--", prefix or "."],
                             capture_output=True, check=True).stdout
    blobs = [(meta.split()[2], os.fsdecode(path)) for meta, _, path in
             (entry.partition(b"\t") for entry in listing.split(b"\0") if entry) if meta.split()[1] == b"blob"
             and meta.split()[0] != b"120000"]
    with subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as cat:
        for sha, path in blobs:
            cat.stdin.write(sha + b"\n")
            cat.stdin.flush()
            header = cat.stdout.readline().split()
            if header[-1] == b"missing":
                continue
            data = cat.stdout.read(int(header[2]))
            cat.stdout.read(1)
            out = target / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        cat.stdin.close()
    return target


def claimed_extension(head: bytes) -> str | None:
    for signature, extension in SIGNATURES:
        if head.startswith(signature):
            return extension
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return ".webp"
    return BOX_BRANDS.get(head[8:12]) if head[4:8] == b"ftyp" else None


def sniffed_copy(folder: Path) -> Path | None:
    """Files a scan would skip by extension but whose first bytes claim an image, copied with that extension."""
    target = folder.with_name(folder.name + " sniffed")
    copied = 0
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() not in SUPPORTED:
            extension = claimed_extension(path.read_bytes()[:16])
            if extension:
                out = target / path.relative_to(folder).with_name(path.name + extension)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(path.read_bytes())
                copied += 1
    return target if copied else None


def index(folder: Path, work: Path) -> dict:
    data_dir = work / "data" / folder.name
    env = {**os.environ, "PYTHONPATH": str(REPO), "PICSIFT_DATA_DIR": str(data_dir), "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "services.app.cli", "index", "--json", str(folder)], env=env,
                          capture_output=True, text=True, errors="backslashreplace")
    seconds = time.perf_counter() - started
    summary = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
    return {"files": sum(1 for p in folder.rglob("*") if p.is_file()), "exit": done.returncode,
            "tracebacks": done.stderr.count("Traceback"), "seconds": seconds, **summary}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mirrors", nargs="+", help="GITDIR[:PREFIX] of a bare mirror")
    parser.add_argument("--work", type=Path, default=Path("/tmp/picsift-corpora"))
    args = parser.parse_args()
    folders = []
    for spec in args.mirrors:
        folder = extract(spec, args.work)
        folders += [folder, *filter(None, [sniffed_copy(folder)])]
    rows = [(folder.name, index(folder, args.work)) for folder in folders]
    print(stamp())
    print(f"{'corpus':<36} {'files':>6} {'indexed':>8} {'dups':>5} {'stacked':>8} {'skipped':>8} {'failed':>7} "
          f"{'incompl':>8} {'tracebacks':>11} {'exit':>5} {'seconds':>8} {'one outcome each':>17}")
    for name, r in rows:
        print(f"{name:<36} {r['files']:>6} {r.get('indexed', '-'):>8} {r.get('duplicates', '-'):>5} "
              f"{r.get('stacked', '-'):>8} {len(r.get('skipped', [])):>8} {len(r.get('failed', [])):>7} "
              f"{len(r.get('incomplete', [])):>8} {r['tracebacks']:>11} {r['exit']:>5} {r['seconds']:>8.1f} "
              f"{'yes' if accounted(r) == r['files'] else f'NO: {accounted(r)}':>17}")


def accounted(r: dict) -> int:
    """Files the summary gave an outcome: every file exactly once when this equals the files on disk."""
    return (r.get("indexed", 0) + r.get("duplicates", 0) + r.get("stacked", 0) + len(r.get("skipped", []))
            + len(r.get("failed", [])))


if __name__ == "__main__":
    main()
