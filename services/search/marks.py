"""Each user's favourites, albums and ratings, in the record store's SQLite file, keyed by photo id: they survive
re-indexing, reprocessing and moves (the id is the content), and queries meet them by the ids they hold
(`favorite`, `album:NAME`, `rating:4..5`; see api.resolve_asker). Counts and covers are of photos under the asker's
roots. A smart album is an album with a saved query instead of photos: `album:NAME` of it is its query, read anew at
each search (api.expand_smart)."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from services.pipeline.sqlite import Immediate, open_sqlite
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
CREATE TABLE IF NOT EXISTS smart_albums (album INTEGER PRIMARY KEY, query TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ratings (
  owner TEXT NOT NULL, id TEXT NOT NULL, stars INTEGER NOT NULL, at REAL NOT NULL, PRIMARY KEY (owner, id)
);
CREATE INDEX IF NOT EXISTS ratings_by_stars ON ratings (owner, stars);
"""
MAX_ALBUMS = 10_000  # per user


class AlbumError(ValueError):
    """A name that cannot be an album's (empty, taken)."""


class SmartAlbumError(AlbumError):
    """An album change that only an album of photos takes (photos added or taken out), or only a smart one (its
    query)."""


class UnknownAlbum(LookupError):
    """Not an album of this user."""


def album_key(name: str) -> str:
    """How album names are compared and searched: case, spacing and double quotes aside ('Summer  Trip' is 'summer
    trip'; 'My "best" shots' is what album:"My best shots" finds, a quote inside quotes being no search)."""
    return " ".join(name.replace('"', "").lower().split())


