"""The embedded Index: a posting bitmap (pyroaring) per term, per-face pair bitmaps, numpy columns per photo.

Held in memory. The record store is its source of truth and its change feed: an index opens by reading every
record, then follows the store's change numbers before each query, so any number of processes (indexer,
gateway, CLI) share one library with nothing on disk to corrupt; the writing process also applies its own
upserts at once.
"""
from __future__ import annotations

import bisect
import math
import threading
from dataclasses import dataclass, field

import numpy as np
from pyroaring import BitMap

from proto import pb
from services.search.index.port import (
    FACET_KEYS, FILTER_KEYS, Hit, Index, SearchResult, index_terms, normalize_value,
)
from services.search.query.ast import (
    And, DateRange, FaceCount, Filter, Near, Node, Not, Or, Person, Phrase, Query, Word, positive_atoms,
)
from services.search.store import RecordStore, sort_time, under_roots
from services.vocabulary import synonyms

PHRASE_BONUS = 2.0
FACES_PER_PHOTO = 256  # a (photo, face) pair is stored as photo * FACES_PER_PHOTO + face
FACET_VALUES = 10
EARTH_KM = 6371.0088


@dataclass
class Posting:
    """The photos holding one (key, value) term, with the best weight, source and face of each."""

    docs: BitMap = field(default_factory=BitMap)
    whole: BitMap = field(default_factory=BitMap)   # photos where the value is shown whole (facets)
    faces: BitMap = field(default_factory=BitMap)   # (photo, face) pairs, for words bound to one person
    best: dict[int, tuple[float, str, int]] = field(default_factory=dict)


