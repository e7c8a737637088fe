"""Every bench, one after another, each printing into its own results file, then one table of the runs.

Usage: PYTHONPATH=. .venv/bin/python bench/run_all.py [--quick] [--only vision,index,...] [--out DIR]
  --quick  each bench at a small size: a check, in minutes, that every bench still runs and what it roughly says
  --out    where the results files go (default: a fresh folder under /tmp; `--out bench/results` replaces the
           committed ones, which hold the notes of the runs they come from: look at the diff before committing)
Benches that need public corpora (bare mirrors brought by the `fetch` tool under --mirror) run when those are there;
otherwise the table says which mirror is missing. Run it on an otherwise idle machine: every table is stamped with
the load it saw.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from stamp import REPO, stamp

MIRRORS = Path(os.environ.get("PICSIFT_MIRROR", "/work/.mirror"))
IMAGENET, FACES, DEEPFACE, MMOCR = ("EliSchwartz+imagenet-sample-images", "ageitgey+face_recognition",
                                   "serengil+deepface", "open-mmlab+mmocr")


@dataclass(frozen=True)
class Bench:
    name: str       # its script is bench/<name>_bench.py; its results file <name>.txt
    full: tuple     # the arguments of the committed results
    quick: tuple    # a small run
    mirrors: tuple = ()  # the corpora it reads

    @property
    def script(self) -> Path:
        return REPO / "bench" / f"{self.name}_bench.py"


BENCHES = (
    Bench("vision", (), ("--photos", "12", "--rounds", "1")),
    Bench("index", (), ("--photos", "20", "--engines", "onnx")),
    Bench("semantic", (), ("--photos", "300",)),
    Bench("exif", (), ("--generated", "1000")),
    Bench("formats", (), ("--repeat", "1", "--side", "1500")),
    Bench("ingest", (), ("--sizes", "1000",)),
    Bench("scaling", (), ("--photos", "30", "--workers", "1,2")),
    Bench("search", ("--sizes", "100000,1000000"), ("--sizes", "20000", "--repeat", "2")),
    Bench("gateway", ("--records", "1000000"), ("--records", "20000", "--seconds", "3")),
    Bench("browse", (), ("--records", "20000", "--requests", "50")),
    Bench("duplicates", (), ("--sizes", "10000",)),
    Bench("people", (), ("--faces", "0",), (FACES, DEEPFACE)),
    Bench("relevance", (), ("--every", "20"), (IMAGENET, FACES, DEEPFACE)),
    Bench("ocr", (), ("--every", "50", "--camera", "10"), (MMOCR, IMAGENET)),
    Bench("decode_share", (), ("--photos", "10", "--rounds", "2", "--index", "10")),
    Bench("similar", (str(MIRRORS / IMAGENET / "repo"),), (str(MIRRORS / IMAGENET / "repo"),), (IMAGENET,)),
)


def headline(output: str) -> str:
    """What a run says in one line: its last JSON summary if it printed one, else its last row of figures."""
    lines = [line.strip() for line in output.splitlines()
             if any(c.isdigit() for c in line) and not line.lstrip().startswith(("#", "("))]
    for line in reversed(lines):
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except ValueError:
                continue
            return ", ".join(f"{k} {v}" for k, v in summary.items() if v is not None)
    return lines[-1] if lines else "(no output)"


def run(bench: Bench, quick: bool, out: Path) -> tuple[str, str, float, str]:
    missing = [m for m in bench.mirrors if not (MIRRORS / m).exists()]
    if missing:
        return bench.name, "left out", 0.0, f"needs the mirror {', '.join(missing)} (fetch github:{missing[0].replace('+', '/')})"
    args = bench.quick if quick else bench.full
    if bench.name == "relevance":
        args = (*args, "--mirror", str(MIRRORS), "--out", str(out / "relevance.txt"), "--data", str(out / "relevance-library"))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(bench.script), *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    seconds = time.perf_counter() - started
    if bench.name != "relevance":  # it writes its own file
        (out / f"{bench.name}.txt").write_text(done.stdout)
    if done.returncode:
        (out / f"{bench.name}.err").write_text(done.stderr)
        return bench.name, f"exit {done.returncode}", seconds, (done.stderr.strip().splitlines() or ["?"])[-1]
    return bench.name, "ok", seconds, headline(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma-separated bench names: " + ", ".join(b.name for b in BENCHES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else {b.name for b in BENCHES}
    unknown = wanted - {b.name for b in BENCHES}
    if unknown:
        parser.error(f"no bench named {', '.join(sorted(unknown))}")
    out = args.out or Path("/tmp") / f"picsift-bench-{datetime.datetime.now():%Y%m%d-%H%M}"
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for bench in BENCHES:
        if bench.name in wanted:
            rows.append(run(bench, args.quick, out))
            print(f"{rows[-1][0]}: {rows[-1][1]} in {rows[-1][2]:.0f} s", file=sys.stderr)
    table = [stamp(), f"\n{'quick' if args.quick else 'full'} runs, results files in {out}",
             f"{'bench':<12} {'outcome':<9} {'minutes':>7}  what it says (its last summary or row)"]
    table += [f"{name:<12} {outcome:<9} {seconds / 60:>7.1f}  {said[:160]}" for name, outcome, seconds, said in rows]
    (out / "all.txt").write_text("\n".join(table) + "\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
