"""The Index port: what the indexer writes and what the query API reads, whatever the engine."""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from proto import pb
from services.search.index.browse import Month
from services.search.query.ast import Query
from services.search.record_view import term_lists
from services.search.policy import COMPOUND_KEYS, is_partial, normalize_value, tiers, with_compounds

if TYPE_CHECKING:
    from services.search.store import RecordStore

DATE_FALLBACKS = {"file_year": "year", "file_month": "month"}  # file time stands in where EXIF has no date


@dataclass(frozen=True)
class IndexTerm:
    key: str
    value: str
    source: str
    weight: float
    face: int
    whole: bool = True


@dataclass
class Hit:
    id: str
    paths: list[str]  # its paths under the asker's roots, sorted
    score: float
    stars: int = 0  # the file's own XMP rating, 0-5 (see file_stars)
    matched: list[str] = field(default_factory=list)
    explain: list[dict] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.paths[0] if self.paths else ""


@dataclass(frozen=True)
class MapCluster:
    lat: float
    lon: float
    count: int
    id: str  # its newest photo


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict]]
    next_offset: int | None
    partial: bool = False  # no photo holds every word: these hold most of them


WORD_FACTOR = 0.7  # a word of a longer value counts this much of the value
CATEGORY_KEYS = ("hypernym",)  # compounds naming a kind of thing, not the thing: a big cat is a cat


@lru_cache(maxsize=1 << 17)  # values repeat across photos
def value_forms(key: str, value: str) -> tuple[tuple[str, float, bool, bool], ...]:
    """(form, weight factor, whole, head) of one term value: as shown, the form queries are written in ("united
    states" -> "united state"), and its words: each word, or for WordNet's compounds only the last, the thing it
    is ('tiger shark' is found by 'shark', not by 'tiger'). Of a name (not a category), that last word is a `head`
    form: it counts only where the photo is called by it too (see names_of): a 'bear cat' is a lesser panda, not a
    cat; a 'hot dog' is no dog."""
    shown = " ".join(value.lower().split())
    forms = [(shown, 1.0, True, False)]
    normal = normalize_value(value)
    if normal != shown:
        forms.append((normal, 1.0, False, False))
    words = normal.split()
    if len(words) > 1:
        compound = key in COMPOUND_KEYS
        head = compound and key not in CATEGORY_KEYS
        forms.extend((word, WORD_FACTOR, False, head) for word in (words[-1:] if compound else words))
    return tuple(form for form in forms if form[0])


def names_of(raw: list[tuple[str, str, str, float, int]]) -> set[str]:
    """What a photo is called whole by its labels, objects, synonyms and hypernyms (with their head words): the head
    words of its names it keeps."""
    names: set[str] = set()
    for key, value, *_ in raw:
        names.update(names_in(key, value))
    return names


@lru_cache(maxsize=1 << 17)  # values repeat across photos
def names_in(key: str, value: str) -> tuple[str, ...]:
    """The names one term value gives its photo: a compound's whole value, a category's last word."""
    if key not in COMPOUND_KEYS and key not in CATEGORY_KEYS:
        return ()
    normal = normalize_value(value)
    return ((normal,) if key in COMPOUND_KEYS else ()) + ((normal.rsplit(" ", 1)[-1],) if key in CATEGORY_KEYS else ())


def raw_terms(record: pb.Record) -> list[tuple[str, str, str, float, int]]:
    """(key, value, source, weight, face) of every term of a record, the file's date only where EXIF has none (kept
    under its own key: `year:` finds it, the year facet, which counts dates people can trust, does not)."""
    raw = [(t.key, t.value, t.source, t.weight, t.face) for terms in term_lists(record) for t in terms]
    keys = {term[0] for term in raw}
    if keys.isdisjoint(DATE_FALLBACKS):
        return raw
    return [term for term in raw if term[0] not in DATE_FALLBACKS or DATE_FALLBACKS[term[0]] not in keys]


def index_terms(record: pb.Record) -> list[IndexTerm]:
    """Every term of a record as stored for search: each value's forms (value_forms), one per (key, value,
    face) with its best weight; `whole` marks the rows facets show."""
    terms: dict[tuple[str, str, int], list] = {}
    raw = raw_terms(record)
    names = names_of(raw)
    for key, raw_value, source, weight, face in raw:
        for value, factor, whole, head in value_forms(key, raw_value):
            if head and value not in names:
                continue
            held = terms.get((key, value, face))
            if held is None:
                terms[(key, value, face)] = [source, weight * factor, whole]
            else:
                if held[1] < weight * factor:
                    held[0], held[1] = source, weight * factor
                held[2] = held[2] or whole
    return [IndexTerm(key, value, source, weight, face, whole)
            for (key, value, face), (source, weight, whole) in terms.items()]


class Index(abc.ABC):
    """Upsert whole records, search with a parsed query, always within the caller's roots."""

    @abc.abstractmethod
    def upsert(self, record: pb.Record) -> None: ...

    def search(self, query: Query, roots: list[str] | None, offset: int, limit: int,
               explain: bool = False) -> SearchResult:
        """roots=None searches everything (the CLI's admin view); an empty list finds nothing. The query runs
        in the policy's tiers until one finds something."""
        for tier in tiers(query):
            result = self.run(with_compounds(tier), roots, offset, limit, explain)
            if result.total:
                result.partial = is_partial(tier)
                break
        return result

    @abc.abstractmethod
    def run(self, query: Query, roots: list[str] | None, offset: int, limit: int, explain: bool) -> SearchResult:
        """One tier: the matches, ranked by score (the best matching weight per atom, a bonus for the whole
        phrase), then newest first."""

    holds_vectors = False  # whether the engine keeps the photos' embeddings itself (see neighbours)

    def neighbours(self, photo: str, roots: list[str] | None, count: int) -> list[tuple[str, float]] | None:
        """The `count` photos under the roots most like this one, most similar first, with their cosine similarity;
        None when the photo is not under the roots; [] when it has no embedding. Only where holds_vectors: the
        embedded index leaves this to the similar book beside the record store (services/similar)."""
        raise NotImplementedError(f"{type(self).__name__} keeps no embeddings")

    @abc.abstractmethod
    def newest(self, roots: list[str], before: tuple[float, str] | None, limit: int) -> list[str]:
        """The ids of the newest photos under the roots, taken before the (sort time, id) cursor."""

    @abc.abstractmethod
    def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]: ...

    @abc.abstractmethod
    def timeline(self, roots: list[str]) -> list[Month]:
        """The months holding photos under the roots, newest first, with how many (see browse.months)."""

    @abc.abstractmethod
    def on_this_day(self, roots: list[str], day: int, before: float, limit: int) -> tuple[list[str], int]:
        """The ids of the photos under the roots taken on this local day of the year (browse.month_day: 1231 is 31
        December) before the time (the start of this year), newest first, and how many there are."""

    @abc.abstractmethod
    def clusters(self, roots: list[str], box: tuple[float, float, float, float], zoom: int) -> list[MapCluster]:
        """The GPS photos under the roots inside the (west, south, east, north) box, grouped by map grid cell at
        this zoom (see browse.clusters), each with its newest photo's id."""

    def upsert_many(self, records: list[pb.Record]) -> None:
        for record in records:
            self.upsert(record)

    def rebuild(self, store: "RecordStore") -> int:
        """Write every record of the store again (`picsift reindex`); how many."""
        count = 0
        for record in store.iter_all():
            self.upsert(record)
            count += 1
        return count

    def close(self) -> None:
        return None
