"""The durable record store (SQLite, WAL): each stage's part merged into one record per photo id."""
from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from proto import SCHEMA_VERSION, pb
from services.pipeline.sqlite import Immediate, use_wal
from services.pipeline.stages import STAGE_PARTS, STATUS_STAGES


SCHEMA = """
CREATE TABLE IF NOT EXISTS photos (
  id TEXT PRIMARY KEY,
  record BLOB NOT NULL,
  sort_time REAL NOT NULL,      -- date taken, else file time: newest-first browsing
  updated REAL NOT NULL
);
DROP INDEX IF EXISTS photos_sort;  -- newest-first browsing reads the search index's time order
CREATE TABLE IF NOT EXISTS paths (
  path TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  root TEXT NOT NULL
);
DROP INDEX IF EXISTS paths_id;  -- paths_id_path covers it: a photo's paths are read from the index alone
CREATE INDEX IF NOT EXISTS paths_id_path ON paths (id, path);
CREATE TABLE IF NOT EXISTS photo_status (
  id TEXT NOT NULL, stage TEXT NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (id, stage)
);
DROP TABLE IF EXISTS search_terms;  -- the former SQLite search index: the bitmap index replaced it
DROP TABLE IF EXISTS search_photos;
-- what each photo's tile shows, apart from the records: a page of the list reads a few small rows, not records
CREATE TABLE IF NOT EXISTS cards (id TEXT PRIMARY KEY, card TEXT NOT NULL, sort_time REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_outcomes (
  path TEXT PRIMARY KEY,
  root TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  id TEXT NOT NULL,
  at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class FileOutcome:
    """A file that is not (or no longer) a photo record, and why."""

    path: str
    root: str
    outcome: str
    reason: str
    id: str
    at: float


def outcome_name(outcome: int) -> str:
    """'ok', 'failed', ... from the proto enum."""
    return pb.Outcome.Name(outcome).removeprefix("OUTCOME_").lower()


class RecordStore:
    """Thread-safe; one connection guarded by a lock, WAL so readers in other processes never block."""

    def __init__(self, path: Path | str, timeout: float = 30.0):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=timeout)
        self._lock = threading.RLock()
        with self._lock:
            use_wal(self._db)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            with self._transaction():  # services starting together add the columns one at a time, once
                columns = {row[1] for row in self._db.execute("PRAGMA table_info(photos)")}
                if "seq" not in columns:  # the change feed readers of other processes follow
                    self._db.execute("ALTER TABLE photos ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
                self._db.execute("CREATE INDEX IF NOT EXISTS photos_seq ON photos (seq)")
                if "added" not in columns:  # when each photo first came in (0: before this column; its update time)
                    self._db.execute("ALTER TABLE photos ADD COLUMN added REAL NOT NULL DEFAULT 0")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writes -------------------------------------------------------------------------------

    def merge(self, incoming: pb.Record) -> pb.Record:
        """Merge one stage's part into the record; replaying the same part changes nothing."""
        return self.merge_many([incoming])[0]

    def merge_many(self, parts: list[pb.Record]) -> list[pb.Record]:
        """Merge stage parts in the order given, in one transaction: all of them are written or none."""
        with self._lock, self._transaction():
            return [self._merge(incoming) for incoming in parts]

    def _merge(self, incoming: pb.Record) -> pb.Record:
        """One part merged into its stored record (inside the caller's transaction); replaying it changes nothing."""
        record = self._load(incoming.id) or pb.Record(id=incoming.id, schema=SCHEMA_VERSION)
        for path in incoming.paths:
            self._detach(path, keep=incoming.id)
            if path not in record.paths:
                record.paths.append(path)
            root = incoming.file.root if incoming.HasField("file") else ""
            self._db.execute(
                "INSERT INTO paths (path, id, root) VALUES (?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET id = excluded.id, root = excluded.root",
                (path, incoming.id, root),
            )
            self._db.execute("DELETE FROM file_outcomes WHERE path = ?", (path,))
        record.stack.extend(p for p in incoming.stack if p not in record.stack)
        if incoming.HasField("file"):
            record.file.CopyFrom(incoming.file)
        if incoming.HasField("ingest"):
            record.ingest.CopyFrom(incoming.ingest)
        known = {(t.key, t.value, t.source) for t in record.terms}
        record.terms.extend(t for t in incoming.terms if (t.key, t.value, t.source) not in known)
        for part in STAGE_PARTS:
            if incoming.HasField(part):
                getattr(record, part).CopyFrom(getattr(incoming, part))
        self._save(record)
        return record

    def remove_path(self, path: str, photo_id: str = "") -> str | None:
        """Forget a path (or a stacked raw of photo_id); a photo left with no path stays stored but is hidden."""
        with self._lock, self._transaction():
            row = self._db.execute("SELECT id FROM paths WHERE path = ?", (path,)).fetchone()
            self._db.execute("DELETE FROM paths WHERE path = ?", (path,))
            self._db.execute("DELETE FROM file_outcomes WHERE path = ?", (path,))
            stacked = self._load(photo_id) if row is None and photo_id else None
            if stacked is not None and path in stacked.stack:
                stacked.stack.remove(path)
                self._save(stacked)
            if row is None:
                return None
            record = self._load(row[0])
            if record is not None and path in record.paths:
                record.paths.remove(path)
                if record.file.path == path and record.paths:
                    record.file.path = record.paths[0]
                self._save(record)
            return row[0]

    def record_outcome(self, event: pb.FileEvent) -> None:
        """Keep a skipped or failed file's outcome where users can see it."""
        with self._lock:
            self._db.execute(
                "INSERT INTO file_outcomes (path, root, outcome, reason, id, at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET root=excluded.root, outcome=excluded.outcome, "
                "reason=excluded.reason, id=excluded.id, at=excluded.at",
                (event.path, event.root, outcome_name(event.outcome), event.reason, event.id,
                 event.at or time.time()),
            )

    # -- reads --------------------------------------------------------------------------------

    def get(self, photo_id: str) -> pb.Record | None:
        """The record by id, or None; hidden records (no path left) are None too."""
        with self._lock:
            record = self._load(photo_id)
        return record if record is not None and record.paths else None

    def get_many(self, photo_ids: list[str]) -> list[pb.Record]:
        """The visible records of these ids, in the order given, in one query."""
        with self._lock:
            rows = dict(self._db.execute(f"SELECT id, record FROM photos WHERE id IN ({','.join('?' * len(photo_ids))})",
                                         photo_ids)) if photo_ids else {}
        records = (_parse(rows[i]) for i in photo_ids if i in rows)
        return [r for r in records if r.paths]

    def cards(self, photo_ids: list[str]) -> list[Card]:
        """The tiles of the visible photos of these ids, in the order given: no record is read but those saved before
        cards were kept."""
        marks = ','.join('?' * len(photo_ids))
        with self._lock:
            rows = {row[0]: row for row in self._db.execute(
                f"SELECT id, card, sort_time FROM cards WHERE id IN ({marks})", photo_ids)} if photo_ids else {}
            older = [i for i in photo_ids if i not in rows]
            made = {i: card_of(_parse(blob)) for i, blob in self._db.execute(
                f"SELECT id, record FROM photos WHERE id IN ({','.join('?' * len(older))})", older)} if older else {}
        found = (_card(*rows[i]) if i in rows else made.get(i) for i in photo_ids)
        return [card for card in found if card is not None and card.paths]

    def fill_cards(self, batch: int = 5000) -> int:
        """Keep the cards of records saved before cards were kept (`picsift reindex`); how many were made."""
        made, last = 0, ""
        while True:  # one pass in id order (a fresh NOT EXISTS scan per batch would read the library again each time)
            with self._lock, self._transaction():
                ids = [row[0] for row in self._db.execute("SELECT id FROM photos WHERE id > ? ORDER BY id LIMIT ?",
                                                          (last, batch))]
                if not ids:
                    return made
                last, marks = ids[-1], ",".join("?" * len(ids))
                for _, blob in self._db.execute(f"SELECT id, record FROM photos p WHERE id IN ({marks}) AND NOT "
                                                f"EXISTS (SELECT 1 FROM cards c WHERE c.id = p.id)", ids).fetchall():
                    self._save_card(card_of(_parse(blob)))
                    made += 1

    def paths_of(self, photo_ids: list[str]) -> dict[str, list[str]]:
        """Each id's paths, sorted, in one query."""
        found: dict[str, list[str]] = {}
        with self._lock:
            for photo_id, path in self._db.execute(
                    f"SELECT id, path FROM paths WHERE id IN ({','.join('?' * len(photo_ids))}) ORDER BY path",
                    photo_ids):
                found.setdefault(photo_id, []).append(path)
        return found

    def id_for_path(self, path: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT id FROM paths WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def count(self, roots: list[str] | None = None) -> int:
        """Visible photos, optionally only those with a path under these roots."""
        params: list = []
        scope = root_clause(roots, params)
        sql = f"SELECT COUNT(*) FROM photos WHERE EXISTS (SELECT 1 FROM paths p WHERE p.id = photos.id{scope})"
        with self._lock:
            return self._db.execute(sql, params).fetchone()[0]

    def added_counts(self, bucket_seconds: float) -> list[tuple[float, int]]:
        """(bucket start, photos that first came in during it) over the whole library, oldest first: photos
        indexed over time (a photo from before this was kept counts at its last update)."""
        sql = ("SELECT CAST(COALESCE(NULLIF(added, 0), updated) / ? AS INTEGER) AS bucket, COUNT(*) FROM photos "
               "WHERE EXISTS (SELECT 1 FROM paths p WHERE p.id = photos.id) GROUP BY bucket ORDER BY bucket")
        with self._lock:
            return [(bucket * bucket_seconds, n) for bucket, n in self._db.execute(sql, (bucket_seconds,))]

    def iter_all(self) -> Iterator[pb.Record]:
        """Every visible record, for reprocessing and rebuilding an index."""
        last = ""
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT id, record FROM photos WHERE id > ? ORDER BY id LIMIT 500", (last,)
                ).fetchall()
            if not rows:
                return
            for photo_id, blob in rows:
                record = _parse(blob)
                if record.paths:
                    yield record
            last = rows[-1][0]

    def changed_since(self, seq: int, limit: int = 5000) -> list[tuple[int, pb.Record]]:
        """Records saved after change number seq, oldest change first (hidden ones too: they leave an index)."""
        with self._lock:
            rows = self._db.execute("SELECT seq, record FROM photos WHERE seq > ? ORDER BY seq LIMIT ?",
                                    (seq, limit)).fetchall()
        return [(n, _parse(blob)) for n, blob in rows]

    def outcomes(self, kinds: tuple[str, ...] = ("failed", "skipped"),
                 roots: list[str] | None = None) -> list[FileOutcome]:
        """Files that are not photo records, optionally only those under these roots."""
        params: list = list(kinds)
        scope = root_clause(roots, params)
        with self._lock:
            rows = self._db.execute(
                f"SELECT path, root, outcome, reason, id, at FROM file_outcomes p "
                f"WHERE outcome IN ({','.join('?' * len(kinds))}){scope} ORDER BY path", params,
            ).fetchall()
        return [FileOutcome(*row) for row in rows]

    # -- internals ----------------------------------------------------------------------------

    def _transaction(self):
        return Immediate(self._db)

    def _detach(self, path: str, keep: str) -> None:
        """A path whose bytes changed no longer belongs to the photo it showed before."""
        row = self._db.execute("SELECT id FROM paths WHERE path = ?", (path,)).fetchone()
        if row is None or row[0] == keep:
            return
        previous = self._load(row[0])
        if previous is not None and path in previous.paths:
            previous.paths.remove(path)
            self._save(previous)

    def _load(self, photo_id: str) -> pb.Record | None:
        row = self._db.execute("SELECT record FROM photos WHERE id = ?", (photo_id,)).fetchone()
        return _parse(row[0]) if row else None

    def stage_counts(self, roots: list[str] | None = None) -> dict[str, dict[str, int]]:
        """Per stage, how many visible photos (under these roots, if given) ended how ('pending' for none yet)."""
        params: list = []
        sql = ("SELECT stage, outcome, COUNT(*) FROM photo_status s WHERE EXISTS "
               f"(SELECT 1 FROM paths p WHERE p.id = s.id{root_clause(roots, params)}) GROUP BY stage, outcome")
        with self._lock:
            total = self.count(roots)
            rows = self._db.execute(sql, params).fetchall()
        counts: dict[str, dict[str, int]] = {stage: {} for stage in STATUS_STAGES}
        for stage, outcome, n in rows:
            counts[stage][outcome] = n
        for stage, by_outcome in counts.items():
            by_outcome["pending"] = total - sum(by_outcome.values())
        return counts

    def failed_stages(self, roots: list[str] | None = None, limit: int = 1000) -> list[tuple[str, str]]:
        """(photo id, stage) of visible photos (under these roots, if given) whose stage failed, at most limit."""
        params: list = []
        sql = ("SELECT s.id, s.stage FROM photo_status s WHERE s.outcome = 'failed' AND EXISTS "
               f"(SELECT 1 FROM paths p WHERE p.id = s.id{root_clause(roots, params)}) ORDER BY s.id, s.stage LIMIT ?")
        with self._lock:
            return [(row[0], row[1]) for row in self._db.execute(sql, [*params, limit])]

    def _save(self, record: pb.Record) -> None:
        metas = {"ingest": record.ingest, **{p: getattr(record, p).meta for p in STAGE_PARTS}}
        self._db.executemany(
            "INSERT INTO photo_status (id, stage, outcome) VALUES (?, ?, ?) "
            "ON CONFLICT(id, stage) DO UPDATE SET outcome = excluded.outcome",
            [(record.id, stage, outcome_name(meta.outcome)) for stage, meta in metas.items()
             if meta.outcome != pb.OUTCOME_UNSPECIFIED],
        )
        self._db.execute(
            "INSERT INTO photos (id, record, sort_time, updated, added, seq) "
            "VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM photos)) "
            "ON CONFLICT(id) DO UPDATE SET record=excluded.record, sort_time=excluded.sort_time, "
            "updated=excluded.updated, seq=excluded.seq",
            (record.id, record.SerializeToString(deterministic=True), (card := card_of(record)).when,
             now := time.time(), now),
        )
        self._save_card(card)

    def _save_card(self, card: Card) -> None:
        self._db.execute("INSERT INTO cards (id, card, sort_time) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
                         "SET card=excluded.card, sort_time=excluded.sort_time", (card.id, _card_json(card), card.when))


