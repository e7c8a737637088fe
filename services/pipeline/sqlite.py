"""One way to open the library's SQLite files (record store aside): shared by threads, autocommit, WAL."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def open_sqlite(path: Path | str, schema: str, timeout: float = 30.0) -> sqlite3.Connection:
    """A connection any thread may use (guard it with a lock), in autocommit (BEGIN where a transaction is
    wanted) and WAL mode (other processes read and write on), with the schema made and the folder too."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=timeout)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(schema)
    return db
