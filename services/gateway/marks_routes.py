"""A user's favourites, albums and ratings over HTTP: only photos under her roots can be marked, only her albums are
seen or changed (another's album id is a 404). Her own rating of a photo wins over its file's XMP rating. A smart
album is a saved search: its query is checked when saved (it parses and does not lead back to itself) and run when
listed or opened (`album:NAME`), so it always shows what the search finds now."""
from __future__ import annotations

import asyncio

from aiohttp import web

from services.gateway import models as m
from services.gateway.resources import kept_open, quick_read
from services.gateway.responses import json_response
from services.gateway.security import error, session_of
from services.gateway.validation import parse_body
from services.search.api import QueryError
from services.search.marks import AlbumError, Marks, UnknownAlbum, album_key, album_name

MARKS = web.AppKey("marks", Marks)


def open_marks(gateway):
    """The marks, on the record store's file, closed with the app."""
    return kept_open(MARKS, lambda: Marks(gateway.store.path))


def marks_of(request: web.Request) -> Marks:
    return request.app[MARKS]


def lookup_for(request: web.Request):
    """The search API's mark lookup for the signed-in user (see SearchService.search)."""
    return marks_of(request).lookup(session_of(request).user.name)


def smart_for(request: web.Request):
    """The search API's smart album lookup for the signed-in user (see SearchService.search)."""
    return marks_of(request).smart(session_of(request).user.name)


async def mark_flags(request: web.Request, items: list[dict], files: dict[str, int]) -> None:
    """Mark each photo item or hit with whether it is her favourite and its rating (hers, else the file's stars,
    given by the caller from what it already read)."""
    owner, ids = session_of(request).user.name, [item["id"] for item in items]

    def read() -> tuple[set[str], dict[str, int]]:
        marks = marks_of(request)
        return marks.favorites(owner, ids), marks.ratings(owner, ids)

    liked, hers = await quick_read(request, read)
    for item in items:
        item["favorite"] = item["id"] in liked
        item.update(rating_of(item["id"], hers, files))


def rating_of(photo_id: str, hers: dict[str, int], files: dict[str, int]) -> dict:
    """Her stars for the photo if she gave some, else its file's."""
    if photo_id in hers:
        return {"rating": hers[photo_id], "rated_by": "you"}
    return {"rating": files.get(photo_id, 0), "rated_by": "file"}


async def mine(request: web.Request) -> str:
    """The photo id of the path, if the photo is under her roots (else a 404)."""
    from services.gateway.app import scoped_card

    photo_id = request.match_info["id"]
    await quick_read(request, scoped_card, request, photo_id, session_of(request).user.roots)
    return photo_id


async def set_favorite(request: web.Request) -> web.Response:
    photo_id, on = await mine(request), request.method == "PUT"
    await asyncio.to_thread(marks_of(request).favorite, session_of(request).user.name, photo_id, on)
    return json_response({"id": photo_id, "favorite": on})


async def set_favorites(request: web.Request) -> web.Response:
    """Many of her photos made favourites, or favourites no more, at once (all hers, or none changed)."""
    from services.gateway.app import scoped_card

    body, user = await parse_body(request, m.FavoritesBody), session_of(request).user
    ids = list(dict.fromkeys(body.ids))

    def mark() -> None:
        for photo_id in ids:
            scoped_card(request, photo_id, user.roots)
        for photo_id in ids:
            marks_of(request).favorite(user.name, photo_id, body.favorite)

    await asyncio.to_thread(mark)
    return json_response({"ids": ids, "favorite": body.favorite})


async def set_rating(request: web.Request) -> web.Response:
    """PUT: her stars for the photo; DELETE: hers no more (the file's rating shows again)."""
    from services.gateway.app import scoped_card

    photo_id, user = request.match_info["id"], session_of(request).user
    stars = (await parse_body(request, m.RatingBody)).rating if request.method == "PUT" else None

    def rate() -> dict:
        card, _ = scoped_card(request, photo_id, user.roots)
        marks_of(request).rate(user.name, [photo_id], stars)
        return {"id": photo_id, **rating_of(photo_id, {} if stars is None else {photo_id: stars},
                                            {photo_id: card.stars})}

    return json_response(await asyncio.to_thread(rate))


