"""Ingest's own memory: which paths it has seen with which size, mtime and id (SQLite)."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from services.pipeline.sqlite import use_wal

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY, root TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_id ON files (id);
CREATE TABLE IF NOT EXISTS known_ids (id TEXT PRIMARY KEY);
"""


@dataclass(frozen=True)
class Seen:
    size: int
    mtime_ns: int
    id: str


class Catalog:
    """Lets a rescan skip unchanged files and tell a duplicate or a move from a new photo."""

    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._lock = threading.Lock()
        with self._lock:
            use_wal(self._db)
            self._db.execute("PRAGMA synchronous=NORMAL")  # a lost last write only means hashing a file again
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def seen(self, path: str) -> Seen | None:
        with self._lock:
            row = self._db.execute("SELECT size, mtime_ns, id FROM files WHERE path = ?", (path,)).fetchone()
        return Seen(*row) if row else None

    def other_paths(self, photo_id: str, path: str) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT path FROM files WHERE id = ? AND path != ?", (photo_id, path)).fetchall()
        return [r[0] for r in rows]

    def is_known(self, photo_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM known_ids WHERE id = ?", (photo_id,)).fetchone() is not None

    def remember(self, path: str, root: str, size: int, mtime_ns: int, photo_id: str, known: bool = True) -> None:
        """Note a path's state; known=False for a stacked raw, whose id is its JPEG's, not yet analysed."""
        with self._lock:
            self._db.execute(
                "INSERT INTO files (path, root, size, mtime_ns, id) VALUES (?, ?, ?, ?, ?) ON CONFLICT(path) "
                "DO UPDATE SET root=excluded.root, size=excluded.size, mtime_ns=excluded.mtime_ns, id=excluded.id",
                (path, root, size, mtime_ns, photo_id),
            )
            if known:
                self._db.execute("INSERT OR IGNORE INTO known_ids (id) VALUES (?)", (photo_id,))

    def forget(self, path: str) -> str | None:
        """Drop a path; returns the id it had (the id itself stays known, so a move keeps its analysis)."""
        with self._lock:
            row = self._db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
            self._db.execute("DELETE FROM files WHERE path = ?", (path,))
        return row[0] if row else None

    def paths_under(self, root: str) -> set[str]:
        prefix = root.rstrip("/") + "/"
        with self._lock:
            rows = self._db.execute(
                "SELECT path FROM files WHERE path >= ? AND path < ?", (prefix, prefix[:-1] + "0")
            ).fetchall()
        return {r[0] for r in rows}
