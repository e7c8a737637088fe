"""The embedded Index: term, face and place tables beside the record store, queries compiled to bound SQL."""
from __future__ import annotations

import math
import sqlite3
import threading
from pathlib import Path

from proto import pb
from services.search.index.port import (
    FACET_KEYS, FILTER_KEYS, PHRASE_BONUS, Hit, Index, SearchResult, index_terms, normalize_value,
)
from services.search.query.ast import (
    And, DateRange, FaceCount, Filter, Near, Node, Not, Or, Person, Phrase, Query, Word, positive_atoms,
)
from services.search.store import prefix_ranges, sort_time, under_roots
from services.vocabulary import synonyms

SCHEMA = """
CREATE TABLE IF NOT EXISTS search_terms (
  photo_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, source TEXT NOT NULL,
  weight REAL NOT NULL, face INTEGER NOT NULL, whole INTEGER NOT NULL  -- 0: one word of a longer value
);
DROP INDEX IF EXISTS search_terms_value;  -- replaced by search_terms_by_value, which covers face too
CREATE INDEX IF NOT EXISTS search_terms_by_value ON search_terms (value, photo_id, face);
CREATE INDEX IF NOT EXISTS search_terms_key ON search_terms (key, value, photo_id);
CREATE INDEX IF NOT EXISTS search_terms_photo ON search_terms (photo_id, key, value, weight, face, whole);
CREATE TABLE IF NOT EXISTS search_photos (
  photo_id TEXT PRIMARY KEY, sort_time REAL NOT NULL, lat REAL, lon REAL, faces INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS search_photos_time ON search_photos (sort_time DESC, photo_id);
CREATE INDEX IF NOT EXISTS search_photos_place ON search_photos (lat, lon);
"""
FACET_SAMPLE = 2000  # facets count over the newest matches only, so broad queries stay fast
UPPER = "\U0010ffff"


def distance_km(lat1, lon1, lat2, lon2) -> float:
    if lat1 is None or lon1 is None:
        return math.inf
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


