"""The Index port: what the indexer writes and what the query API reads, whatever the engine."""
from __future__ import annotations

import abc
from dataclasses import dataclass, field

from proto import pb
from services.search.query.ast import Query
from services.search.record_view import all_terms
from services.search.policy import normalize_value, tiers

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
    path: str
    score: float
    matched: list[str] = field(default_factory=list)
    explain: list[dict] = field(default_factory=list)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict]]
    next_offset: int | None


def index_terms(record: pb.Record) -> list[IndexTerm]:
    """Every term of a record as stored for search: whole values as shown, their query forms and words,
    date fallbacks; `whole` marks the rows facets show."""
    terms: dict[tuple[str, str, int], IndexTerm] = {}

    def put(key: str, value: str, source: str, weight: float, face: int, whole: bool = True) -> None:
        slot = (key, value, face)
        if value and (slot not in terms or terms[slot].weight < weight):
            terms[slot] = IndexTerm(key, value, source, weight, face, whole or (slot in terms and terms[slot].whole))

    keys = {t.key for t in all_terms(record)}
    for term in all_terms(record):
        key = term.key
        if key in DATE_FALLBACKS:
            if DATE_FALLBACKS[key] in keys:
                continue
            key = DATE_FALLBACKS[key]
        shown = " ".join(term.value.lower().split())
        put(key, shown, term.source, term.weight, term.face)
        value = normalize_value(term.value)
        if value != shown:  # the form queries are written in ("united states" -> "united state")
            put(key, value, term.source, term.weight, term.face, whole=False)
        words = value.split()
        if len(words) > 1:
            for word in words:
                put(key, word, term.source, term.weight * 0.7, term.face, whole=False)
    return list(terms.values())


class Index(abc.ABC):
    """Upsert whole records, search with a parsed query, always within the caller's roots."""

    @abc.abstractmethod
    def upsert(self, record: pb.Record) -> None: ...

    def search(self, query: Query, roots: list[str] | None, offset: int, limit: int,
               explain: bool = False) -> SearchResult:
        """roots=None searches everything (the CLI's admin view); an empty list finds nothing. The query runs
        in the policy's tiers until one finds something."""
        for tier in tiers(query):
            result = self.run(tier, roots, offset, limit, explain)
            if result.total:
                break
        return result

    @abc.abstractmethod
    def run(self, query: Query, roots: list[str] | None, offset: int, limit: int, explain: bool) -> SearchResult:
        """One tier: the matches, ranked by score (the best matching weight per atom, a bonus for the whole
        phrase), then newest first."""

    @abc.abstractmethod
    def newest(self, roots: list[str], before: tuple[float, str] | None, limit: int) -> list[str]:
        """The ids of the newest photos under the roots, taken before the (sort time, id) cursor."""

    @abc.abstractmethod
    def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]: ...

    def upsert_many(self, records: list[pb.Record]) -> None:
        for record in records:
            self.upsert(record)

    def close(self) -> None:
        return None