class BitmapIndex(Index):
    """Thread-safe: one lock around reads and writes (queries are milliseconds)."""

    def __init__(self, store: RecordStore, owns_store: bool = False):
        self._store, self._owns_store = store, owns_store
        self._lock = threading.RLock()
        self._seen_change = 0
        self._doc_of: dict[str, int] = {}
        self._ids: list[str] = []
        self._paths: list[list[str]] = []
        self._terms_of: list[list[tuple[str, str]]] = []
        self._postings: dict[tuple[str, str], Posting] = {}
        self._keys_of_value: dict[str, set[str]] = {}
        self._values_of_key: dict[str, set[str]] = {}
        self._values: list[str] = []                     # every distinct value, sorted: prefixes are ranges
        self._by_path: list[tuple[str, int]] = []         # (path, photo), sorted: roots are ranges
        self._visible = BitMap()
        self._time = np.zeros(0)
        self._lat = np.zeros(0)
        self._lon = np.zeros(0)
        self._faces = np.zeros(0, dtype=np.int32)
        self.refresh()

    @classmethod
    def open(cls, store_path) -> "BitmapIndex":
        """An index over the record store at this path, on its own connection (closed with the index)."""
        return cls(RecordStore(store_path), owns_store=True)

    def close(self) -> None:
        if self._owns_store:
            self._store.close()

    # -- writes -------------------------------------------------------------------------------

    def upsert(self, record: pb.Record) -> None:
        with self._lock:
            self._apply(record)

    def refresh(self) -> None:
        """Take in every record the store changed since the last look (other processes' writes too)."""
        with self._lock:
            while changes := self._store.changed_since(self._seen_change):
                for number, record in changes:
                    self._apply(record)
                    self._seen_change = number

    def _apply(self, record: pb.Record) -> None:
        doc = self._doc_of.get(record.id)
        if doc is None:
            doc = self._new_doc(record.id)
        else:
            self._forget(doc)
        place = record.exif.place if record.exif.has_place else None
        self._time[doc] = sort_time(record)
        self._lat[doc], self._lon[doc] = (place.lat, place.lon) if place else (math.nan, math.nan)
        self._faces[doc] = len(record.vision.faces)
        self._paths[doc] = sorted(record.paths)
        for path in self._paths[doc]:
            bisect.insort(self._by_path, (path, doc))
        if record.paths:
            self._visible.add(doc)
        terms = index_terms(record)
        self._terms_of[doc] = [(t.key, t.value) for t in terms]
        for term in terms:
            posting = self._postings.get((term.key, term.value))
            if posting is None:
                posting = self._postings[(term.key, term.value)] = Posting()
                keys = self._keys_of_value.setdefault(term.value, set())
                if not keys:
                    bisect.insort(self._values, term.value)
                keys.add(term.key)
                self._values_of_key.setdefault(term.key, set()).add(term.value)
            posting.docs.add(doc)
            if term.whole:
                posting.whole.add(doc)
            if term.face:
                posting.faces.add(doc * FACES_PER_PHOTO + min(term.face, FACES_PER_PHOTO - 1))
            if doc not in posting.best or posting.best[doc][0] < term.weight:
                posting.best[doc] = (term.weight, term.source, term.face)

    def _new_doc(self, photo_id: str) -> int:
        doc = len(self._ids)
        self._doc_of[photo_id] = doc
        self._ids.append(photo_id)
        self._paths.append([])
        self._terms_of.append([])
        if doc >= len(self._time):
            size = max(1024, 2 * len(self._time))
            self._time, self._lat, self._lon = (np.resize(a, size) for a in (self._time, self._lat, self._lon))
            self._faces = np.resize(self._faces, size)
        return doc

    def _forget(self, doc: int) -> None:
        """Take a photo out of every posting before its new version goes in."""
        self._visible.discard(doc)
        for path in self._paths[doc]:
            at = bisect.bisect_left(self._by_path, (path, doc))
            if at < len(self._by_path) and self._by_path[at] == (path, doc):
                del self._by_path[at]
        for slot in self._terms_of[doc]:
            posting = self._postings[slot]
            posting.docs.discard(doc)
            posting.whole.discard(doc)
            posting.best.pop(doc, None)
            if posting.faces:
                posting.faces.remove_range(doc * FACES_PER_PHOTO, (doc + 1) * FACES_PER_PHOTO)

    # -- reads --------------------------------------------------------------------------------

    def search(self, query: Query, roots: list[str] | None, offset: int, limit: int,
               explain: bool = False) -> SearchResult:
        self.refresh()
        with self._lock:
            root = query.root
            result = self._run(root, query.words(), roots, offset, limit, explain)
            plain = isinstance(root, And) and all(isinstance(n, Word) for n in root.nodes)
            if result.total == 0 and plain:  # the last tier: photos with any of the words, most words first
                result = self._run(Or(root.nodes), query.words(), roots, offset, limit, explain)
            return result

    def _run(self, root: Node | None, words: list[str], roots: list[str] | None, offset: int, limit: int,
             explain: bool) -> SearchResult:
        scope = self._scope(roots)
        matched = scope if root is None else self._match(root, scope) & scope
        docs = np.fromiter(matched, dtype=np.int64, count=len(matched))
        atoms = positive_atoms(root)
        scores = self._scores(docs, atoms, words)
        order = sorted(range(len(docs)), key=lambda i: (-scores[i], -self._time[docs[i]], self._ids[docs[i]]))
        page = [int(docs[i]) for i in order[offset:offset + limit]]
        hits = [Hit(self._ids[doc], self._path_in(doc, roots), round(float(scores[order[offset + n]]), 4))
                for n, doc in enumerate(page)]
        for hit, doc in zip(hits, page):
            self._explain(hit, doc, atoms, explain)
        total = len(docs)
        return SearchResult(total, hits, self._facets(matched), offset + limit if offset + limit < total else None)

    def _scope(self, roots: list[str] | None) -> BitMap:
        if roots is None:
            return self._visible
        scope = BitMap()
        for root in roots:
            prefix = root.rstrip("/") + "/"
            at = bisect.bisect_left(self._by_path, (prefix, -1))
            while at < len(self._by_path) and self._by_path[at][0].startswith(prefix):
                scope.add(self._by_path[at][1])
                at += 1
        return scope

    def _values_for(self, atom: Node) -> list[tuple[str, str]]:
        """The (key, value) terms an atom matches: a word as a prefix or a synonym, a phrase whole, a filter."""
        if isinstance(atom, Word):
            values = self._prefixed(atom.text) | set(synonyms(atom.text)[1:])
            keys = None
        elif isinstance(atom, Phrase):
            values, keys = {" ".join(atom.words)}, None
        else:
            keys = FILTER_KEYS.get(atom.key, (atom.key,))
            if not atom.value:
                return [(key, value) for key in keys for value in self._values_of_key.get(key, ())]
            values = self._prefixed(normalize_value(atom.value))
        return [(key, value) for value in values for key in self._keys_of_value.get(value, ())
                if keys is None or key in keys]

    def _prefixed(self, prefix: str) -> set[str]:
        at = bisect.bisect_left(self._values, prefix)
        found = set()
        while at < len(self._values) and self._values[at].startswith(prefix):
            found.add(self._values[at])
            at += 1
        return found

    def _docs(self, atom: Node) -> BitMap:
        return BitMap.union(BitMap(), *(self._postings[slot].docs for slot in self._values_for(atom)))

    def _match(self, node: Node, scope: BitMap) -> BitMap:
        if isinstance(node, (Word, Filter)):
            return self._docs(node)
        if isinstance(node, Phrase):
            return self._docs(node) | BitMap.intersection(*(self._docs(Word(w)) for w in node.words))
        if isinstance(node, Person):  # (photo, face) pairs holding each word, intersected: one face has them all
            pairs = [BitMap.union(BitMap(), *(self._postings[s].faces for s in self._values_for(w)))
                     for w in node.words]
            return BitMap(pair // FACES_PER_PHOTO for pair in BitMap.intersection(*pairs))
        if isinstance(node, Not):
            return scope - self._match(node.node, scope)
        if isinstance(node, And):
            return BitMap.intersection(*(self._match(n, scope) for n in node.nodes))
        if isinstance(node, Or):
            return BitMap.union(*(self._match(n, scope) for n in node.nodes))
        docs = np.fromiter(scope, dtype=np.int64, count=len(scope))
        return BitMap(docs[self._holds(node, docs)].tolist())

    def _holds(self, node: Node, docs: np.ndarray) -> np.ndarray:
        """Which photos meet a date, place or face-count condition, over the numpy columns."""
        if isinstance(node, DateRange):
            when = self._time[docs]
            return ((when >= node.start) if node.start is not None else True) & \
                ((when < node.end) if node.end is not None else True) & np.ones(len(docs), bool)
        if isinstance(node, Near):
            lat, lon = np.radians(self._lat[docs]), np.radians(self._lon[docs])
            lat0, lon0 = math.radians(node.lat), math.radians(node.lon)
            a = np.sin((lat - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
            return np.nan_to_num(2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, a))), nan=math.inf) <= node.km
        if isinstance(node, FaceCount):
            return (self._faces[docs] >= node.low) & (self._faces[docs] <= node.high)
        raise TypeError(f"unknown query node {node!r}")

    def _scores(self, docs: np.ndarray, atoms: list[Node], words: list[str]) -> np.ndarray:
        """Per photo: the sum over atoms of its best matching weight, plus a bonus for the whole phrase."""
        total = np.zeros(len(docs))
        position = {int(doc): i for i, doc in enumerate(docs)}
        for atom in atoms:
            best = np.zeros(len(docs))
            for slot in self._values_for(atom):
                for doc, (weight, _, _) in self._postings[slot].best.items():
                    i = position.get(doc)
                    if i is not None and weight > best[i]:
                        best[i] = weight
            total += best
        if len(words) > 1:
            for slot in self._values_for(Phrase(tuple(words))):
                for doc in self._postings[slot].docs:
                    if (i := position.get(doc)) is not None:
                        total[i] += PHRASE_BONUS
        return total

    def _explain(self, hit: Hit, doc: int, atoms: list[Node], explain: bool) -> None:
        found = []
        for atom in atoms:
            for key, value in self._values_for(atom):
                best = self._postings[(key, value)].best.get(doc)
                if best is not None:
                    found.append((best[0], key, value, best[1], best[2]))
        for weight, key, value, source, face in sorted(found, key=lambda f: -f[0]):
            label = f"{key}:{value}"
            if label not in hit.matched:
                hit.matched.append(label)
                if explain:
                    hit.explain.append({"key": key, "value": value, "source": source, "weight": round(weight, 3),
                                        **({"face": face} if face else {})})

    def _facets(self, matched: BitMap) -> dict[str, list[dict]]:
        """Exact counts over every match, by bitmap intersection, for the facet keys' whole values."""
        facets: dict[str, list[dict]] = {}
        for key in FACET_KEYS:
            counts = [(self._postings[(key, value)].whole.intersection_cardinality(matched), value)
                      for value in self._values_of_key.get(key, ())]
            top = sorted((c for c in counts if c[0]), key=lambda c: (-c[0], c[1]))[:FACET_VALUES]
            facets[key] = [{"value": value, "count": n} for n, value in top]
        return facets

    def _path_in(self, doc: int, roots: list[str] | None) -> str:
        inside = [p for p in self._paths[doc] if under_roots(p, roots)]
        return inside[0] if inside else ""

    def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]:
        value = normalize_value(prefix) if prefix.strip() else ""
        if not value:
            return []
        self.refresh()
        with self._lock:
            scope = self._scope(roots)
            found = [(self._postings[(key, v)].docs.intersection_cardinality(scope), key, v)
                     for v in self._prefixed(value) for key in self._keys_of_value[v]]
        found = sorted((f for f in found if f[0]), key=lambda f: (-f[0], f[2], f[1]))[:limit]
        return [{"key": key, "value": v, "count": n} for n, key, v in found]