@dataclass(frozen=True)
class Card:
    """What a photo's tile in a list shows, kept beside its record so a page of the list parses no record."""

    id: str
    paths: tuple[str, ...]
    taken: str | None  # EXIF's date taken, as the record has it
    width: int
    height: int
    city: str | None
    when: float  # sort_time
    stars: int  # the file's (file_stars)


def card_of(record: pb.Record) -> Card:
    return Card(record.id, tuple(record.paths), record.exif.taken_at or None, record.file.width, record.file.height,
                record.exif.place.city if record.exif.has_place else None, sort_time(record), file_stars(record))


def _card_json(card: Card) -> str:
    """A card as the cards table keeps it (its id and sort time are columns of their own)."""
    return json.dumps([card.paths, card.taken, card.width, card.height, card.city, card.stars], ensure_ascii=False,
                      separators=(",", ":"))


def _card(photo_id: str, stored: str, when: float) -> Card:
    paths, taken, width, height, city, stars = json.loads(stored)
    return Card(photo_id, tuple(paths), taken, width, height, city, when, stars)


def file_stars(record: pb.Record) -> int:
    """The file's XMP rating as 0-5 stars (a rejected photo's -1, or nonsense, counts as unrated)."""
    return min(max(record.exif.rating, 0), 5)


def sort_time(record: pb.Record) -> float:
    """Date taken when EXIF has a trusted one, else the file's modification time."""
    if record.exif.taken_at and record.exif.taken_at_trusted:
        from datetime import datetime

        try:
            return datetime.fromisoformat(record.exif.taken_at).timestamp()
        except ValueError:
            pass
    return record.file.mtime


def prefix_ranges(roots: list[str], column: str) -> tuple[str, list[str]]:
    """'column is under one of the roots' as index-friendly ranges ('0' sorts right after '/')."""
    clauses, params = [], []
    for root in roots:
        prefix = root.rstrip("/") + "/"
        clauses.append(f"({column} >= ? AND {column} < ?)")
        params += [prefix, prefix[:-1] + "0"]
    return " OR ".join(clauses), params


def under_roots(path: str, roots: list[str] | tuple[str, ...] | None) -> bool:
    """True when the path lies below one of the roots (None: no scoping); asked for every path of every hit."""
    return roots is None or path.startswith(_folder_prefixes(tuple(roots)))


@functools.lru_cache(maxsize=1024)
def _folder_prefixes(roots: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(root.rstrip("/") + "/" for root in roots)


def root_clause(roots: list[str] | None, params: list) -> str:
    """' AND p.path under one of the roots' (None: every path; no roots: nothing); its values go to params."""
    if roots is None:
        return ""
    if not roots:
        return " AND 0"
    sql, values = prefix_ranges(roots, "p.path")
    params += values
    return f" AND ({sql})"


def _parse(blob: bytes) -> pb.Record:
    record = pb.Record()
    record.ParseFromString(blob)
    return record
