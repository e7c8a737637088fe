"""The embedded Index: roaring bitmaps per term (see postings.py), ranked with numpy, saved as snapshots.

The record store is the source of truth and the change log: every saved record carries a change number. An
index opens from the newest snapshot on disk (snapshot.py) and applies the store's changes after it, then
follows the store before each query, so any number of processes (indexer, gateway, CLI) share one library;
the process that applied many changes saves a new snapshot. A crash loses nothing: the snapshot is switched to
atomically and the store's changes after it are applied again.
"""
from __future__ import annotations

import array
import gc
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyroaring import BitMap

from proto import pb
from services.search.index import browse, snapshot
from services.search.index.port import Hit, Index, MapCluster, SearchResult
from services.search.index.postings import FACES_PER_PHOTO, LEVELS, Postings
from services.search.policy import (
    FACET_KEYS, FILTER_KEYS, PHRASE_BONUS, asker_matches, explain_hit, in_facets, normalize_value, word_values,
)
from services.search.query.ast import (
    Alike, And, AtLeast, Compound, DateRange, FaceCount, FacesOf, FileRating, Filter, Ids, Near, Node, Not, Or, Person,
    Phrase, Query, Word,
    positive_atoms, positive_persons,
)
from services.search.store import RecordStore, under_roots

FACET_VALUES = 10
EARTH_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_KM / 180  # of latitude, along a meridian
CHANGES_PER_READ = 5000
SAVE_AFTER = 20_000  # changes applied since the last snapshot (or a twentieth of the library, if more)
SAVE_ON_CLOSE = 1000  # fewer unsaved changes than this are cheaper to apply again from the store
LOOK_FOR_SNAPSHOT_SECONDS = 1.0
# After loading or taking in this many photos, what the process holds is frozen out of Python's cyclic collector:
# the postings are millions of long-lived references that each full collection walked again (40 ms at 1M photos on
# a quiet machine, over 100 ms loaded: a stall of every request in the gateway) and that hold no cycles to free.
FREEZE_AFTER = 10_000
SCOPES_KEPT = 64  # users' scopes kept between queries
ANSWERS_KEPT = 256  # queries whose ranking and facets are kept until the postings change (as Solr's result cache)
RANKED_KEPT = 200  # a query's best photos kept ranked: its first pages


def _freeze() -> None:
    """Everything the process holds now, garbage collected first, left out of later collections (FREEZE_AFTER)."""
    gc.collect()
    gc.freeze()


def as_array(bitmap: BitMap) -> np.ndarray:
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32) if bitmap else np.zeros(0, dtype=np.uint32)


def union(bitmaps: list[BitMap]) -> BitMap:
    """Their union; a single bitmap is returned itself (results are never changed in place)."""
    return bitmaps[0] if len(bitmaps) == 1 else BitMap.union(BitMap(), *bitmaps)


def as_bitmap(docs: np.ndarray) -> BitMap:
    return BitMap(array.array("I", docs.astype(np.uint32).tobytes()))


