"""`picsift up` stays up through broken files and undecodable names, at its first scan and while it watches."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PORT = 18101
pytestmark = pytest.mark.slow


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds:g} s waiting for {what}")
        time.sleep(0.1)


def outcome_of(data_dir: Path, path: str) -> str | None:
    """'indexed' when the store has the path, else the failed/skipped outcome recorded for it, else None."""
    if not (data_dir / "picsift.db").exists():
        return None
    with sqlite3.connect(data_dir / "picsift.db", timeout=10) as db:
        try:
            if db.execute("SELECT 1 FROM paths WHERE path = ?", (path,)).fetchone():
                return "indexed"
            row = db.execute("SELECT outcome FROM file_outcomes WHERE path = ?", (path,)).fetchone()
        except sqlite3.OperationalError as exc:  # the file is there, its tables not yet
            if "no such table" not in str(exc):
                raise
            return None
    return row[0] if row else None


def bad_files(folder: Path, samples_dir: Path, tag: str) -> dict[str, str]:
    """A good photo, a truncated HEIF, a photo in a folder named in Latin-1: path as stored -> expected outcome."""
    heif = (samples_dir / "heic" / "IMG_5195.HEIC").read_bytes()
    good = folder / f"good {tag}.jpg"
    good.write_bytes((samples_dir / "jpg" / "Canon_40D.jpg").read_bytes()[:-2] + tag.encode() + b"\xff\xd9")
    cut = folder / f"cut {tag}.heic"
    cut.write_bytes(heif[: len(heif) * 2 // 3])
    latin = Path(os.fsdecode(os.fsencode(folder) + f"/caf\xe9 {tag}".encode("latin-1")))
    latin.mkdir()
    (latin / "in.jpg").write_bytes(good.read_bytes())
    return {str(good): "indexed", str(cut): "any", f"{folder}/caf\\xe9 {tag}/in.jpg": "skipped"}


def test_up_keeps_running_through_bad_files_at_scan_and_watch(tmp_path, samples_dir):
    media, data = tmp_path / "media", tmp_path / "data"
    media.mkdir()
    expected = bad_files(media, samples_dir, "scanned")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PICSIFT_DATA_DIR": str(data), "PICSIFT_BUS": "memory",
           "PICSIFT_MODELS": f"local:{tmp_path / 'no-models'}", "PICSIFT_STABLE_SECONDS": "0.2",
           "PICSIFT_POLL_INTERVAL_MS": "200"}
    log = open(tmp_path / "up.log", "w+")
    up = subprocess.Popen([sys.executable, "-m", "services.app.cli", "up", "--media", str(media), "--port", str(PORT)],
                          env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: all(outcome_of(data, p) for p in expected) or up.poll() is not None, 120, "the first scan")
        assert up.poll() is None, (tmp_path / "up.log").read_text()[-3000:]
        expected.update(bad_files(media, samples_dir, "watched"))
        wait_for(lambda: all(outcome_of(data, p) for p in expected) or up.poll() is not None, 60, "the watcher")
        assert up.poll() is None, (tmp_path / "up.log").read_text()[-3000:]
        for path, outcome in expected.items():
            assert outcome in ("any", outcome_of(data, path)), path
        up.send_signal(signal.SIGTERM)
        assert up.wait(60) == 0
    finally:
        if up.poll() is None:
            up.kill()
        log.close()
    assert "Traceback" not in (tmp_path / "up.log").read_text()
