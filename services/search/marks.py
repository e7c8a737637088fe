"""Each user's favourites, albums and ratings, in the record store's SQLite file, keyed by photo id: they survive
re-indexing, reprocessing and moves (the id is the content), and queries meet them by the ids they hold
(`favorite`, `album:NAME`, `rating:4..5`; see api.resolve_asker). Counts and covers are of photos under the asker's
roots."""
from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from services.pipeline.sqlite import open_sqlite
from services.search.query.ast import Rated
from services.search.store import root_clause

SCHEMA = """
CREATE TABLE IF NOT EXISTS favorites (owner TEXT NOT NULL, id TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (owner, id));
CREATE TABLE IF NOT EXISTS albums (
  album INTEGER PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL, created REAL NOT NULL,
  UNIQUE (owner, key)
);
CREATE TABLE IF NOT EXISTS album_photos (
  album INTEGER NOT NULL, id TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (album, id)
);
CREATE TABLE IF NOT EXISTS ratings (
  owner TEXT NOT NULL, id TEXT NOT NULL, stars INTEGER NOT NULL, at REAL NOT NULL, PRIMARY KEY (owner, id)
);
CREATE INDEX IF NOT EXISTS ratings_by_stars ON ratings (owner, stars);
"""
MAX_ALBUMS = 10_000  # per user


class AlbumError(ValueError):
    """A name that cannot be an album's (empty, taken)."""


class UnknownAlbum(LookupError):
    """Not an album of this user."""


def album_key(name: str) -> str:
    """How album names are compared and searched: case and spacing aside ('Summer  Trip' is 'summer trip')."""
    return " ".join(name.lower().split())