class BitmapIndex(Index):
    """Thread-safe: one lock around reads and writes (queries take milliseconds)."""

    def __init__(self, store: RecordStore, owns_store: bool = False, save_after: int = SAVE_AFTER,
                 answers_kept: int = ANSWERS_KEPT):
        self._store, self._owns_store, self._save_after = store, owns_store, save_after
        self._answers_kept = answers_kept  # 0: every query matched and ranked afresh (benches)
        self._folder = snapshot.snapshot_dir(store.path) if store.path != ":memory:" else None
        self._lock = threading.RLock()
        self._postings, self._seq, self._unsaved, self._looked = Postings(), 0, 0, 0.0
        self._scopes: dict[tuple, _Scope] = {}
        self._answers: OrderedDict[tuple, _Answer] = OrderedDict()
        self._facet_cache: tuple[int, dict] = (-1, {})
        self._by_doc = np.zeros(0, dtype=np.float32)  # scratch for scoring, one slot per photo number
        self._id_keys = np.zeros(0, dtype=np.uint64)  # see _id_order
        self._load_snapshot()  # the changes after it are taken in by the first read or write (refresh), so a
        #                        rebuild over a snapshot of older code reads the store once, not twice

    @classmethod
    def open(cls, store_path: Path | str, **options) -> "BitmapIndex":
        """An index over the record store at this path, on its own connection (closed with the index)."""
        return cls(RecordStore(store_path), owns_store=True, **options)

    def close(self) -> None:
        with self._lock:
            if self._unsaved >= SAVE_ON_CLOSE:
                self.save()
        if self._owns_store:
            self._store.close()

    # -- following the store ------------------------------------------------------------------

    def upsert(self, record: pb.Record) -> None:
        """The record is in the store already: take in the store's changes up to it."""
        self.refresh()

    def upsert_many(self, records: list[pb.Record]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Take in every record the store changed since the last look (other processes' writes too)."""
        with self._lock:
            self._look_for_snapshot()
            self._take_in_changes()

    def _take_in_changes(self) -> None:
        taken = 0
        while changes := self._store.changed_since(self._seq, CHANGES_PER_READ):
            self._postings.apply([record for _, record in changes])
            self._seq = changes[-1][0]
            self._unsaved += len(changes)
            taken += len(changes)
        if taken >= FREEZE_AFTER:
            _freeze()
        if self._unsaved >= max(self._save_after, len(self._postings.ids) // 20):
            self.save()

    def rebuild(self, store: RecordStore) -> int:
        """Forget what is applied and take in the whole store again, then save: what the index holds follows
        today's code (term forms, policy), not the snapshot's. It follows its own store (the one given is the same
        file). Returns the photos held."""
        with self._lock:
            self._postings, self._seq, self._unsaved, self._scopes = Postings(), 0, 0, {}
            self._answers.clear()
            self._facet_cache, self._id_keys = (-1, {}), np.zeros(0, dtype=np.uint64)
            self._take_in_changes()  # from the store alone: never from a snapshot, which is what is rebuilt
            self.save(rebuilt=True)
            return len(self._postings.visible)

    def save(self, rebuilt: bool = False) -> None:
        """Write a snapshot of what is applied (other processes open from it); rebuilt: see snapshot.save."""
        with self._lock:
            if self._folder is not None:
                snapshot.save(self._postings, self._seq, self._folder, rebuilt)
            self._unsaved = 0

    def _load_snapshot(self) -> None:
        if self._folder is not None and (loaded := snapshot.load(self._folder)) is not None:
            self._postings, self._seq = loaded
            self._unsaved = 0
            self._scopes, self._facet_cache, self._id_keys = {}, (-1, {}), np.zeros(0, dtype=np.uint64)
            self._answers.clear()
            _freeze()

    def _look_for_snapshot(self) -> None:
        """Jump to a newer snapshot another process saved, when it is far ahead of this one."""
        now = time.monotonic()
        if self._folder is None or now - self._looked < LOOK_FOR_SNAPSHOT_SECONDS:
            return
        self._looked = now
        if snapshot.saved_seq(self._folder) > self._seq + self._save_after:
            self._load_snapshot()

    def held_terms(self, photo_id: str) -> set[tuple[str, str]]:
        """The (key, value) terms the index holds for a photo, as checks compare them with its record."""
        self.refresh()
        with self._lock:
            return self._postings.terms_held(photo_id)

    # -- queries ------------------------------------------------------------------------------

    def run(self, query: Query, roots: list[str] | None, offset: int, limit: int, explain: bool) -> SearchResult:
        self.refresh()
        with self._lock:
            answer = self._answer(query, roots, offset + limit)
            atoms = positive_atoms(query.root)
            page = answer.ranked[offset:offset + limit].tolist()
            page_ids = [self._postings.ids[doc] for doc in page]
            paths = self._store.paths_of(page_ids)
            stars = self._postings.stars[page].tolist()
            hits = [Hit(photo_id, [p for p in paths.get(photo_id, ()) if under_roots(p, roots)], round(score, 4), star)
                    for photo_id, score, star in zip(page_ids, answer.scores[offset:offset + limit].tolist(), stars)]
            wanted = {layer for atom in atoms for term in self._terms_for(atom) for layer in self._postings.layers_of[term]}
            asked, persons = asker_matches(atoms), positive_persons(query.root)
            for hit, doc in zip(hits, page):
                self._explain(hit, doc, wanted, atoms, explain, asked.get(hit.id, []), persons)
            total = answer.total
            return SearchResult(total, hits, answer.facets, offset + limit if offset + limit < total else None)

    def _answer(self, query: Query, roots: list[str] | None, count: int) -> "_Answer":
        """The query's matches in the scope: their number, facets and the best `count` (at least RANKED_KEPT)
        ranked; kept for the query's next pages and for whoever asks it again until the postings change."""
        key = (self._postings.version, None if roots is None else tuple(roots), query.root)
        answer = self._answers.get(key)
        if answer is not None and (len(answer.ranked) >= count or len(answer.ranked) == answer.total):
            self._answers.move_to_end(key)
            return answer
        scope = self._scope(roots)
        matched = scope if query.root is None else self._match(query.root, scope) & scope
        docs = as_array(matched)
        scores = self._scores(docs, matched, positive_atoms(query.root), query.words())
        best = np.array(self._ranked(docs, scores, max(count, RANKED_KEPT)), dtype=np.int64)
        answer = _Answer(len(docs), docs[best], scores[best], answer.facets if answer else self._facets(matched))
        if self._answers and next(iter(self._answers))[0] != key[0]:
            self._answers.clear()  # the postings changed: every kept answer is stale
        self._answers[key] = answer
        if len(self._answers) > self._answers_kept:
            self._answers.popitem(last=False)
        return answer

    def newest(self, roots: list[str], before: tuple[float, str] | None, limit: int) -> list[str]:
        self.refresh()
        with self._lock:
            docs, when, age = self._by_time(roots)
            start = 0
            if before is not None:  # past the cursor: older, or as old with a smaller id
                start = int(np.searchsorted(age, -before[0], side="left"))
                ids = self._postings.ids
                while start < len(docs) and when[start] == before[0] and ids[docs[start]] >= before[1]:
                    start += 1
            return [self._postings.ids[doc] for doc in docs[start:start + limit].tolist()]

    def timeline(self, roots: list[str]) -> list[browse.Month]:
        self.refresh()
        with self._lock:
            entry = self._scope_entry(roots)
            if entry.months is None:
                entry.months = browse.months(np.sort(self._postings.time[as_array(entry.docs)]))
            return entry.months

    def on_this_day(self, roots: list[str], day: int, before: float, limit: int) -> tuple[list[str], int]:
        self.refresh()
        with self._lock:
            docs, when, _ = self._by_time(roots)
            found = docs[(self._postings.day[docs] == day) & (when < before)]
            return [self._postings.ids[doc] for doc in found[:limit].tolist()], len(found)

    def clusters(self, roots: list[str], box: tuple[float, float, float, float], zoom: int) -> list[MapCluster]:
        self.refresh()
        with self._lock:
            entry = self._scope_entry(roots)
            if entry.geo is None:  # the scope's GPS photos newest first (ties in any order), with map positions
                docs = as_array(entry.docs)
                docs = docs[~np.isnan(self._postings.lat[docs])]
                docs = docs[np.argsort(-self._postings.time[docs], kind="stable")]
                lat, lon = self._postings.lat[docs], self._postings.lon[docs]
                entry.geo = (docs, lat, lon, *browse.mercator(lat, lon))
            docs, lat, lon, x, y = entry.geo
            inside = browse.in_box(lat, lon, *box)
            found = browse.clusters(lat[inside], lon[inside], x[inside], y[inside], browse.cell_zoom(*box, zoom))
            ids, docs = self._postings.ids, docs[inside]
            return [MapCluster(c.lat, c.lon, c.count, ids[docs[c.first]]) for c in found]

    def _by_time(self, roots: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The scope's photos newest first (equal times: larger id first), their times, and those times negated (an
        ascending array a cursor is found in), kept with the scope."""
        entry = self._scope_entry(roots)
        if entry.by_time is None:
            docs = as_array(entry.docs)
            order = np.argsort(-self._postings.time[docs], kind="stable")
            docs = docs[order]
            when = self._postings.time[docs]
            ids = self._postings.ids
            starts = np.r_[0, np.flatnonzero(when[1:] != when[:-1]) + 1]
            ends = np.r_[starts[1:], len(docs)]
            for a, b in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist()):  # equal times
                docs[a:b] = sorted(docs[a:b].tolist(), key=lambda d: ids[d], reverse=True)
            entry.by_time = (docs, when, -when)
        return entry.by_time

    def _scope(self, roots: list[str] | None) -> BitMap:
        return self._postings.visible if roots is None else self._scope_entry(roots).docs

    def _scope_entry(self, roots: list[str]) -> "_Scope":
        """The photos under the roots (and their time order once asked for), kept until the postings change."""
        key = (self._postings.version, tuple(roots))
        if key not in self._scopes:
            if len(self._scopes) >= SCOPES_KEPT or any(k[0] != key[0] for k in self._scopes):
                self._scopes.clear()
            self._scopes[key] = _Scope(self._postings.scope(roots))
        return self._scopes[key]

    def _terms_for(self, atom: Node) -> list[int]:
        return [term for term, _ in self._weighted_terms(atom)]

    def _weighted_terms(self, atom: Node) -> list[tuple[int, float]]:
        """(term, factor) of the terms an atom matches: a word itself or a synonym (policy.word_values), a phrase
        whole, a filter by key and value prefix."""
        p = self._postings
        if isinstance(atom, Word):
            return [(t, factor) for value, factor in word_values(atom.text) for t in p.terms_of_value.get(value, ())]
        if isinstance(atom, (Phrase, Compound)):
            return [(t, 1.0) for t in p.terms_of_value.get(" ".join(atom.words), ())]
        if isinstance(atom, (FacesOf, Alike)):
            return []  # a person's faces and similar photos are no term (see _face_pairs, _similarities)
        keys = FILTER_KEYS.get(atom.key, (atom.key,))
        if not atom.value:
            return [(t, 1.0) for key in keys for t in p.terms_of_key.get(key, ())]
        return [(t, 1.0) for v in p.prefixed(normalize_value(atom.value)) for t in p.terms_of_value[v]
                if p.terms[t][0] in keys]

    def _docs(self, atom: Node) -> BitMap:
        return union([self._postings.docs[t] for t in self._terms_for(atom)])

    def _match(self, node: Node, scope: BitMap) -> BitMap:
        if isinstance(node, (Word, Compound, Filter)):
            return self._docs(node)
        if isinstance(node, Phrase):
            return self._docs(node) | BitMap.intersection(*(self._docs(Word(w)) for w in node.words))
        if isinstance(node, Person):  # (photo, face) pairs holding each word, intersected: one face has them all
            pairs = [self._face_pairs(w) for w in node.words]
            return as_bitmap(as_array(BitMap.intersection(*pairs)) // FACES_PER_PHOTO)  # a photo once, however many
        if isinstance(node, FacesOf):
            return as_bitmap(as_array(self._face_pairs(node)) // FACES_PER_PHOTO)
        if isinstance(node, Not):
            return scope - self._match(node.node, scope)
        if isinstance(node, And):
            return BitMap.intersection(*(self._match(n, scope) for n in node.nodes))
        if isinstance(node, Or):
            return BitMap.union(*(self._match(n, scope) for n in node.nodes))
        if isinstance(node, (Ids, Alike)):
            doc_of = self._postings.doc_of
            ids = node.ids if isinstance(node, Ids) else (photo for photo, _ in node.scores)
            return BitMap(doc_of[i] for i in ids if i in doc_of)
        if isinstance(node, AtLeast):
            held = np.concatenate([as_array(self._match(n, scope)) for n in node.nodes])
            docs, times = np.unique(held, return_counts=True)
            return as_bitmap(docs[times >= node.count])
        docs = as_array(scope)
        return as_bitmap(docs[self._holds(node, docs)])

    def _face_pairs(self, word: Word | FacesOf) -> BitMap:
        """The (photo, face) pairs, as photo number x FACES_PER_PHOTO + face, of a face word or a named person."""
        if isinstance(word, FacesOf):
            doc_of = self._postings.doc_of
            return BitMap(doc_of[photo] * FACES_PER_PHOTO + min(face, FACES_PER_PHOTO - 1) for photo, face in word.faces
                          if photo in doc_of)
        return union([self._postings.faces[t] for t in self._terms_for(word)])

    def _holds(self, node: Node, docs: np.ndarray) -> np.ndarray:
        """Which photos meet a date, place, face-count or file-rating condition, over the numpy columns."""
        p = self._postings
        if isinstance(node, DateRange):
            when = p.time[docs]
            return ((when >= node.start) if node.start is not None else True) & \
                ((when < node.end) if node.end is not None else True) & np.ones(len(docs), bool)
        if isinstance(node, Near):  # the latitude band first (a degree is ~111 km everywhere), distance inside it
            near = np.abs(p.lat[docs] - node.lat) <= node.km / KM_PER_DEGREE + 1e-6
            lat, lon = np.radians(p.lat[docs[near]]), np.radians(p.lon[docs[near]])
            lat0, lon0 = math.radians(node.lat), math.radians(node.lon)
            a = np.sin((lat - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
            near[near] = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, a))) <= node.km
            return near
        if isinstance(node, FaceCount):
            return (p.face_count[docs] >= node.low) & (p.face_count[docs] <= node.high)
        if isinstance(node, FileRating):
            return (p.stars[docs] >= node.low) & (p.stars[docs] <= node.high)
        raise TypeError(f"unknown query node {node!r}")

    def _scores(self, docs: np.ndarray, matched: BitMap, atoms: list[Node], words: list[str]) -> np.ndarray:
        """Per photo: the sum over atoms of its best matching weight (from the weight layers), plus a bonus when
        one term holds all the words, in proportion to that term's weight."""
        total = np.zeros(len(docs), dtype=np.float32)
        if not atoms or not len(docs):
            return total
        for atom in atoms:
            total += self._similarities(atom, docs) if isinstance(atom, Alike) else self._best_weights(atom, docs, matched)
        if len(words) > 1:
            total += PHRASE_BONUS * self._best_weights(Phrase(tuple(words)), docs, matched)
        return total

    def _best_weights(self, atom: Node, docs: np.ndarray, matched: BitMap) -> np.ndarray:
        """Per matched photo (docs, sorted: the matches as an array): the best weight of its terms matching the
        atom. Layers are written weakest first, so each photo keeps its strongest."""
        p = self._postings
        layers = sorted((p.layers[layer][1] / LEVELS * factor, layer) for term, factor in self._weighted_terms(atom)
                        if p.docs[term].intersect(matched) for layer in p.layers_of[term])
        if len(self._by_doc) < len(p.ids):
            self._by_doc = np.zeros(len(p.ids), dtype=np.float32)
        by_doc = self._by_doc  # written by photo number, read back at the matches, then zeroed there again
        for weight, layer in layers:
            by_doc[as_array(p.layer_docs[layer] & matched)] = weight
        best = by_doc[docs]
        by_doc[docs] = 0
        return best

    def _similarities(self, atom: Alike, docs: np.ndarray) -> np.ndarray:
        """Per matched photo, its similarity to the photo asked about (0 for photos not among its neighbours)."""
        ids, scores = self._postings.ids, dict(atom.scores)
        return np.array([scores.get(ids[doc], 0.0) for doc in docs.tolist()], dtype=np.float32)

    def _ranked(self, docs: np.ndarray, scores: np.ndarray, count: int) -> list[int]:
        """Positions of the best `count` photos: by score, then newest, then id. Only the candidates are sorted:
        for each key (larger first), those above the count-th value are in, those equal to it go on to the next;
        a key is read only for the photos still tied."""
        time = self._postings.time
        keys = (lambda at: scores[at], lambda at: time[docs[at]],
                lambda at: ~self._id_order()[docs[at]])  # ~: a smaller id first
        chosen, pool, left = [], np.arange(len(docs)), count
        for key in keys:
            if len(pool) <= left or left <= 0:
                break
            values = key(pool)
            cut = np.partition(values, len(values) - left)[len(values) - left]
            chosen.append(pool[values > cut])
            left -= len(chosen[-1])
            pool = pool[values == cut]
        candidates = np.concatenate([*chosen, pool]) if chosen else pool
        ids = self._postings.ids
        rows = zip(np.negative(scores[candidates]).tolist(), np.negative(time[docs[candidates]]).tolist(),
                   (ids[doc] for doc in docs[candidates].tolist()), candidates.tolist())  # plain floats sort fast
        return [row[-1] for row in sorted(rows)[:count]]

    def _id_order(self) -> np.ndarray:
        """Per photo number, the first 8 bytes of its id as a number: ids in the same order as far as those go
        (photos with the same score and time are ranked by id without sorting them all as strings)."""
        ids = self._postings.ids
        if len(self._id_keys) < len(ids):
            new = ids[len(self._id_keys):]
            try:  # SHA-256 ids are ASCII: numpy cuts and pads them in one pass
                more = np.array(new, dtype="S8").view(">u8").astype(np.uint64)
            except UnicodeEncodeError:
                more = np.array([int.from_bytes(i.encode()[:8].ljust(8, b"\0"), "big") for i in new], dtype=np.uint64)
            self._id_keys = np.concatenate([self._id_keys, more])
        return self._id_keys

    def _explain(self, hit: Hit, doc: int, wanted: set[int], atoms: list[Node], explain: bool,
                 asked: list[tuple[float, str, str, str, int]], persons: list) -> None:
        """The hit's matching terms, from its forward list (`wanted` are the layers of the terms the query's atoms
        match), on each face holding them, and what the asker's own atoms found in it (asker_matches)."""
        p = self._postings
        found = []
        for layer in sorted(wanted.intersection(p.forward(doc).tolist())):
            term, level, source, _ = p.layers[layer]
            key, value = p.terms[term]
            found += [(level / LEVELS, key, value, source, face) for face in (self._faces_of(term, doc) if explain
                                                                              else (0,))]
        explain_hit(hit, found + asked, atoms, explain, persons)

    def _faces_of(self, term: int, doc: int) -> list[int]:
        """The faces of the photo holding the term, or [0]: the photo as a whole."""
        start = doc * FACES_PER_PHOTO
        held = self._postings.faces[term] & BitMap(range(start, start + FACES_PER_PHOTO))
        return [pair - start for pair in held] or [0]

    def _facets(self, matched: BitMap) -> dict[str, list[dict]]:
        """Exact counts over every match, for the facet keys' values shown whole (see _facet_docs)."""
        facets: dict[str, list[dict]] = {}
        for key, values in self._facet_docs().items():
            counts = [(docs.intersection_cardinality(matched), value) for value, docs in values]
            top = sorted((c for c in counts if c[0]), key=lambda c: (-c[0], c[1]))[:FACET_VALUES]
            facets[key] = [{"value": value, "count": n} for n, value in top]
        return facets

    def _facet_docs(self) -> dict[str, list[tuple[str, BitMap]]]:
        """Per facet key, each chip's value and the photos holding it whole (the union of the term's whole layers),
        made once per version of the postings: a query then counts one intersection per chip."""
        p = self._postings
        if self._facet_cache[0] != p.version:
            found = {key: [(p.terms[t][1], union([p.layer_docs[layer] for layer in p.layers_of[t] if p.layers[layer][3]]
                                              or [BitMap()]))
                           for t in p.terms_of_key.get(key, ()) if in_facets(key, p.terms[t][1])] for key in FACET_KEYS}
            self._facet_cache = (p.version, found)
        return self._facet_cache[1]

    def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]:
        value = normalize_value(prefix) if prefix.strip() else ""
        if not value:
            return []
        self.refresh()
        with self._lock:
            p = self._postings
            scope = self._scope(roots)
            found = [(p.docs[t].intersection_cardinality(scope), p.terms[t][0], v)
                     for v in p.prefixed(value) for t in p.terms_of_value[v]]
        found = sorted((f for f in found if f[0]), key=lambda f: (-f[0], f[2], f[1]))[:limit]
        return [{"key": key, "value": v, "count": n} for n, key, v in found]


@dataclass
class _Answer:
    total: int
    ranked: np.ndarray  # photo numbers, best first
    scores: np.ndarray  # theirs
    facets: dict[str, list[dict]]


@dataclass
class _Scope:
    docs: BitMap
    by_time: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # see _by_time; made when first asked
    months: list | None = None  # browse.months of the scope
    geo: tuple | None = None  # its GPS photos newest first: (docs, lat, lon, mercator x, y)
