"""Over 1,000 broken files made from the real samples, through `picsift index --json`: one typed outcome each."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.broken_corpus import write_broken_corpus
from proto import pb

REPO = Path(__file__).resolve().parents[2]
CORE_FORMATS = {"JPEG", "HEIF", "TIFF", "PNG", "WEBP", "GIF"}
HANG_SECONDS = 480

pytestmark = pytest.mark.slow


def picsift_index(target: Path, data_dir: Path) -> subprocess.CompletedProcess:
    """The real command in its own process, so a crash, a hang or a traceback anywhere is seen."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PICSIFT_DATA_DIR": str(data_dir), "PICSIFT_BUS": "memory",
           "PICSIFT_DECODE_SECONDS": "20", "TF_CPP_MIN_LOG_LEVEL": "2"}
    try:
        return subprocess.run([sys.executable, "-m", "services.app.cli", "index", "--json", str(target)], env=env,
                              cwd=REPO, capture_output=True, text=True, timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"picsift index hung: no result within {HANG_SECONDS} s")


def stored_paths(data_dir: Path) -> tuple[list[str], list[str], dict[str, str]]:
    """Read back independently of the summary: indexed paths, raws stacked with a photo of the same name,
    and the failed/skipped outcome of each other file."""
    with sqlite3.connect(data_dir / "picsift.db") as db:
        indexed = [row[0] for row in db.execute("SELECT path FROM paths")]
        outcomes = dict(db.execute("SELECT path, outcome FROM file_outcomes"))
        stacked = [path for (blob,) in db.execute("SELECT record FROM photos")
                   for path in pb.Record.FromString(blob).stack]
    return indexed, stacked, outcomes


def test_every_broken_file_gets_exactly_one_typed_outcome(samples_dir, tmp_path):
    corpus = write_broken_corpus(samples_dir, tmp_path / "broken", seed=12)
    files = {str(path) for path in corpus.made_from}
    assert len(files) >= 1000 and corpus.formats >= CORE_FORMATS

    done = picsift_index(corpus.root, tmp_path / "data")

    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert done.returncode == 1, done.stderr[-2000:]  # exit 1: some files failed, and the command said so
    summary = json.loads(done.stdout)
    listed = [item["path"] for item in summary["skipped"] + summary["failed"]]
    indexed, stacked, outcomes = stored_paths(tmp_path / "data")
    assert summary["indexed"] == len(indexed) and summary["duplicates"] == 0 and summary["stacked"] == len(stacked)
    assert sorted(listed + indexed + stacked) == sorted(files), "every file once: indexed, stacked, skipped or failed"
    assert all(item["reason"] for item in summary["skipped"] + summary["failed"] + summary["incomplete"])
    assert {p: "failed" for p in (i["path"] for i in summary["failed"])} | \
        {p: "skipped" for p in (i["path"] for i in summary["skipped"])} == outcomes
    assert {item["path"] for item in summary["incomplete"]} <= set(indexed)
    assert summary["indexed"] > 100 and len(summary["failed"]) > 100, "the corpus holds both kinds"