class Marks:
    """Thread-safe: one connection guarded by a lock (WAL: the store's other readers and writers go on)."""

    def __init__(self, path: Path | str, timeout: float = 30.0):
        self._db = open_sqlite(path, SCHEMA, timeout)
        self._lock = threading.Lock()
        self._rekey_quoted()

    def _rekey_quoted(self) -> None:
        """Albums named with double quotes before their keys left the quotes out get keys as album_key makes them
        (one whose new key another of hers holds keeps its old key: renaming it makes it findable)."""
        with Immediate(self._db):
            for album, name in self._db.execute(
                    "SELECT album, name FROM albums WHERE instr(name, '\"') > 0").fetchall():
                self._db.execute("UPDATE OR IGNORE albums SET key = ? WHERE album = ?", (album_key(name), album))

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
        """Her albums by name, each with its photos under the roots counted and the last one added as cover (a smart
        album holds none: its query finds them, see the gateway's album list)."""
        params: list = []
        scope = f"EXISTS (SELECT 1 FROM paths p WHERE p.id = ap.id{root_clause(roots, params)})"
        sql = (f"SELECT a.album, a.name, COUNT(ap.id), (SELECT ap2.id FROM album_photos ap2 WHERE ap2.album = a.album "
               f"AND {scope.replace('ap.id', 'ap2.id')} ORDER BY ap2.at DESC, ap2.id LIMIT 1), s.query "
               f"FROM albums a LEFT JOIN album_photos ap ON ap.album = a.album AND {scope} "
               "LEFT JOIN smart_albums s ON s.album = a.album WHERE a.owner = ? GROUP BY a.album ORDER BY a.key")
        with self._lock:
            rows = self._db.execute(sql, [*params, *params, owner]).fetchall()
        return [album_view(album, name, query, count, cover) for album, name, count, cover, query in rows]

    def album(self, owner: str, album: int, roots: list[str]) -> dict:
        """One of her albums as albums() lists it."""
        found = next((a for a in self.albums(owner, roots) if a["id"] == album), None)
        if found is None:
            raise UnknownAlbum("no such album")
        return found

    def create_album(self, owner: str, name: str, query: str | None = None) -> dict:
        """An album of photos, or a smart album when a query is given (the caller checked it: api.check_saved)."""
        name = album_name(name)
        with self._lock, self._transaction():
            if self._db.execute("SELECT COUNT(*) FROM albums WHERE owner = ?", (owner,)).fetchone()[0] >= MAX_ALBUMS:
                raise AlbumError(f"at most {MAX_ALBUMS} albums")
            try:
                cursor = self._db.execute("INSERT INTO albums (owner, name, key, created) VALUES (?, ?, ?, ?)",
                                          (owner, name, album_key(name), time.time()))
            except sqlite3.IntegrityError:
                raise AlbumError(f"you have an album named '{name}' already") from None
            if query is not None:
                self._db.execute("INSERT INTO smart_albums (album, query) VALUES (?, ?)", (cursor.lastrowid, query))
        return album_view(cursor.lastrowid, name, query)

    def change_album(self, owner: str, album: int, name: str | None = None, query: str | None = None) -> None:
        """Rename one of her albums, or give a smart one a new query (the caller checked both: api.check_saved)."""
        with self._lock, self._transaction():
            if query is not None:
                self._own(owner, album, smart=True)
                self._db.execute("UPDATE smart_albums SET query = ? WHERE album = ?", (query, album))
            else:
                self._own(owner, album)
            if name is not None:
                name = album_name(name)
                try:
                    self._db.execute("UPDATE albums SET name = ?, key = ? WHERE album = ?",
                                     (name, album_key(name), album))
                except sqlite3.IntegrityError:
                    raise AlbumError(f"you have an album named '{name}' already") from None

    def delete_album(self, owner: str, album: int) -> None:
        with self._lock, self._transaction():
            self._own(owner, album)
            self._db.execute("DELETE FROM album_photos WHERE album = ?", (album,))
            self._db.execute("DELETE FROM smart_albums WHERE album = ?", (album,))
            self._db.execute("DELETE FROM albums WHERE album = ?", (album,))

    def add(self, owner: str, album: int, photo_ids: list[str]) -> None:
        now = time.time()
        with self._lock:
            self._own(owner, album, smart=False)
            self._db.executemany("INSERT OR IGNORE INTO album_photos (album, id, at) VALUES (?, ?, ?)",
                                 [(album, photo_id, now) for photo_id in photo_ids])

    def remove(self, owner: str, album: int, photo_id: str) -> None:
        with self._lock:
            self._own(owner, album, smart=False)
            self._db.execute("DELETE FROM album_photos WHERE album = ? AND id = ?", (album, photo_id))

    def saved_query(self, owner: str, name: str) -> str | None:
        """The query of her smart album of this name (compared as album_key); None if she has no such smart album."""
        with self._lock:
            row = self._db.execute("SELECT s.query FROM albums a JOIN smart_albums s ON s.album = a.album "
                                   "WHERE a.owner = ? AND a.key = ?", (owner, album_key(name))).fetchone()
        return row[0] if row else None

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

    def smart(self, owner: str):
        """Her smart albums' queries by name: the search API's smart album lookup (api.expand_smart)."""
        return lambda name: self.saved_query(owner, name)

    def forget(self, owner: str) -> None:
        """A removed user's favourites, albums and ratings (a new user of that name starts with none)."""
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM favorites WHERE owner = ?", (owner,))
            self._db.execute("DELETE FROM ratings WHERE owner = ?", (owner,))
            for table in ("album_photos", "smart_albums"):
                self._db.execute(f"DELETE FROM {table} WHERE album IN (SELECT album FROM albums WHERE owner = ?)",
                                 (owner,))
            self._db.execute("DELETE FROM albums WHERE owner = ?", (owner,))

    def _transaction(self) -> Immediate:
        return Immediate(self._db)

    def _own(self, owner: str, album: int, smart: bool | None = None) -> None:
        """Her album, else UnknownAlbum; of the kind asked for (smart or of photos), if asked, else SmartAlbumError."""
        row = self._db.execute("SELECT s.album IS NOT NULL FROM albums a LEFT JOIN smart_albums s ON s.album = a.album "
                               "WHERE a.album = ? AND a.owner = ?", (album, owner)).fetchone()
        if row is None:
            raise UnknownAlbum("no such album")
        if smart is not None and bool(row[0]) != smart:
            raise SmartAlbumError("a smart album holds the photos its search finds: change its query instead" if row[0]
                                  else "an album of photos has no query: make a smart album from a search instead")


def album_name(name: str) -> str:
    """The name as kept: spacing tidied; empty is an AlbumError."""
    name = " ".join(name.split())
    if not name:
        raise AlbumError("an album needs a name")
    return name


def album_view(album: int, name: str, query: str | None, count: int = 0, cover: str | None = None) -> dict:
    """An album as listed: a smart one carries its query."""
    return {"id": album, "name": name, "count": count, "cover": cover, "smart": query is not None, "query": query}