async def set_ratings(request: web.Request) -> web.Response:
    """Her stars for many of her photos at once, or hers taken away (all hers, or none changed)."""
    from services.gateway.app import scoped_card

    body, user = await parse_body(request, m.RatingsBody), session_of(request).user
    ids = list(dict.fromkeys(body.ids))

    def rate() -> list[dict]:
        files = {photo_id: scoped_card(request, photo_id, user.roots)[0].stars for photo_id in ids}
        marks_of(request).rate(user.name, ids, body.rating)
        hers = {} if body.rating is None else dict.fromkeys(ids, body.rating)
        return [{"id": photo_id, **rating_of(photo_id, hers, files)} for photo_id in ids]

    items = await asyncio.to_thread(rate)
    return json_response({"ids": ids, "rating": body.rating, "items": items})


def album_id(request: web.Request) -> int:
    raw = request.match_info["album"]
    if not raw.isdigit() or len(raw) > 18:
        raise error(web.HTTPNotFound, "no such album")
    return int(raw)


async def on_albums(request: web.Request, act, status: int = 200) -> web.Response:
    """Act on her albums off the event loop, then answer with her album list or act's own answer (smart albums
    counted as their searches find now)."""
    user = session_of(request).user
    try:
        made = await asyncio.to_thread(act, marks_of(request), user.name)
    except UnknownAlbum as exc:
        raise error(web.HTTPNotFound, str(exc)) from None
    except (AlbumError, QueryError) as exc:
        raise error(web.HTTPBadRequest, str(exc)) from None
    for album in made.get("items", [made]):
        if album.get("smart"):
            await count_smart(request, album)
    return json_response(made, status=status)


async def count_smart(request: web.Request, album: dict) -> None:
    """A smart album's count and cover: what `album:NAME` finds for her now (its first hit is the cover)."""
    from services.gateway.app import asker_lookups, gw

    try:
        found = await gw(request).search.search(album["query"], list(session_of(request).user.roots), None, 1,
                                                **asker_lookups(request))
    except QueryError:  # saved before a smart album it names was changed to lead back to it: it finds nothing
        found = {"total": 0, "hits": []}
    album.update(count=found["total"], cover=found["hits"][0]["id"] if found["hits"] else None)


def check_smart(request: web.Request, marks: Marks, owner: str, name: str, query: str, old: str | None = None):
    """The query about to be saved as her smart album `name` (old: its name until now): it parses and leads nowhere
    back to itself, else a QueryError (blocking)."""
    from services.gateway.app import gw

    def saved(other: str) -> str | None:
        return None if old is not None and album_key(other) == album_key(old) else marks.saved_query(owner, other)

    gw(request).search.check_saved(album_name(name), query, saved)


async def list_albums(request: web.Request) -> web.Response:
    roots = list(session_of(request).user.roots)
    return await on_albums(request, lambda marks, owner: {"items": marks.albums(owner, roots)})


async def create_album(request: web.Request) -> web.Response:
    """An album of photos, or a smart album: a named search (its query)."""
    body = await parse_body(request, m.AlbumBody)

    def create(marks: Marks, owner: str) -> dict:
        if body.query is not None:
            check_smart(request, marks, owner, body.name, body.query)
        return marks.create_album(owner, body.name, body.query)

    return await on_albums(request, create, status=201)


async def change_album(request: web.Request) -> web.Response:
    """Rename one of her albums, or give a smart album a new search."""
    album, body = album_id(request), await parse_body(request, m.AlbumChange)
    if body.name is None and body.query is None:
        raise error(web.HTTPBadRequest, "give a new name, a new query (a smart album's), or both")
    roots = list(session_of(request).user.roots)

    def change(marks: Marks, owner: str) -> dict:
        now = marks.album(owner, album, roots)
        if now["smart"]:
            check_smart(request, marks, owner, body.name or now["name"], body.query or now["query"], now["name"])
        marks.change_album(owner, album, body.name, body.query)
        return marks.album(owner, album, roots)

    return await on_albums(request, change)


async def delete_album(request: web.Request) -> web.Response:
    album = album_id(request)
    return await on_albums(request, lambda marks, owner: marks.delete_album(owner, album) or {"ok": True})


async def add_to_album(request: web.Request) -> web.Response:
    from services.gateway.app import scoped_card

    album, ids = album_id(request), (await parse_body(request, m.AlbumPhotosBody)).ids
    roots = session_of(request).user.roots

    def add(marks: Marks, owner: str) -> dict:
        for photo_id in ids:
            scoped_card(request, photo_id, roots)
        marks.add(owner, album, ids)
        return marks.album(owner, album, list(roots))

    return await on_albums(request, add)


async def remove_from_album(request: web.Request) -> web.Response:
    album, photo_id = album_id(request), request.match_info["id"]
    return await on_albums(request, lambda marks, owner: marks.remove(owner, album, photo_id) or {"ok": True})
