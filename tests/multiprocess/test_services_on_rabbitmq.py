"""`picsift service` processes on the real RabbitMQ: SIGKILL ingest and indexer mid-run, every photo lands once."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

N = 200
pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]


def count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # table not created yet
        return 0


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Service:
    """One `picsift service NAME` OS process with its log in a file."""

    def __init__(self, name: str, env: dict, log_dir: Path):
        self.name, self.env, self.log_dir, self.runs = name, env, log_dir, 0
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.runs += 1
        log = open(self.log_dir / f"{self.name}-{self.runs}.log", "w")
        self.process = subprocess.Popen([sys.executable, "-m", "services.app.cli", "service", self.name],
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(60)
        return self.process.returncode


def test_killed_ingest_and_indexer_processes_lose_and_duplicate_nothing(tmp_path, amqp_url, exchange_name,
                                                                       jpeg_factory):
    media = tmp_path / "media"
    for i in range(N):
        jpeg_factory(media / f"day{i % 7}" / f"photo_{i:03}.jpg", seed=1000 + i, size=(480, 360))
    data = tmp_path / "data"
    env = {**os.environ, "PICSIFT_BUS": amqp_url, "PICSIFT_EXCHANGE": exchange_name,
           "PICSIFT_DATA_DIR": str(data), "PICSIFT_MEDIA_ROOT": json.dumps([str(media)]),
           "PICSIFT_STAGES": json.dumps(["indexer"]), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    ingest, indexer = Service("ingest", env, tmp_path), Service("indexer", env, tmp_path)
    catalog, store = data / "ingest.db", data / "picsift.db"
    photos = "SELECT COUNT(*) FROM photos"
    try:
        ingest.start()
        wait_until(lambda: count(catalog, "SELECT COUNT(*) FROM files") >= 30, 120, "ingest to get going")
        ingest.kill()
        assert count(catalog, "SELECT COUNT(*) FROM files") < N, "ingest finished before it could be killed"
        indexer.start()
        ingest.start()
        wait_until(lambda: count(store, photos) >= 40, 120, "the indexer to get going")
        indexer.kill()
        assert count(store, photos) < N, "the indexer finished before it could be killed"
        indexer.start()
        wait_until(lambda: count(store, photos) == N and count(catalog, "SELECT COUNT(*) FROM files") == N,
                   180, f"all {N} photos in the store")
        time.sleep(1.0)  # anything redelivered late would show up now
    finally:
        codes = [service.stop() for service in (ingest, indexer) if service.process]
    with sqlite3.connect(store) as conn:
        assert conn.execute(photos).fetchone()[0] == N
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM paths").fetchone() == (N, N)
        assert conn.execute("SELECT COUNT(*) FROM file_outcomes").fetchone()[0] == 0
    assert codes == [0, 0], "services did not stop cleanly on SIGTERM"
