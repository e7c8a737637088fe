"""Books beside the record store (people, similar photos) follow its change feed the same way: from the position
they saved, a batch of changed records at a time, each batch applied and the new position saved in one
transaction."""
from __future__ import annotations

import sqlite3
import threading
from typing import Callable

FEED_TABLE = "CREATE TABLE IF NOT EXISTS feed (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);"
PATHS_TABLE = """CREATE TABLE IF NOT EXISTS photo_paths (path TEXT PRIMARY KEY, photo TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS photo_paths_photo ON photo_paths (photo);"""  # who may see a photo: its paths' roots


def feed_position(db: sqlite3.Connection, lock: threading.RLock) -> int:
    with lock:
        row = db.execute("SELECT seq FROM feed").fetchone()
    return row[0] if row else 0


def follow(db: sqlite3.Connection, lock: threading.RLock, changed_since, apply: Callable,
           at: Callable[[int], None] = lambda seq: None, done: Callable[[int], None] = lambda seq: None) -> int:
    """Apply the store's changes since the saved position (changed_since(seq) -> [(seq, record)], apply(record) in
    the open transaction); `at(seq)` is told the position before each batch is read, `done(seq)` the new one once
    a batch is committed. Returns the records applied."""
    applied = 0
    while True:
        seq = feed_position(db, lock)
        at(seq)
        changes = changed_since(seq)
        if not changes:
            return applied
        with lock, db:
            db.execute("BEGIN")
            for _, record in changes:
                apply(record)
            db.execute("INSERT INTO feed (id, seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq",
                       (changes[-1][0],))
        done(changes[-1][0])
        applied += len(changes)


def keep_paths(db: sqlite3.Connection, record) -> None:
    """A photo's paths as the store holds them now (in the open transaction)."""
    db.execute("DELETE FROM photo_paths WHERE photo = ?", (record.id,))
    db.executemany("INSERT OR REPLACE INTO photo_paths (path, photo) VALUES (?, ?)",
                   [(path, record.id) for path in record.paths])
