"""One way to open the library's SQLite files (record store aside): shared by threads, autocommit, WAL."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def open_sqlite(path: Path | str, schema: str, timeout: float = 30.0) -> sqlite3.Connection:
    """A connection any thread may use (guard it with a lock), in autocommit (BEGIN where a transaction is
    wanted) and WAL mode (other processes read and write on), with the schema made and the folder too."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=timeout)
    use_wal(db, timeout)
    db.executescript(schema)
    return db


def use_wal(db: sqlite3.Connection, timeout: float = 30.0) -> None:
    """Put the file in WAL mode. Processes opening a new file together each try to, and SQLite answers "locked" at
    once, not after its busy timeout, to all but one: they try again until the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Immediate:
    """A write transaction: BEGIN IMMEDIATE (the write lock taken at once, waiting the busy timeout for it) ...
    COMMIT, rolled back on error. A class, not a generator: the record store takes one per save."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
