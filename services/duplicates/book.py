"""The duplicates book: perceptual hashes read from the record store's change feed, and the near-copy pairs
found by multi-index hashing as each photo arrives (never all pairs), in SQLite beside the store. The index
itself is in memory, loaded from the hashes table, and loaded again when another process moved the feed on.

A user's groups are the connected photos among those under her roots, each with its best copy marked: the most
pixels, then the highest JPEG quality it was saved at, then the sharpest.
"""
from __future__ import annotations

import threading
from pathlib import Path

from proto import pb
from services.duplicates import hamming
from services.pipeline.sqlite import open_sqlite
from services.search.store import root_clause

SCHEMA = """
CREATE TABLE IF NOT EXISTS hashes (photo TEXT PRIMARY KEY, phash INTEGER NOT NULL, dhash INTEGER NOT NULL,
                                   width INTEGER NOT NULL, height INTEGER NOT NULL, quality INTEGER NOT NULL,
                                   sharpness REAL NOT NULL);
CREATE TABLE IF NOT EXISTS pairs (a TEXT NOT NULL, b TEXT NOT NULL, phash INTEGER NOT NULL, dhash INTEGER NOT NULL,
                                  PRIMARY KEY (a, b));
CREATE INDEX IF NOT EXISTS pairs_b ON pairs (b);
CREATE TABLE IF NOT EXISTS photo_paths (path TEXT PRIMARY KEY, photo TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS photo_paths_photo ON photo_paths (photo);
CREATE TABLE IF NOT EXISTS feed (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, radii TEXT NOT NULL);
"""


