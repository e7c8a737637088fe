"""The bitmap index's data: integer photo numbers, a posting bitmap per term, weights as bitmap layers.

A term is a (key, value) pair. Its photos are one roaring bitmap; each photo's best weight for it is stored by
putting the photo in exactly one layer of the term, a bitmap per (weight level, source, shown whole), so ranking
and facet counts are a few bitmap intersections instead of a lookup per photo. Faces are (photo, face) pairs in a bitmap per term, folders
are terms too (scope is a union of folder bitmaps), and a forward list per photo (its layers) lets an update
take the photo out of exactly the postings it was in.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
import math
import posixpath

import numpy as np
from pyroaring import BitMap

from proto import pb
from services.search.index.browse import month_day
from services.search.index.port import names_in, raw_terms, value_forms
from services.search.store import file_stars, sort_time

LEVELS = 20  # weights are kept to 1/20: finer differences are noise, and each level is a bitmap to rank by
FACES_PER_PHOTO = 256  # a (photo, face) pair is stored as photo * FACES_PER_PHOTO + face
FOLDER = "\x00folder"  # the key of the folder terms that scope queries (never matched by words)
NO_LAYERS = np.zeros(0, dtype=np.uint32)


class Postings:
    """Not thread-safe: the index that owns it holds a lock."""

    def __init__(self):
        self.term_of: dict[tuple[str, str], int] = {}
        self.terms: list[tuple[str, str]] = []
        self.docs: list[BitMap] = []        # per term: every photo holding it
        self.faces: list[BitMap] = []       # per term: (photo, face) pairs, for words bound to one person
        self.layers_of: list[list[int]] = []  # per term: its layers
        self.layer_of: dict[tuple[int, int, str, bool], int] = {}  # (term, level, source, whole)
        self.layers: list[tuple[int, int, str, bool]] = []  # per layer: (term, weight level, source, whole)
        self.layer_docs: list[BitMap] = []
        self.values: list[str] = []         # every word-matchable value, sorted: a prefix is a range
        self.terms_of_value: dict[str, list[int]] = {}
        self.folders: list[str] = []        # every folder, sorted: a root is a range
        self.terms_of_key: dict[str, list[int]] = {}
        self.ids: list[str] = []
        self._doc_of: dict[str, int] | None = {}
        self.visible = BitMap()
        self.time = np.zeros(0)
        self.lat = np.zeros(0)
        self.lon = np.zeros(0)
        self.face_count = np.zeros(0, dtype=np.int32)
        self.stars = np.zeros(0, dtype=np.int8)  # the file's XMP rating
        self.day = np.zeros(0, dtype=np.int16)  # browse.month_day of its time: "on this day"
        self.forward_offsets = np.zeros(1, dtype=np.int64)  # the snapshot's forward lists, one flat array
        self.forward_layers = NO_LAYERS
        self.forward_changed: dict[int, np.ndarray] = {}    # forward lists written since the snapshot
        self.version = 0  # changes with every apply: what was computed from the postings may be stale
        self._forms: dict[tuple[str, str], tuple] = {}  # a term value's forms (see _expand) and names (names_in)

    @property
    def doc_of(self) -> dict[str, int]:
        if self._doc_of is None:
            self._doc_of = {photo_id: doc for doc, photo_id in enumerate(self.ids)}
        return self._doc_of

    # -- writes -------------------------------------------------------------------------------

    def apply(self, records: list[pb.Record]) -> None:
        """Put each record in (replacing its earlier version), adding to each touched bitmap once."""
        adds: defaultdict[int, list[int]] = defaultdict(list)
        pairs: dict[int, list[int]] = {}
        new_values: list[str] = []
        self.version += 1
        for record in {r.id: r for r in records}.values():  # a photo given twice: its last version
            doc = self.doc_of.get(record.id)
            if doc is None:
                doc = self._new_doc(record.id)
            else:
                self._remove(doc)
            place = record.exif.place if record.exif.has_place else None
            self.time[doc] = sort_time(record)
            self.day[doc] = month_day(self.time[doc])
            self.lat[doc], self.lon[doc] = (place.lat, place.lon) if place else (math.nan, math.nan)
            self.face_count[doc] = len(record.vision.faces)
            self.stars[doc] = file_stars(record)
            if record.paths:
                self.visible.add(doc)
            best: dict[int, tuple[int, str, bool]] = {}
            expanded, names = [], set()
            for key, value, source, weight, face in raw_terms(record):
                entry = self._forms.get((key, value))
                if entry is None:
                    entry = self._forms[(key, value)] = (self._expand(key, value, new_values), names_in(key, value))
                if entry[1]:
                    names.update(entry[1])
                expanded.append((entry[0], source, weight, face))
            for forms, source, weight, face in expanded:
                for term, factor, whole, head in forms:
                    if head is not None and head not in names:
                        continue
                    level = int(weight * factor * LEVELS + 0.5)
                    held = best.get(term)
                    if held is None:
                        best[term] = (level, source, whole)
                    elif held[0] < level or (whole and not held[2]):
                        best[term] = (max(level, held[0]), source if level > held[0] else held[1], whole or held[2])
                    if face:
                        pairs.setdefault(term, []).append(doc * FACES_PER_PHOTO + min(face, FACES_PER_PHOTO - 1))
            for folder in {posixpath.dirname(path) for path in record.paths}:
                term = self.term_of.get((FOLDER, folder))
                best[term if term is not None else self._new_term(FOLDER, folder, new_values)] = (0, "path", False)
            layers = []
            for term, info in best.items():
                layer = self.layer_of.get((term, *info))
                if layer is None:
                    layer = self._new_layer(term, *info)
                layers.append(layer)
                adds[layer].append(doc)
            self.forward_changed[doc] = np.array(layers, dtype=np.uint32)
        for layer, docs in adds.items():
            self.layer_docs[layer].update(docs)
            self.docs[self.layers[layer][0]].update(docs)
        for term, found in pairs.items():
            self.faces[term].update(found)
        self._index_values(new_values)

    def _expand(self, key: str, value: str, new_values: list[str]) -> tuple[tuple[int, float, bool, str | None], ...]:
        """(term, weight factor, whole, head word or None) of each form of a term value (see value_forms), terms
        made as needed."""
        found = []
        for form, factor, whole, head in value_forms(key, value):
            term = self.term_of.get((key, form))
            if term is None:
                term = self._new_term(key, form, new_values)
            found.append((term, factor, whole, form if head else None))
        return tuple(found)

    def _remove(self, doc: int) -> None:
        """Take a photo out of every posting it is in, before its new version goes in."""
        self.visible.discard(doc)
        for layer in self.forward(doc).tolist():
            term = self.layers[layer][0]
            self.layer_docs[layer].discard(doc)
            self.docs[term].discard(doc)
            if self.faces[term]:
                self.faces[term].remove_range(doc * FACES_PER_PHOTO, (doc + 1) * FACES_PER_PHOTO)
        self.forward_changed[doc] = NO_LAYERS

    def forward(self, doc: int) -> np.ndarray:
        """The layers a photo is in."""
        changed = self.forward_changed.get(doc)
        if changed is not None:
            return changed
        if doc + 1 < len(self.forward_offsets):
            return self.forward_layers[self.forward_offsets[doc]:self.forward_offsets[doc + 1]]
        return NO_LAYERS

    def forward_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every photo's forward list as one flat array and its offsets (what a snapshot saves): the snapshot's runs
        copied whole, only the lists written since it one by one."""
        count, base = len(self.ids), len(self.forward_offsets) - 1
        lengths = np.zeros(count, dtype=np.int64)
        lengths[:min(base, count)] = np.diff(self.forward_offsets[:min(base, count) + 1])
        changed = sorted(doc for doc in self.forward_changed if doc < count)
        for doc in changed:
            lengths[doc] = len(self.forward_changed[doc])
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        layers = np.empty(int(offsets[-1]), dtype=np.uint32)
        start = 0
        for doc in [*changed, count]:  # docs start..doc-1 are as the snapshot has them (or empty past its end)
            end = min(doc, base)
            if start < end:
                layers[offsets[start]:offsets[end]] = \
                    self.forward_layers[self.forward_offsets[start]:self.forward_offsets[end]]
            if doc < count:
                layers[offsets[doc]:offsets[doc + 1]] = self.forward_changed[doc]
            start = doc + 1
        return offsets, layers

    def _new_doc(self, photo_id: str) -> int:
        doc = len(self.ids)
        self.doc_of[photo_id] = doc
        self.ids.append(photo_id)
        if doc >= len(self.time):
            size = max(1024, 2 * len(self.time))
            self.time, self.lat, self.lon = (np.resize(a, size) for a in (self.time, self.lat, self.lon))
            self.face_count = np.resize(self.face_count, size)
            self.stars = np.resize(self.stars, size)
            self.day = np.resize(self.day, size)
        return doc

    def _new_term(self, key: str, value: str, new_values: list[str]) -> int:
        term = len(self.terms)
        self.term_of[(key, value)] = term
        self.terms.append((key, value))
        for column in (self.docs, self.faces):
            column.append(BitMap())
        self.layers_of.append([])
        self.terms_of_key.setdefault(key, []).append(term)
        if key == FOLDER:
            bisect.insort(self.folders, value)
        else:
            if value not in self.terms_of_value:
                new_values.append(value)
            self.terms_of_value.setdefault(value, []).append(term)
        return term

    def _new_layer(self, term: int, level: int, source: str, whole: bool) -> int:
        layer = len(self.layers)
        self.layer_of[(term, level, source, whole)] = layer
        self.layers.append((term, level, source, whole))
        self.layer_docs.append(BitMap())
        self.layers_of[term].append(layer)
        return layer

    def _index_values(self, new_values: list[str]) -> None:
        if len(new_values) > 64:
            self.values = sorted(self.values + new_values)
        else:
            for value in new_values:
                bisect.insort(self.values, value)

    def index_terms_again(self) -> None:
        """Rebuild the value and folder lists from the term table (after loading a snapshot)."""
        self.terms_of_value, self.terms_of_key = {}, {}
        folders = []
        for term, (key, value) in enumerate(self.terms):
            self.terms_of_key.setdefault(key, []).append(term)
            if key == FOLDER:
                folders.append(value)
            else:
                self.terms_of_value.setdefault(value, []).append(term)
        self.values, self.folders = sorted(self.terms_of_value), sorted(folders)
        self.term_of = {kv: term for term, kv in enumerate(self.terms)}
        self.layer_of = {info: layer for layer, info in enumerate(self.layers)}
        self._doc_of = None  # made when first needed: a reader that only answers queries never needs it
        self.layers_of = [[] for _ in self.terms]
        for layer, (term, *_) in enumerate(self.layers):
            self.layers_of[term].append(layer)

    # -- reads --------------------------------------------------------------------------------

    def terms_held(self, photo_id: str) -> set[tuple[str, str]]:
        """The (key, value) terms a photo is indexed under (its folders left out): what checks compare."""
        doc = self.doc_of.get(photo_id)
        held = {self.terms[self.layers[layer][0]] for layer in self.forward(doc).tolist()} if doc is not None else set()
        return {(key, value) for key, value in held if key != FOLDER}

    def prefixed(self, prefix: str) -> list[str]:
        """Every value starting with the prefix."""
        start = bisect.bisect_left(self.values, prefix)
        end = bisect.bisect_left(self.values, prefix + "\U0010ffff", start)
        return self.values[start:end]

    def scope(self, roots: list[str]) -> BitMap:
        """The photos with a path under one of the roots: the union of the bitmaps of the folders below them."""
        found = []
        for root in roots:
            root = root.rstrip("/")
            for edge in (root, root + "/"):  # the root folder itself, then every folder below it
                start = bisect.bisect_left(self.folders, edge)
                end = bisect.bisect_left(self.folders, edge + "\U0010ffff", start) if edge.endswith("/") else (
                    start + 1 if start < len(self.folders) and self.folders[start] == edge else start)
                found.extend(self.docs[self.term_of[(FOLDER, f)]] for f in self.folders[start:end])
        return BitMap.union(BitMap(), *found) & self.visible
