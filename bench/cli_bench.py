"""Start-up of the `picsift` command: wall time and peak memory of answers that need no library (help, version, a
usage error, status on a fresh data dir), per source tree (`--tree DIR`, repeatable: compare a checkout before)."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stamp import REPO, stamp  # noqa: E402

CASES = {"--help": ["--help"], "--version": ["--version"], "search --help": ["search", "--help"],
         "usage error": ["search"], "status (fresh)": ["status", "--json"]}


def once(tree: Path, argv: list[str], data_dir: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one run of the command from this source tree."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PICSIFT_DATA_DIR": data_dir}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "services.app.cli", *argv], env=env, cwd=tree,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", type=Path, action="append", help="source tree to run (default: this one)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(stamp())
    print(f"{'tree':<22} {'command':<16} {'median ms':>10} {'min ms':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as data_dir:
        for tree in args.tree or [REPO]:
            for name, argv in CASES.items():
                runs = [once(tree, argv, data_dir + "/fresh") for _ in range(args.runs)]
                seconds = [s for s, _ in runs]
                print(f"{str(tree)[-22:]:<22} {name:<16} {statistics.median(seconds) * 1000:>10.0f} "
                      f"{min(seconds) * 1000:>8.0f} {max(mb for _, mb in runs):>8.0f}")


if __name__ == "__main__":
    main()
