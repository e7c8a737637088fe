"""The line every results table starts with: when, which commit and on what machine it was measured."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def stamp() -> str:
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"# {now}, commit {commit}, {platform.node()}: {cpu_model()}, {os.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, load {os.getloadavg()[0]:.1f}, "
            f"Python {platform.python_version()}")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def publish(rows: list[str], name: str) -> None:
    """Print the table and keep it as bench/results/NAME.txt."""
    text = "\n".join(rows)
    print(text)
    (REPO / "bench" / "results" / f"{name}.txt").write_text(text + "\n")


def save_newest_first(name: str, text: str) -> None:
    """bench/results/NAME with this run's table on top of the earlier ones (runs under other code stay readable)."""
    path = REPO / "bench" / "results" / name
    earlier = path.read_text() if path.exists() else ""
    path.write_text(text.rstrip("\n") + "\n\n" + earlier if earlier else text.rstrip("\n") + "\n")