class Marks:
    """Thread-safe: one connection guarded by a lock (WAL: the store's other readers and writers go on)."""

    def __init__(self, path: Path | str, timeout: float = 30.0):
        self._db = open_sqlite(path, SCHEMA, timeout)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- favourites ---------------------------------------------------------------------------

    def favorite(self, owner: str, photo_id: str, on: bool) -> None:
        with self._lock:
            if on:
                self._db.execute("INSERT OR IGNORE INTO favorites (owner, id, at) VALUES (?, ?, ?)",
                                 (owner, photo_id, time.time()))
            else:
                self._db.execute("DELETE FROM favorites WHERE owner = ? AND id = ?", (owner, photo_id))

    def favorites(self, owner: str, among: list[str] | None = None) -> set[str]:
        """Her favourite ids (only those among the given ids, if given)."""
        sql, params = "SELECT id FROM favorites WHERE owner = ?", [owner]
        if among is not None:
            sql += f" AND id IN ({','.join('?' * len(among))})"
            params += among
        with self._lock:
            return {row[0] for row in self._db.execute(sql, params)}

    # -- ratings: 0-5 stars of her own, over the file's XMP rating -------------------------------

    def rate(self, owner: str, photo_ids: list[str], stars: int | None) -> None:
        """Her stars for the photos; None takes her rating away (the file's shows again)."""
        with self._lock:
            if stars is None:
                self._db.executemany("DELETE FROM ratings WHERE owner = ? AND id = ?",
                                     [(owner, photo_id) for photo_id in photo_ids])
            else:
                now = time.time()
                self._db.executemany("INSERT OR REPLACE INTO ratings (owner, id, stars, at) VALUES (?, ?, ?, ?)",
                                     [(owner, photo_id, stars, now) for photo_id in photo_ids])

    def ratings(self, owner: str, among: list[str]) -> dict[str, int]:
        """Her stars for those of the ids she rated."""
        with self._lock:
            return dict(self._db.execute(f"SELECT id, stars FROM ratings WHERE owner = ? AND id IN "
                                         f"({','.join('?' * len(among))})", [owner, *among]))

    def rated(self, owner: str, low: int, high: int) -> set[str]:
        """The ids she gave low..high stars."""
        with self._lock:
            return {row[0] for row in self._db.execute(
                "SELECT id FROM ratings WHERE owner = ? AND stars BETWEEN ? AND ?", (owner, low, high))}

    # -- albums -------------------------------------------------------------------------------

    def albums(self, owner: str, roots: list[str]) -> list[dict]:
        """Her albums by name, each with its photos under the roots counted and the last one added as cover."""
        params: list = []
        scope = f"EXISTS (SELECT 1 FROM paths p WHERE p.id = ap.id{root_clause(roots, params)})"
        sql = (f"SELECT a.album, a.name, COUNT(ap.id), (SELECT ap2.id FROM album_photos ap2 WHERE ap2.album = a.album "
               f"AND {scope.replace('ap.id', 'ap2.id')} ORDER BY ap2.at DESC, ap2.id LIMIT 1) "
               f"FROM albums a LEFT JOIN album_photos ap ON ap.album = a.album AND {scope} "
               "WHERE a.owner = ? GROUP BY a.album ORDER BY a.key")
        with self._lock:
            rows = self._db.execute(sql, [*params, *params, owner]).fetchall()
        return [{"id": album, "name": name, "count": count, "cover": cover} for album, name, count, cover in rows]

    def create_album(self, owner: str, name: str) -> dict:
        name = " ".join(name.split())
        if not name:
            raise AlbumError("an album needs a name")
        with self._lock:
            if self._db.execute("SELECT COUNT(*) FROM albums WHERE owner = ?", (owner,)).fetchone()[0] >= MAX_ALBUMS:
                raise AlbumError(f"at most {MAX_ALBUMS} albums")
            try:
                cursor = self._db.execute("INSERT INTO albums (owner, name, key, created) VALUES (?, ?, ?, ?)",
                                          (owner, name, album_key(name), time.time()))
            except sqlite3.IntegrityError:
                raise AlbumError(f"you have an album named '{name}' already") from None
        return {"id": cursor.lastrowid, "name": name, "count": 0, "cover": None}

    def delete_album(self, owner: str, album: int) -> None:
        with self._lock, self._transaction():
            self._own(owner, album)
            self._db.execute("DELETE FROM album_photos WHERE album = ?", (album,))
            self._db.execute("DELETE FROM albums WHERE album = ?", (album,))

    def add(self, owner: str, album: int, photo_ids: list[str]) -> None:
        now = time.time()
        with self._lock:
            self._own(owner, album)
            self._db.executemany("INSERT OR IGNORE INTO album_photos (album, id, at) VALUES (?, ?, ?)",
                                 [(album, photo_id, now) for photo_id in photo_ids])

    def remove(self, owner: str, album: int, photo_id: str) -> None:
        with self._lock:
            self._own(owner, album)
            self._db.execute("DELETE FROM album_photos WHERE album = ? AND id = ?", (album, photo_id))

    def albums_of(self, owner: str, photo_id: str) -> list[dict]:
        """Her albums holding the photo."""
        with self._lock:
            rows = self._db.execute("SELECT a.album, a.name FROM albums a JOIN album_photos ap ON ap.album = a.album "
                                    "WHERE a.owner = ? AND ap.id = ? ORDER BY a.key", (owner, photo_id)).fetchall()
        return [{"id": album, "name": name} for album, name in rows]

    def in_albums(self, owner: str, name: str) -> set[str]:
        """The ids in her album of this name (compared as album_key), or in any of her albums for no name."""
        sql = "SELECT ap.id FROM albums a JOIN album_photos ap ON ap.album = a.album WHERE a.owner = ?"
        params = [owner]
        if key := album_key(name):
            sql += " AND a.key = ?"
            params.append(key)
        with self._lock:
            return {row[0] for row in self._db.execute(sql, params)}

    def lookup(self, owner: str):
        """Her ids for a Marked or Rated query node (`favorite`, `album:NAME`, `rating:4..5`): the search API's mark
        lookup."""
        def ids(node) -> set[str]:
            if isinstance(node, Rated):
                return self.rated(owner, node.low, node.high)
            return self.favorites(owner) if node.kind == "favorite" else self.in_albums(owner, node.name)

        return ids

    def forget(self, owner: str) -> None:
        """A removed user's favourites, albums and ratings (a new user of that name starts with none)."""
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM favorites WHERE owner = ?", (owner,))
            self._db.execute("DELETE FROM ratings WHERE owner = ?", (owner,))
            self._db.execute("DELETE FROM album_photos WHERE album IN (SELECT album FROM albums WHERE owner = ?)",
                             (owner,))
            self._db.execute("DELETE FROM albums WHERE owner = ?", (owner,))

    @contextmanager
    def _transaction(self):
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _own(self, owner: str, album: int) -> None:
        if self._db.execute("SELECT 1 FROM albums WHERE album = ? AND owner = ?", (album, owner)).fetchone() is None:
            raise UnknownAlbum("no such album")
