"""The search service's query API, used by the CLI and the gateway: text in, the `search --json` shape out."""
from __future__ import annotations

import base64
import json
from concurrent.futures import Executor
from typing import Callable, Protocol

from services.pipeline.off_loop import off_loop
from services.search.index.browse import Month
from services.search.marks import album_key
from services.search.index.port import Index, MapCluster, SearchResult
from services.search.pool import ReaderPool
from services.search.query.ast import (
    Alike, And, FacesOf, FileRating, Ids, Marked, Named, Node, Not, Or, Person, Query, Rated, Similar,
)
from services.search.query.parser import Gazetteer, QueryError, parse

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class CursorError(ValueError):
    """A cursor that this service did not hand out."""


def encode_cursor(offset: int | None) -> str | None:
    return None if offset is None else base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor.encode()))["o"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CursorError("invalid cursor") from exc
    if not isinstance(offset, int) or offset < 0:
        raise CursorError("invalid cursor")
    return offset


MarkLookup = Callable[[Marked | Rated], set[str]]  # the asker's ids for one of her marks (favourites, an album, stars)
ALL_STARS = Rated(0, 5)  # every photo she rated
# The photos most like one photo among the asker's, most similar first, with their similarity (services/similar);
# None when she cannot see that photo.
SimilarLookup = Callable[[str], "list[tuple[str, float]] | None"]


# The query of the asker's smart album of that name; None when she has no smart album of that name.
SmartLookup = Callable[[str], "str | None"]
MAX_SMART_DEPTH = 8  # smart albums within smart albums
MAX_SMART_EXPANSIONS = 64  # smart albums read for one query


class SavedQueryError(QueryError):
    """A smart album's query that cannot be run: it asks for nothing, leads back to its own album, or nests too
    deep."""

    def __init__(self, message: str):
        ValueError.__init__(self, message)
        self.message, self.position = message, 0


def expand_smart(query: Query, smart: SmartLookup, parse_saved: Callable[[str], Query]) -> Query:
    """The query with each `album:NAME` of a smart album replaced by its saved query's tree, read now (photos that
    came since match too); an album that leads back to itself is a SavedQueryError."""
    read = 0

    def walk(node: Node | None, trail: tuple[str, ...]) -> Node | None:
        nonlocal read
        if isinstance(node, Marked) and node.kind == "album" and node.name:
            saved = smart(node.name)
            if saved is None:
                return node
            key, read = album_key(node.name), read + 1
            if key in trail:
                raise SavedQueryError(f"smart album '{key}' refers to itself: {' → '.join((*trail, key))}")
            if len(trail) >= MAX_SMART_DEPTH or read > MAX_SMART_EXPANSIONS:
                raise SavedQueryError(f"smart albums nest too deep or too often: {' → '.join((*trail, key))}")
            root = parse_saved(saved).root
            if root is None:
                raise SavedQueryError(f"smart album '{key}' asks for nothing")
            return walk(root, (*trail, key))
        if isinstance(node, Not):
            return Not(walk(node.node, trail))
        if isinstance(node, (And, Or)):
            return type(node)(tuple(walk(child, trail) for child in node.nodes))
        return node

    return Query(walk(query.root, ()), query.limit, query.text)


def check_saved(name: str, text: str, smart: SmartLookup, gazetteer: Gazetteer | None = None) -> None:
    """A query about to be saved as the smart album `name` (with smart: her other smart albums): it must parse, ask
    for something and not lead back to `name`; else a QueryError."""
    query = parse(text, gazetteer)
    if query.root is None:
        raise SavedQueryError(f"'{text}' asks for nothing: a smart album needs words to search")
    key = album_key(name)

    def as_saved(other: str) -> str | None:
        return text if album_key(other) == key else smart(other)

    expand_smart(Query(Marked("album", name)), as_saved, lambda saved: parse(saved, gazetteer))


class PeopleLookup(Protocol):
    """The asker's named people (see services/people): their names, and each one's faces."""

    def names(self) -> frozenset[str]: ...

    def faces(self, name: str) -> frozenset[tuple[str, int]]: ...


def resolve_asker(query: Query, marks: MarkLookup | None, people: PeopleLookup | None,
                  similar: SimilarLookup | None = None) -> Query:
    """The query with what only the asker knows filled in: each Marked node as the ids it holds for her, each Named
    person as her faces, each Similar photo as its neighbours among hers (nothing without a lookup, or for a photo
    she cannot see)."""
    def walk(node: Node | None) -> Node | None:
        if isinstance(node, Marked):
            return Ids(frozenset(marks(node) if marks else ()))
        if isinstance(node, Similar):
            return Alike(node.photo, tuple((similar(node.photo) or []) if similar else ()))
        if isinstance(node, Rated):
            return rated(node, marks)
        if isinstance(node, Named):
            return FacesOf(node.name, people.faces(node.name) if people else frozenset())
        if isinstance(node, Person):
            return Person(tuple(walk(word) for word in node.words))
        if isinstance(node, Not):
            return Not(walk(node.node))
        if isinstance(node, (And, Or)):
            return type(node)(tuple(walk(child) for child in node.nodes))
        return node

    return Query(walk(query.root), query.limit, query.text)


def rated(node: Rated, marks: MarkLookup | None) -> Node:
    """Her own rating wins over the file's: the photos she rated so, or that she left unrated and whose file is."""
    by_file = FileRating(node.low, node.high)
    hers = marks(ALL_STARS) if marks else set()
    if not hers:
        return by_file
    return Or((Ids(frozenset(marks(node))), And((by_file, Not(Ids(frozenset(hers)))))))


def asks_asker(node: Node | None) -> bool:
    """Whether the query holds a mark, a rating, a named person or a similar photo (see resolve_asker)."""
    if isinstance(node, (Marked, Named, Rated, Similar)):
        return True
    if isinstance(node, Not):
        return asks_asker(node.node)
    if isinstance(node, Person):
        return any(isinstance(word, Named) for word in node.words)
    return isinstance(node, (And, Or)) and any(asks_asker(child) for child in node.nodes)


class SearchService:
    """Parses, runs on the index off the event loop, and shapes the answer; errors are QueryError/CursorError."""

    def __init__(self, index: Index, readers: ReaderPool | None = None):
        self.index = index
        self.readers = readers  # reader processes that answer searches and suggestions, if any
        self.reads: Executor | None = None  # the threads its blocking work runs on (None: asyncio's default ones)
        self.gazetteer = Gazetteer()

    def _plan(self, text: str, cursor: str | None, limit: int | None, marks: MarkLookup | None,
              people: PeopleLookup | None, similar: SimilarLookup | None,
              smart: SmartLookup | None) -> tuple[Query, int, int]:
        """The query as an index runs it (her smart albums expanded, what only she knows filled in), with its
        offset and page size; blocking (her lookups read the store)."""
        names = people.names() if people else frozenset()
        query = parse(text, self.gazetteer, names)
        if smart is not None:
            query = expand_smart(query, smart, lambda saved: parse(saved, self.gazetteer, names))
        query = resolve_asker(query, marks, people, similar) if asks_asker(query.root) else query
        offset = decode_cursor(cursor)
        size = min(limit or query.limit or DEFAULT_LIMIT, MAX_LIMIT)
        if query.limit:  # `limit:N` is the most the search finds, however it is paged
            size = max(1, min(size, query.limit - offset))
        return query, offset, size

    def search_sync(self, text: str, roots: list[str] | None, cursor: str | None = None,
                    limit: int | None = None, explain: bool = False, marks: MarkLookup | None = None,
                    people: PeopleLookup | None = None, similar: SimilarLookup | None = None,
                    smart: SmartLookup | None = None) -> dict:
        query, offset, size = self._plan(text, cursor, limit, marks, people, similar, smart)
        return shape(within_limit(self.index.search(query, roots, offset, size, explain), query, offset), explain)

    async def search(self, text: str, roots: list[str] | None, cursor: str | None = None,
                     limit: int | None = None, explain: bool = False, marks: MarkLookup | None = None,
                     people: PeopleLookup | None = None, similar: SimilarLookup | None = None,
                     smart: SmartLookup | None = None) -> dict:
        """marks: the asker's ids for `favorite` and `album:NAME`; people: her named people; similar: her photos
        like one of hers; smart: her smart albums' queries (all read off the event loop); without them those words
        find nothing."""
        if self.readers is None:  # her lookups, the query's parse and its run: one hop off the event loop
            return await off_loop(self.reads, self.search_sync, text, roots, cursor, limit, explain, marks, people,
                                        similar, smart)
        query, offset, size = await off_loop(self.reads, self._plan, text, cursor, limit, marks, people, similar, smart)
        result = await self._run("search", query, roots, offset, size, explain)
        return shape(within_limit(result, query, offset), explain)

    def check_saved(self, name: str, text: str, smart: SmartLookup) -> None:
        """See check_saved: with this service's place names."""
        check_saved(name, text, smart, self.gazetteer)

    async def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]:
        return await self._run("suggest", prefix, roots, limit)

    async def timeline(self, roots: list[str]) -> list[Month]:
        return await self._run("timeline", roots)

    async def on_this_day(self, roots: list[str], day: int, before: float, limit: int) -> tuple[list[str], int]:
        return await self._run("on_this_day", roots, day, before, limit)

    async def clusters(self, roots: list[str], box: tuple[float, float, float, float], zoom: int) -> list[MapCluster]:
        return await self._run("clusters", roots, box, zoom)

    async def _run(self, method: str, *args):
        if self.readers is not None:
            return await self.readers.call(method, *args)
        return await off_loop(self.reads, getattr(self.index, method), *args)

    def close(self) -> None:
        self.index.close()
        if self.readers is not None:
            self.readers.close()


def within_limit(result: SearchResult, query: Query, offset: int) -> SearchResult:
    """The page as far as the query's `limit:N` reaches: its total at most N, no page after the Nth hit."""
    if not query.limit:
        return result
    result.hits = result.hits[:max(0, query.limit - offset)]
    result.total = min(result.total, query.limit)
    if result.next_offset is not None and result.next_offset >= query.limit:
        result.next_offset = None
    return result


def shape(result: SearchResult, explain: bool) -> dict:
    hits = []
    for hit in result.hits:
        item = {"id": hit.id, "path": hit.path, "paths": hit.paths, "score": hit.score, "matched": hit.matched,
                "stars": hit.stars}
        if explain:
            item["explain"] = hit.explain
        hits.append(item)
    return {"total": result.total, "partial": result.partial, "hits": hits, "facets": result.facets,
            "next_cursor": encode_cursor(result.next_offset)}


__all__ = ["SearchService", "QueryError", "CursorError", "SavedQueryError"]
