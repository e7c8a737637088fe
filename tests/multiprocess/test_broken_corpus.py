"""Broken files made from the real samples, through `picsift index --json`: one typed outcome each. CI takes the
smallest source photo of each format (over 600 files, every kind of damage); PICSIFT_TEST_SOAK=1 takes three per
format (over 1,000 files)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.broken_corpus import SOURCES_PER_FORMAT, write_broken_corpus
from proto import pb
from services.media.formats import SUPPORTED

REPO = Path(__file__).resolve().parents[2]
HANG_SECONDS = 480
WHOLE = bool(os.environ.get("PICSIFT_TEST_SOAK"))

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


def stored(data_dir: Path) -> tuple[list[pb.Record], dict[str, str]]:
    """Read back independently of the summary: every photo record, and the failed/skipped outcome of other files."""
    with sqlite3.connect(data_dir / "picsift.db") as db:
        records = [pb.Record.FromString(row[0]) for row in db.execute("SELECT record FROM photos")]
        outcomes = dict(db.execute("SELECT path, outcome FROM file_outcomes"))
    return records, outcomes


def test_every_broken_file_gets_exactly_one_typed_outcome(samples_dir, tmp_path):
    per_format = SOURCES_PER_FORMAT if WHOLE else 1
    corpus = write_broken_corpus(samples_dir, tmp_path / "broken", seed=12, per_format=per_format)
    files = {str(path) for path in corpus.made_from}
    assert len(files) >= (1000 if WHOLE else 600), len(files)
    assert corpus.formats == set(SUPPORTED.values()), "every format ingest reads"

    done = picsift_index(corpus.root, tmp_path / "data")

    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert done.returncode == 1, done.stderr[-2000:]  # exit 1: some files failed, and the command said so
    summary = json.loads(done.stdout)
    listed = [item["path"] for item in summary["skipped"] + summary["failed"]]
    records, outcomes = stored(tmp_path / "data")
    assert all(record.paths for record in records), "no photo hidden without a path (a raw stacked on nothing)"
    indexed = [path for record in records for path in record.paths]
    stacked = [path for record in records for path in record.stack]
    assert (summary["indexed"], summary["stacked"], summary["duplicates"]) == (len(indexed), len(stacked), 0)
    assert sorted(listed + indexed + stacked) == sorted(files), "every file once: indexed, stacked, skipped or failed"
    assert all(item["reason"] for item in summary["skipped"] + summary["failed"] + summary["incomplete"])
    assert {p: "failed" for p in (i["path"] for i in summary["failed"])} | \
        {p: "skipped" for p in (i["path"] for i in summary["skipped"])} == outcomes
    assert {item["path"] for item in summary["incomplete"]} <= set(indexed)
    assert summary["indexed"] > (100 if WHOLE else 30) and len(summary["failed"]) > 100, "the corpus holds both kinds"
