"""The search service's query API, used by the CLI and the gateway: text in, the `search --json` shape out."""
from __future__ import annotations

import asyncio
import base64
import json
from typing import Callable

from services.search.index.browse import Month
from services.search.index.port import Index, MapCluster, SearchResult
from services.search.pool import ReaderPool
from services.search.query.ast import And, Ids, Marked, Node, Not, Or, Query
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


MarkLookup = Callable[[Marked], set[str]]  # the asker's ids for one of her marks (favourites, an album)


def resolve_marks(query: Query, lookup: MarkLookup | None) -> Query:
    """The query with each Marked node replaced by the ids it holds for the asker (none without a lookup)."""
    def walk(node: Node | None) -> Node | None:
        if isinstance(node, Marked):
            return Ids(frozenset(lookup(node) if lookup else ()))
        if isinstance(node, Not):
            return Not(walk(node.node))
        if isinstance(node, (And, Or)):
            return type(node)(tuple(walk(child) for child in node.nodes))
        return node

    return Query(walk(query.root), query.limit, query.text)


def has_marks(node: Node | None) -> bool:
    if isinstance(node, Marked):
        return True
    if isinstance(node, Not):
        return has_marks(node.node)
    return isinstance(node, (And, Or)) and any(has_marks(child) for child in node.nodes)


class SearchService:
    """Parses, runs on the index off the event loop, and shapes the answer; errors are QueryError/CursorError."""

    def __init__(self, index: Index, readers: ReaderPool | None = None):
        self.index = index
        self.readers = readers  # reader processes that answer searches and suggestions, if any
        self.gazetteer = Gazetteer()

    def _plan(self, text: str, cursor: str | None, limit: int | None) -> tuple[Query, int, int]:
        query = parse(text, self.gazetteer)
        return query, decode_cursor(cursor), min(limit or query.limit or DEFAULT_LIMIT, MAX_LIMIT)

    def search_sync(self, text: str, roots: list[str] | None, cursor: str | None = None,
                    limit: int | None = None, explain: bool = False, marks: MarkLookup | None = None) -> dict:
        query, offset, size = self._plan(text, cursor, limit)
        query = resolve_marks(query, marks) if has_marks(query.root) else query
        return shape(self.index.search(query, roots, offset, size, explain), explain)

    async def search(self, text: str, roots: list[str] | None, cursor: str | None = None,
                     limit: int | None = None, explain: bool = False, marks: MarkLookup | None = None) -> dict:
        """marks: the asker's ids for `favorite` and `album:NAME` (read off the event loop); without it they
        find nothing."""
        query, offset, size = self._plan(text, cursor, limit)
        if has_marks(query.root):
            query = await asyncio.to_thread(resolve_marks, query, marks)
        return shape(await self._run("search", query, roots, offset, size, explain), explain)

    async def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]:
        return await self._run("suggest", prefix, roots, limit)

    async def timeline(self, roots: list[str]) -> list[Month]:
        return await self._run("timeline", roots)

    async def clusters(self, roots: list[str], box: tuple[float, float, float, float], zoom: int) -> list[MapCluster]:
        return await self._run("clusters", roots, box, zoom)

    async def _run(self, method: str, *args):
        if self.readers is not None:
            return await self.readers.call(method, *args)
        return await asyncio.to_thread(getattr(self.index, method), *args)

    def close(self) -> None:
        self.index.close()
        if self.readers is not None:
            self.readers.close()


def shape(result: SearchResult, explain: bool) -> dict:
    hits = []
    for hit in result.hits:
        item = {"id": hit.id, "path": hit.path, "paths": hit.paths, "score": hit.score, "matched": hit.matched}
        if explain:
            item["explain"] = hit.explain
        hits.append(item)
    return {"total": result.total, "partial": result.partial, "hits": hits, "facets": result.facets,
            "next_cursor": encode_cursor(result.next_offset)}


__all__ = ["SearchService", "QueryError", "CursorError"]
