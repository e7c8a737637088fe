"""The people book: faces read from the record store's change feed, and each owner's people, in SQLite.

An owner is a gateway user ("" for the whole library, as the CLI sees it); her people hold only faces of photos
under her roots, and the names are hers. A face is `photo:index`; when vision runs again on a photo, each new face
takes over the person of the old face it overlaps (boxes), so names survive a reprocess.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from proto import embedding, pb
from services.pipeline.feed import FEED_TABLE, PATHS_TABLE, feed_position, follow, keep_paths
from services.pipeline.sqlite import open_sqlite
from services.search.store import root_clause

SCHEMA = """
CREATE TABLE IF NOT EXISTS faces (face TEXT PRIMARY KEY, photo TEXT NOT NULL, idx INTEGER NOT NULL,
                                  box TEXT NOT NULL, embedding BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS faces_photo ON faces (photo);
CREATE TABLE IF NOT EXISTS people (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, name TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS people_name ON people (owner, name COLLATE NOCASE) WHERE name IS NOT NULL;
CREATE TABLE IF NOT EXISTS members (owner TEXT NOT NULL, face TEXT NOT NULL, person INTEGER NOT NULL,
                                    PRIMARY KEY (owner, face));
CREATE INDEX IF NOT EXISTS members_person ON members (person);
""" + FEED_TABLE + PATHS_TABLE
SAME_FACE_IOU = 0.5


class PersonError(ValueError):
    """A request about people that cannot be done (a 400)."""


class UnknownPerson(PersonError):
    """No such person among the owner's (a 404, whoever else has one by that id)."""


@dataclass(frozen=True)
class Face:
    face: str
    photo: str
    index: int
    box: list[float]


class PeopleBook:
    def __init__(self, path: Path | str, match: float):
        self.match = match
        self._placed: dict[str, tuple] = {}  # owner -> (change number, roots) of her last clustering
        self._db = open_sqlite(path, SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- faces from the record store ------------------------------------------------------------

    def follow(self, changed_since) -> int:
        """Apply the record store's changes since the last call (changed_since(seq) -> [(seq, record)])."""
        return follow(self._db, self._lock, changed_since, self._photo)

    def _photo(self, record: pb.Record) -> None:
        """One photo's paths and faces; new faces take over the people of the old faces they overlap."""
        db = self._db
        keep_paths(db, record)
        if not record.HasField("vision"):
            return
        new = [(i, [f.box.x1, f.box.y1, f.box.x2, f.box.y2], f.embedding)
               for i, f in enumerate(record.vision.faces) if f.embedding]
        old = [(face, json.loads(box), blob) for face, box, blob in
               db.execute("SELECT face, box, embedding FROM faces WHERE photo = ? ORDER BY idx", (record.id,))]
        if [(f"{record.id}:{i}", box, blob) for i, box, blob in new] != old:
            self._replace_faces(record.id, {face: box for face, box, _ in old}, new)

    def _replace_faces(self, photo: str, old: dict[str, list[float]], new: list) -> None:
        db = self._db
        heirs = {}
        for face, box in old.items():
            overlaps = [(iou(box, new_box), i) for i, new_box, _ in new]
            best = max(overlaps, default=(0.0, -1))
            if best[0] >= SAME_FACE_IOU:
                heirs[face] = f"{photo}:{best[1]}"
        kept = db.execute(f"SELECT owner, face, person FROM members WHERE face IN ({','.join('?' * len(old))})",
                          list(old)).fetchall() if old else []
        db.execute("DELETE FROM faces WHERE photo = ?", (photo,))
        db.executemany("DELETE FROM members WHERE face = ?", [(face,) for face in old])
        db.executemany("INSERT INTO faces (face, photo, idx, box, embedding) VALUES (?, ?, ?, ?, ?)",
                       [(f"{photo}:{i}", photo, i, json.dumps(box), blob) for i, box, blob in new])
        db.executemany("INSERT OR IGNORE INTO members (owner, face, person) VALUES (?, ?, ?)",
                       [(owner, heirs[face], person) for owner, face, person in kept if face in heirs])

    # -- clustering ---------------------------------------------------------------------------

    def cluster(self, owner: str, roots: list[str] | None) -> dict:
        """Place the owner's unplaced faces: join the nearest person, or form new people among themselves."""
        from services.people import cluster as clustering  # scikit-learn and scipy take a second to load: only where needed

        state = (feed_position(self._db, self._lock), tuple(roots) if roots is not None else None)
        if self._placed.get(owner) == state:
            return {"faces": 0, "joined": 0, "new_people": 0}
        faces, vectors, persons = self._visible(owner, roots)
        placed = persons >= 0
        joined = clustering.join_nearest(vectors[placed], persons[placed], vectors[~placed], self.match)
        rest = np.flatnonzero(~placed)[joined < 0]
        groups = clustering.new_groups(vectors[rest], self.match)
        with self._lock, self._db:
            self._db.execute("BEGIN")
            rows = [(owner, faces[i], int(p)) for i, p in zip(np.flatnonzero(~placed), joined) if p >= 0]
            for label in sorted(set(groups.tolist()) - {-1}):
                person = self._db.execute("INSERT INTO people (owner) VALUES (?)", (owner,)).lastrowid
                rows += [(owner, faces[i], person) for i in rest[groups == label]]
            self._db.executemany("INSERT OR IGNORE INTO members (owner, face, person) VALUES (?, ?, ?)", rows)
        self._placed[owner] = state
        return {"faces": len(faces), "joined": int((joined >= 0).sum()), "new_people": len(set(groups.tolist()) - {-1})}

    def _visible(self, owner: str, roots: list[str] | None) -> tuple[list[str], np.ndarray, np.ndarray]:
        params: list = [owner]
        sql = ("SELECT f.face, f.embedding, COALESCE(m.person, -1) FROM faces f "
               "LEFT JOIN members m ON m.owner = ? AND m.face = f.face WHERE EXISTS (SELECT 1 FROM photo_paths p "
               "WHERE p.photo = f.photo" + root_clause(roots, params) + ") ORDER BY f.face")
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        if not rows:
            return [], np.zeros((0, 1), np.float16), np.zeros(0, np.int64)
        vectors = np.stack([np.frombuffer(blob, embedding.DTYPE) for _, blob, _ in rows])
        return [r[0] for r in rows], vectors, np.array([r[2] for r in rows], np.int64)

    # -- the owner's view ---------------------------------------------------------------------

    def people(self, owner: str, roots: list[str] | None, min_faces: int = 2) -> list[dict]:
        """Her people with at least min_faces visible faces, biggest first."""
        params: list = [owner]
        sql = ("SELECT pe.id, pe.name, COUNT(DISTINCT f.face), COUNT(DISTINCT f.photo) FROM people pe "
               "JOIN members m ON m.person = pe.id JOIN faces f ON f.face = m.face "
               "WHERE pe.owner = ? AND EXISTS (SELECT 1 FROM photo_paths p WHERE p.photo = f.photo"
               + root_clause(roots, params) + ") GROUP BY pe.id HAVING COUNT(DISTINCT f.face) >= ? "
               "ORDER BY 3 DESC, pe.id")
        with self._lock:
            rows = self._db.execute(sql, [*params, min_faces]).fetchall()
        return [{"id": pid, "name": name, "faces": faces, "photos": photos} for pid, name, faces, photos in rows]

    def photos(self, owner: str, roots: list[str] | None, person: int) -> dict:
        """One of her people with each visible photo, its path under her roots and the face."""
        name = self._person(owner, person)
        params: list = [person]
        sql = ("SELECT f.photo, MIN(p.path), f.idx, f.box FROM members m JOIN faces f ON f.face = m.face "
               "JOIN photo_paths p ON p.photo = f.photo WHERE m.person = ?" + root_clause(roots, params) +
               " GROUP BY f.face ORDER BY MIN(p.path), f.idx")
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return {"id": person, "name": name, "photos": [{"id": photo, "path": path, "face": idx, "box": json.loads(box)}
                                                        for photo, path, idx, box in rows]}

    def names(self, owner: str) -> frozenset[str]:
        """Her people's names in lower case, as query words are compared with them."""
        with self._lock:
            rows = self._db.execute("SELECT name FROM people WHERE owner = ? AND name IS NOT NULL", (owner,)).fetchall()
        return frozenset(name.lower() for name, in rows)

    def faces_named(self, owner: str, name: str) -> frozenset[tuple[str, int]]:
        """(photo, face number from 1, as face terms count them) of each face of her person with this name."""
        sql = ("SELECT f.photo, f.idx FROM people pe JOIN members m ON m.person = pe.id JOIN faces f ON f.face = m.face "
               "WHERE pe.owner = ? AND pe.name = ? COLLATE NOCASE")
        with self._lock:
            rows = self._db.execute(sql, (owner, " ".join(name.split()))).fetchall()
        return frozenset((photo, idx + 1) for photo, idx in rows)

    def name(self, owner: str, person: int, name: str) -> dict:
        """Name one of her people; a name she already gave another person merges this one into it."""
        name = " ".join(name.split())
        if not name or len(name) > 100:
            raise PersonError("a name is 1 to 100 characters")
        self._person(owner, person)
        with self._lock:
            taken = self._db.execute("SELECT id FROM people WHERE owner = ? AND name = ? COLLATE NOCASE AND id != ?",
                                     (owner, name, person)).fetchone()
        if taken:
            return self.merge(owner, person, taken[0])
        with self._lock:
            self._db.execute("UPDATE people SET name = ? WHERE id = ?", (name, person))
        return {"id": person, "name": name}

    def merge(self, owner: str, person: int, into: int) -> dict:
        """Her person's faces go to another of her people; the survivor keeps its name, else takes this one's."""
        names = self._person(owner, person), self._person(owner, into)
        if person == into:
            raise PersonError("a person cannot be merged into itself")
        kept = names[1] or names[0]
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute("UPDATE members SET person = ? WHERE person = ?", (into, person))
            self._db.execute("DELETE FROM people WHERE id = ?", (person,))
            self._db.execute("UPDATE people SET name = ? WHERE id = ?", (kept, into))
        return {"id": into, "name": kept}

    def _person(self, owner: str, person: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT name FROM people WHERE id = ? AND owner = ?", (person, owner)).fetchone()
        if row is None:
            raise UnknownPerson(f"no person {person}")
        return row[0]


def iou(a: list[float], b: list[float]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0