class SqliteIndex(Index):
    """Shares the record store's database file: the store's paths table scopes every query to the user's roots."""

    def __init__(self, path: Path | str, timeout: float = 30.0):
        self.path = str(path)
        self.timeout = timeout
        self._writer = self._connect()
        self._lock = threading.RLock()
        self._local = threading.local()  # one reader connection per thread: WAL lets searches run side by side
        self._readers: list[sqlite3.Connection] = []
        with self._lock:
            self._writer.execute("PRAGMA journal_mode=WAL")
            self._writer.execute("PRAGMA synchronous=NORMAL")
            self._writer.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=self.timeout)
        db.create_function("distance_km", 4, distance_km, deterministic=True)
        return db

    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's reader connection (its temp tables are its own)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
            with self._lock:
                self._readers.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in [self._writer, *self._readers]:
                db.close()

    def upsert(self, record: pb.Record) -> None:
        rows = [(record.id, t.key, t.value, t.source, t.weight, t.face, t.whole) for t in index_terms(record)]
        place = record.exif.place if record.exif.has_place else None
        with self._lock:
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                self._writer.execute("DELETE FROM search_terms WHERE photo_id = ?", (record.id,))
                self._writer.executemany("INSERT INTO search_terms VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                self._writer.execute(
                    "INSERT INTO search_photos VALUES (?, ?, ?, ?, ?) ON CONFLICT(photo_id) DO UPDATE SET "
                    "sort_time=excluded.sort_time, lat=excluded.lat, lon=excluded.lon, faces=excluded.faces",
                    (record.id, sort_time(record), place.lat if place else None, place.lon if place else None,
                     len(record.vision.faces)),
                )
                self._writer.execute("COMMIT")
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise

    def search(self, query: Query, roots: list[str] | None, offset: int, limit: int,
               explain: bool = False) -> SearchResult:
        root = query.root
        words = query.words()
        result = self._run(root, words, roots, offset, limit, explain)
        plain = isinstance(root, And) and all(isinstance(n, Word) for n in root.nodes)
        if result.total == 0 and plain:  # the last tier: photos with any of the words, most words first
            result = self._run(Or(root.nodes), words, roots, offset, limit, explain)
        return result

    def _run(self, root: Node | None, words: list[str], roots: list[str] | None, offset: int, limit: int,
             explain: bool) -> SearchResult:
        compiler = _Compiler()
        where = [compiler.scope(roots)]
        if root is not None:
            where.append(compiler.condition(root))
        score_sql, score_params = compiler.score(root, words)
        condition = " AND ".join(where)
        # the matches are found once, then counted, ranked and faceted from this thread's temp table
        self._db.execute("DROP TABLE IF EXISTS temp.matched")
        self._db.execute("CREATE TEMP TABLE matched AS SELECT p.photo_id AS photo_id, p.sort_time AS sort_time "
                         f"FROM search_photos p WHERE {condition}", compiler.params)
        total = self._db.execute("SELECT COUNT(*) FROM temp.matched").fetchone()[0]
        order = "score DESC, p.sort_time DESC, p.photo_id" if root is not None else "p.sort_time DESC, p.photo_id"
        rows = self._db.execute(
            f"SELECT p.photo_id, {score_sql} AS score FROM temp.matched p ORDER BY {order} LIMIT ? OFFSET ?",
            [*score_params, limit, offset],
        ).fetchall()
        hits = [Hit(photo_id, self._path(photo_id, roots), round(score, 4)) for photo_id, score in rows]
        self._explain(hits, root)
        facets = self._facets()
        self._db.execute("DROP TABLE temp.matched")
        if not explain:
            for hit in hits:
                hit.explain = []
        next_offset = offset + limit if offset + limit < total else None
        return SearchResult(total, hits, facets, next_offset)

    def _path(self, photo_id: str, roots: list[str] | None) -> str:
        paths = [r[0] for r in self._db.execute("SELECT path FROM paths WHERE id = ? ORDER BY path", (photo_id,))]
        inside = [p for p in paths if under_roots(p, roots)]
        return inside[0] if inside else ""

    def _explain(self, hits: list[Hit], root: Node | None) -> None:
        if not hits or root is None:
            return
        compiler = _Compiler()
        matches = [compiler.match(atom) for atom in positive_atoms(root)]
        if not matches:
            return
        marks = ",".join("?" * len(hits))
        rows = self._db.execute(
            "SELECT photo_id, key, value, source, weight, face FROM search_terms t INDEXED BY search_terms_photo "
            f"WHERE photo_id IN ({marks}) "
            f"AND ({' OR '.join(matches)}) ORDER BY weight DESC",
            [*(h.id for h in hits), *compiler.params],
        ).fetchall()
        by_id = {h.id: h for h in hits}
        for photo_id, key, value, source, weight, face in rows:
            hit = by_id[photo_id]
            label = f"{key}:{value}"
            if label not in hit.matched:
                hit.matched.append(label)
                hit.explain.append({"key": key, "value": value, "source": source, "weight": round(weight, 3),
                                    **({"face": face} if face else {})})

    def _facets(self) -> dict[str, list[dict]]:
        """Counts of place, year, camera and people values over the newest FACET_SAMPLE matches."""
        marks = ",".join("?" * len(FACET_KEYS))
        rows = self._db.execute(
            "SELECT key, value, COUNT(*) AS n FROM search_terms t INDEXED BY search_terms_photo "
            f"WHERE t.photo_id IN (SELECT photo_id FROM temp.matched ORDER BY sort_time DESC LIMIT {FACET_SAMPLE}) "
            f"AND key IN ({marks}) AND whole = 1 GROUP BY key, value ORDER BY n DESC, value",
            FACET_KEYS,
        ).fetchall()
        facets: dict[str, list[dict]] = {key: [] for key in FACET_KEYS}
        for key, value, n in rows:
            if len(facets[key]) < 10:
                facets[key].append({"value": value, "count": n})
        return facets

    def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]:
        value = normalize_value(prefix) if prefix.strip() else ""
        if not value:
            return []
        compiler = _Compiler()
        scope = compiler.scope(roots)
        rows = self._db.execute(
            "SELECT key, value, COUNT(DISTINCT photo_id) AS n FROM search_terms t WHERE value >= ? AND value < ? "
            f"AND photo_id IN (SELECT p.photo_id FROM search_photos p WHERE {scope}) "
            "GROUP BY key, value ORDER BY n DESC, value LIMIT ?",
            [value, value + UPPER, *compiler.params, limit],
        ).fetchall()
        return [{"key": k, "value": v, "count": n} for k, v, n in rows]


