"""The similar-photos book: each photo's embedding (MobileNetV2's pooled features, from the vision record) read
from the record store's change feed into SQLite beside the store, and an HNSW graph of them in memory (usearch,
int8). Each row is tagged with the feed position its batch started from (and removed rows kept as `gone`), so a
process brings its graph up to date with what others filed by adding and removing only those; a process that
added many saves its graph beside the book on closing (`similar.db.graph-BOOK-SEQ`), which the next one starts
from.

A user's neighbours of a photo are only photos under her roots, and she may only ask about a photo she can see:
the graph is searched for more neighbours than wanted in proportion to how much of the library she sees, or, when
that would visit more vectors than she has, her photos are compared one by one. The candidates (twice as many as
wanted) are then ranked again by their float16 embeddings from the table: usearch's int8 keeps only about 0.1 of
cosine similarity exact (bench/results/similar.txt).
"""
from __future__ import annotations

import math
import threading
import uuid
from pathlib import Path

import numpy as np

from proto import embedding, pb
from services.pipeline.feed import FEED_TABLE, PATHS_TABLE, feed_position, follow, keep_paths
from services.pipeline.hnsw import hnsw_index
from services.pipeline.sqlite import open_sqlite
from services.search.store import root_clause

SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (key INTEGER PRIMARY KEY AUTOINCREMENT, photo TEXT NOT NULL UNIQUE,
                                    vector BLOB NOT NULL, since INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS vectors_since ON vectors (since);
CREATE TABLE IF NOT EXISTS gone (key INTEGER PRIMARY KEY, since INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS gone_since ON gone (since);
CREATE TABLE IF NOT EXISTS book (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL);
""" + FEED_TABLE + PATHS_TABLE
DIMENSIONS = 1280
OVERSAMPLE = 2  # x the neighbours the visible share calls for, asked of the graph at first; x4 on each retry
# Her photos are compared one by one when they are fewer than sqrt(EXACT_FACTOR x neighbours asked of the graph x
# library): reading a vector costs about a quarter of visiting one in the graph (bench/results/similar.txt).
EXACT_FACTOR = 8
RESCORED = 2  # x the neighbours wanted, found with int8 vectors, then ranked by their float16 embeddings
SCOPES_KEPT = 64
SAVE_AFTER = 1000  # rows a process added to its graph beyond the saved one, for it to save the graph on closing


class SimilarBook:
    def __init__(self, path: Path | str):
        self._db = open_sqlite(path, SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO book (id, name) VALUES (1, ?)", (uuid.uuid4().hex[:12],))
        name = self._db.execute("SELECT name FROM book").fetchone()[0]
        self._graphs = Path(path).with_name(f"{Path(path).name}.graph-{name}")  # + "-SEQ": this book's saved graphs
        self._lock = threading.RLock()
        self._index = None  # the graph, read on first use
        self._indexed_seq = 0  # the feed position the graph holds
        self._unsaved = 0  # rows added to the graph since the saved one it started from
        self._batch = 0  # the feed position the batch being filed started from
        self._scopes: dict[tuple, np.ndarray] = {}  # (feed seq, roots) -> the visible keys, sorted

    def close(self) -> None:
        with self._lock:
            if self._index is not None and self._unsaved >= SAVE_AFTER:
                self._save()
            self._db.close()

    # -- embeddings from the record store ---------------------------------------------------------

    def follow(self, changed_since) -> int:
        """Apply the record store's changes since the last call (changed_since(seq) -> [(seq, record)])."""
        with self._lock:  # the graph changes with the table: no query sees one without the other
            try:
                return follow(self._db, self._lock, changed_since, self._photo, at=self._load, done=self._held)
            except BaseException:
                self._index = None  # rolled back: the graph read again (saved graph and table) next time
                raise

    def _held(self, seq: int) -> None:
        self._indexed_seq = seq

    def _load(self, seq: int) -> None:
        """The graph as the table holds it at this feed position: the saved graph at first (or an empty one), then
        the rows filed and removed since the position the graph holds (by other processes too)."""
        with self._lock:
            self._batch = seq
            if self._index is None:
                self._index, self._indexed_seq = self._saved()
                self._unsaved = 0
            if self._indexed_seq == seq:
                return
            held = self._indexed_seq
            for key, in self._db.execute("SELECT key FROM gone WHERE since >= ?", (held,)).fetchall():
                self._index.remove(key)
            rows = [(key, blob) for key, blob in self._db.execute("SELECT key, vector FROM vectors WHERE since >= ?",
                                                                  (held,)) if not self._index.contains(key)]
            if rows:
                self._index.add(np.array([key for key, _ in rows], np.uint64),
                                np.stack([embedding.unpack(blob) for _, blob in rows]))
                self._unsaved += len(rows)
            self._indexed_seq = seq

    def _saved(self):
        """(graph, feed position) of the newest graph saved beside the book, else a new one at 0."""
        index, found = new_index(), sorted(self._graphs.parent.glob(self._graphs.name + "-*[0-9]"),
                                           key=lambda p: int(p.name.rsplit("-", 1)[1]))
        if found and int(found[-1].name.rsplit("-", 1)[1]) <= feed_position(self._db, self._lock):
            index.load(str(found[-1]))
            return index, int(found[-1].name.rsplit("-", 1)[1])
        return index, 0

    def _save(self) -> None:
        """The graph beside the book, tagged with the feed position it holds, switched to atomically; older ones go."""
        target = self._graphs.with_name(f"{self._graphs.name}-{self._indexed_seq}")
        partial = target.with_name(target.name + ".partial")
        self._index.save(str(partial))
        partial.replace(target)
        for old in self._graphs.parent.glob(self._graphs.name + "-*[0-9]"):
            if old != target:
                old.unlink(missing_ok=True)
        self._unsaved = 0

    def _photo(self, record: pb.Record) -> None:
        """One photo's paths and, when vision has spoken, its embedding (none: it leaves the index)."""
        db = self._db
        keep_paths(db, record)
        if not record.HasField("vision"):
            return
        blob = record.vision.embedding
        held = db.execute("SELECT key, vector FROM vectors WHERE photo = ?", (record.id,)).fetchone()
        if held is not None and held[1] == blob:
            return
        if held is not None:
            db.execute("DELETE FROM vectors WHERE key = ?", (held[0],))
            db.execute("INSERT INTO gone (key, since) VALUES (?, ?)", (held[0], self._batch))
            self._index.remove(held[0])
        if len(blob) != DIMENSIONS * embedding.DTYPE.itemsize:
            return
        key = db.execute("INSERT INTO vectors (photo, vector, since) VALUES (?, ?, ?)",
                         (record.id, blob, self._batch)).lastrowid
        self._index.add(key, embedding.unpack(blob))
        self._unsaved += 1

    # -- a user's view ------------------------------------------------------------------------------

    def neighbours(self, photo: str, roots: list[str] | None, count: int) -> list[tuple[str, float]] | None:
        """The `count` photos under her roots most like this one, most similar first, with their cosine similarity;
        None when she cannot see the photo (or there is none by that id); [] when it has no embedding yet."""
        with self._lock:
            self._load(feed_position(self._db, self._lock))
            params: list = [photo]
            if not self._db.execute("SELECT 1 FROM photo_paths p WHERE p.photo = ?" + root_clause(roots, params)
                                    + " LIMIT 1", params).fetchone():
                return None
            row = self._db.execute("SELECT key, vector FROM vectors WHERE photo = ?", (photo,)).fetchone()
            if row is None:
                return []
            key, blob = row
            wanted, visible = self._index.get(key, dtype=np.float32), self._visible(roots)
            candidates = count * RESCORED
            if len(visible) ** 2 <= EXACT_FACTOR * (candidates + 1) * len(self._index):
                found = self._exact(wanted, visible, key, candidates)
            else:
                found = self._approximate(wanted, visible, key, candidates)
            return self._rescored(embedding.unpack(blob), found, count)

    def _visible(self, roots: list[str] | None) -> np.ndarray:
        """The keys of the embedded photos under the roots, sorted; kept until the feed moves."""
        scope = (self._indexed_seq, None if roots is None else tuple(roots))
        if scope not in self._scopes:
            if len(self._scopes) >= SCOPES_KEPT or any(s[0] != scope[0] for s in self._scopes):
                self._scopes.clear()
            params: list = []
            sql = ("SELECT v.key FROM vectors v WHERE EXISTS (SELECT 1 FROM photo_paths p WHERE p.photo = v.photo"
                   + root_clause(roots, params) + ") ORDER BY v.key")
            self._scopes[scope] = np.array([key for key, in self._db.execute(sql, params)], np.uint64)
        return self._scopes[scope]

    def _exact(self, wanted: np.ndarray, visible: np.ndarray, key: int, count: int) -> list[int]:
        """Her photos compared one by one (their int8 vectors), the best `count` keys."""
        keys = visible[visible != key]
        if not len(keys):
            return []
        vectors = np.stack(self._index.get(keys, dtype=np.int8)).astype(np.float32)
        similarity = vectors @ wanted / np.maximum(np.linalg.norm(vectors, axis=1), 1e-12)
        return keys[np.argsort(-similarity, kind="stable")[:count]].tolist()

    def _approximate(self, wanted: np.ndarray, visible: np.ndarray, key: int, count: int) -> list[int]:
        """Through the graph: enough neighbours that `count` of them are hers, asking for more until they are."""
        size = len(self._index)
        ask = min(size, math.ceil((count + 1) * size / len(visible) * OVERSAMPLE))
        while True:
            keys = self._index.search(wanted, ask).keys.astype(np.uint64)
            inside = keys[np.isin(keys, visible) & (keys != key)]
            if len(inside) >= count or ask >= size:
                return inside[:count].tolist()
            ask = min(size, ask * 4)

    def _rescored(self, wanted: np.ndarray, keys: list[int], count: int) -> list[tuple[str, float]]:
        """The candidates ranked by the cosine similarity of their float16 embeddings, the best `count`."""
        if not keys:
            return []
        rows = self._db.execute(f"SELECT photo, vector FROM vectors WHERE key IN ({','.join('?' * len(keys))})",
                                keys).fetchall()
        similarity = np.stack([embedding.unpack(blob) for _, blob in rows]) @ wanted
        best = sorted(zip((-similarity).tolist(), (photo for photo, _ in rows)))[:count]
        return [(photo, round(-negative, 4)) for negative, photo in best]


def new_index():
    """Cosine over int8 vectors (a quarter of float32's memory), as the people book's graph."""
    return hnsw_index(ndim=DIMENSIONS, metric="cos", dtype="i8", connectivity=16, expansion_add=64, expansion_search=64)