class DuplicatesBook:
    def __init__(self, path: Path | str, phash: int, dhash: int):
        self.phash, self.dhash = phash, dhash
        self._index: hamming.MultiIndex | None = None
        self._indexed_seq = -1  # the feed position the in-memory index holds
        self._db = open_sqlite(path, SCHEMA)
        self._lock = threading.RLock()
        with self._lock:
            row = self._db.execute("SELECT radii FROM feed").fetchone()
            if row is not None and row[0] != self._radii:  # other thresholds: find the pairs again from the start
                self._db.executescript("DELETE FROM hashes; DELETE FROM pairs; DELETE FROM photo_paths; DELETE FROM feed;")

    @property
    def _radii(self) -> str:
        return f"{self.phash}/{self.dhash}"

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- hashes from the record store -------------------------------------------------------------

    def follow(self, changed_since) -> int:
        """Apply the record store's changes since the last call (changed_since(seq) -> [(seq, record)])."""
        applied = 0
        while True:
            with self._lock:
                row = self._db.execute("SELECT seq FROM feed").fetchone()
            seq = row[0] if row else 0
            changes = changed_since(seq)
            if not changes:
                return applied
            with self._lock:
                if self._indexed_seq != seq:
                    self._index = hamming.MultiIndex([
                        (photo, hamming.to_unsigned(p), hamming.to_unsigned(d))
                        for photo, p, d in self._db.execute("SELECT photo, phash, dhash FROM hashes")])
                try:
                    with self._db:
                        self._db.execute("BEGIN")
                        for _, record in changes:
                            self._photo(record)
                        self._db.execute("INSERT INTO feed (id, seq, radii) VALUES (1, ?, ?) ON CONFLICT(id) DO "
                                         "UPDATE SET seq = excluded.seq, radii = excluded.radii",
                                         (changes[-1][0], self._radii))
                except BaseException:
                    self._indexed_seq = -1  # rolled back: the index read again from the table next time
                    raise
                self._indexed_seq = changes[-1][0]
            applied += len(changes)

    def _photo(self, record: pb.Record) -> None:
        """One photo's paths and, when its hashes are new or changed, its pairs with the photos near it."""
        db = self._db
        db.execute("DELETE FROM photo_paths WHERE photo = ?", (record.id,))
        db.executemany("INSERT OR REPLACE INTO photo_paths (path, photo) VALUES (?, ?)",
                       [(path, record.id) for path in record.paths])
        if not record.HasField("hashes"):
            return
        hashes = record.hashes
        held = db.execute("SELECT phash, dhash FROM hashes WHERE photo = ?", (record.id,)).fetchone()
        new = (hamming.to_signed(hashes.phash), hamming.to_signed(hashes.dhash))
        if held is not None and tuple(held) == new and hashes.meta.outcome == pb.OUTCOME_OK:
            return
        db.execute("DELETE FROM hashes WHERE photo = ?", (record.id,))
        db.execute("DELETE FROM pairs WHERE a = ? OR b = ?", (record.id, record.id))
        self._index.remove(record.id)
        if hashes.meta.outcome != pb.OUTCOME_OK:
            return
        near = self.near(hashes.phash, hashes.dhash)
        db.execute("INSERT INTO hashes VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (record.id, *new, record.file.width, record.file.height, hashes.quality, hashes.sharpness))
        self._index.add(record.id, hashes.phash, hashes.dhash)
        db.executemany("INSERT OR REPLACE INTO pairs (a, b, phash, dhash) VALUES (?, ?, ?, ?)",
                       [(*sorted((record.id, other)), dp, dd) for other, dp, dd in near if other != record.id])

    def near(self, phash: int, dhash: int) -> list[tuple[str, int, int]]:
        """(photo, pHash distance, dHash distance) of the filed photos within both radii, found through the
        pHash chunks (multi-index hashing), never by a scan."""
        return self._index.within(phash, dhash, self.phash, self.dhash)

    # -- a user's view ------------------------------------------------------------------------------

    def groups(self, roots: list[str] | None) -> list[dict]:
        """Her groups of near-copies (photos under her roots only), biggest first, the best copy of each first
        and marked; each photo with its first path under her roots."""
        params: list = []
        visible = f"SELECT 1 FROM photo_paths p WHERE p.photo = {{}}{root_clause(roots, params)}"
        with self._lock:
            pairs = self._db.execute(f"SELECT a, b FROM pairs WHERE EXISTS ({visible.format('a')}) "
                                     f"AND EXISTS ({visible.format('b')})", params * 2).fetchall()
        parent: dict[str, str] = {}

        def root(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in pairs:
            parent[root(a)] = root(b)
        members: dict[str, list[str]] = {}
        for photo in parent:
            members.setdefault(root(photo), []).append(photo)
        facts = self._facts(list(parent), roots)
        groups = []
        for photos in members.values():
            ranked = sorted((facts[p] for p in photos if p in facts), key=lambda f: (-f["width"] * f["height"], -f["quality"],
                                                                       -f["sharpness"], f["path"]))
            if len(ranked) < 2:
                continue
            ranked = [{**f, "best": i == 0} for i, f in enumerate(ranked)]
            groups.append({"id": ranked[0]["id"], "best": ranked[0]["id"], "photos": ranked})
        return sorted(groups, key=lambda g: (-len(g["photos"]), g["photos"][0]["path"]))

    def _facts(self, photos: list[str], roots: list[str] | None) -> dict[str, dict]:
        """Each photo's size, sharpness and first path under the roots, in one query per 500 photos."""
        facts = {}
        for start in range(0, len(photos), 500):
            batch = photos[start:start + 500]
            params: list = list(batch)
            sql = (f"SELECT h.photo, h.width, h.height, h.quality, h.sharpness, MIN(p.path) FROM hashes h JOIN photo_paths p "
                   f"ON p.photo = h.photo WHERE h.photo IN ({','.join('?' * len(batch))}){root_clause(roots, params)}"
                   " GROUP BY h.photo")
            with self._lock:
                for photo, width, height, quality, sharp, path in self._db.execute(sql, params):
                    facts[photo] = {"id": photo, "path": path, "width": width, "height": height,
                                    "quality": quality, "sharpness": round(sharp, 1)}
        return facts