class _Compiler:
    """Turns the AST into a WHERE condition over search_photos p, with parameters bound in order."""

    def __init__(self):
        self.params: list = []

    def scope(self, roots: list[str] | None) -> str:
        if roots is None:
            return "EXISTS (SELECT 1 FROM paths s WHERE s.id = p.photo_id)"
        if not roots:
            return "0"
        ranges, params = prefix_ranges(roots, "s.path")
        self.params += params
        return f"p.photo_id IN (SELECT s.id FROM paths s WHERE {ranges})"

    def match(self, atom: Node, alias: str = "t") -> str:
        """A condition on one search_terms row (alias) for a word, phrase or key:value atom."""
        if isinstance(atom, Word):
            same = synonyms(atom.text)
            self.params += [atom.text, atom.text + UPPER, *same[1:]]
            alternatives = f" OR {alias}.value IN ({','.join('?' * (len(same) - 1))})" if len(same) > 1 else ""
            return f"(({alias}.value >= ? AND {alias}.value < ?){alternatives})"
        if isinstance(atom, Phrase):
            self.params.append(" ".join(atom.words))
            return f"{alias}.value = ?"
        if isinstance(atom, Filter):
            keys = FILTER_KEYS.get(atom.key, (atom.key,))
            self.params += list(keys)
            key_sql = f"{alias}.key IN ({','.join('?' * len(keys))})"
            if not atom.value:
                return key_sql
            value = normalize_value(atom.value)
            self.params += [value, value + UPPER]
            return f"({key_sql} AND {alias}.value >= ? AND {alias}.value < ?)"
        raise TypeError(f"not a term atom: {atom!r}")

    def terms_with(self, atom: Node) -> str:
        return f"p.photo_id IN (SELECT t.photo_id FROM search_terms t WHERE {self.match(atom)})"

    def condition(self, node: Node) -> str:
        if isinstance(node, (Word, Filter)):
            return self.terms_with(node)
        if isinstance(node, Phrase):
            whole = self.terms_with(node)
            parts = " AND ".join(self.terms_with(Word(w)) for w in node.words)
            return f"({whole} OR ({parts}))"
        if isinstance(node, Person):  # (photo, face) pairs holding each word, intersected: one face has them all
            parts = [f"SELECT t.photo_id, t.face FROM search_terms t WHERE t.face > 0 AND {self.match(word)}"
                     for word in node.words]
            return f"p.photo_id IN (SELECT photo_id FROM ({' INTERSECT '.join(parts)}))"
        if isinstance(node, Not):
            return f"NOT ({self.condition(node.node)})"
        if isinstance(node, And):
            return "(" + " AND ".join(self.condition(n) for n in node.nodes) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.condition(n) for n in node.nodes) + ")"
        if isinstance(node, DateRange):
            parts = []
            if node.start is not None:
                parts.append("p.sort_time >= ?")
                self.params.append(node.start)
            if node.end is not None:
                parts.append("p.sort_time < ?")
                self.params.append(node.end)
            return "(" + " AND ".join(parts) + ")"
        if isinstance(node, Near):
            dlat = node.km / 111.0
            dlon = node.km / max(1e-6, 111.0 * math.cos(math.radians(node.lat)))
            self.params += [node.lat - dlat, node.lat + dlat, node.lon - dlon, node.lon + dlon,
                            node.lat, node.lon, node.km]
            return ("(p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? "
                    "AND distance_km(p.lat, p.lon, ?, ?) <= ?)")
        if isinstance(node, FaceCount):
            self.params += [node.low, node.high]
            return "(p.faces BETWEEN ? AND ?)"
        raise TypeError(f"unknown query node {node!r}")

    def score(self, root: Node | None, words: list[str]) -> tuple[str, list]:
        """Sum over positive atoms of the best matching weight, plus a bonus for the whole phrase."""
        if root is None:
            return "0.0", []
        before = len(self.params)
        parts = [f"COALESCE((SELECT MAX(t.weight) FROM search_terms t INDEXED BY search_terms_photo "
                 f"WHERE t.photo_id = p.photo_id AND {self.match(atom)}), 0)" for atom in positive_atoms(root)]
        if len(words) > 1:
            self.params.append(" ".join(words))
            parts.append(f"{PHRASE_BONUS} * EXISTS (SELECT 1 FROM search_terms t INDEXED BY search_terms_photo "
                         "WHERE t.photo_id = p.photo_id AND t.value = ?)")
        score_params = self.params[before:]
        del self.params[before:]
        return (" + ".join(parts) or "0.0"), score_params
