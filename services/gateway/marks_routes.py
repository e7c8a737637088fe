"""A user's favourites and albums over HTTP: only photos under her roots can be marked, only her albums are seen
or changed (another's album id is a 404)."""
from __future__ import annotations

import asyncio

from aiohttp import web

from services.gateway import models as m
from services.gateway.resources import kept_open
from services.gateway.responses import json_response
from services.gateway.security import error, session_of
from services.gateway.validation import parse_body
from services.search.marks import AlbumError, Marks, UnknownAlbum

MARKS = web.AppKey("marks", Marks)


def open_marks(gateway):
    """The marks, on the record store's file, closed with the app."""
    return kept_open(MARKS, lambda: Marks(gateway.store.path))


def marks_of(request: web.Request) -> Marks:
    return request.app[MARKS]


def lookup_for(request: web.Request):
    """The search API's mark lookup for the signed-in user (see SearchService.search)."""
    return marks_of(request).lookup(session_of(request).user.name)


async def favorite_flags(request: web.Request, items: list[dict]) -> None:
    """Mark each photo item or hit with whether it is her favourite."""
    liked = await asyncio.to_thread(marks_of(request).favorites, session_of(request).user.name,
                                    [item["id"] for item in items])
    for item in items:
        item["favorite"] = item["id"] in liked


async def mine(request: web.Request) -> str:
    """The photo id of the path, if the photo is under her roots (else a 404)."""
    from services.gateway.app import scoped_record

    photo_id = request.match_info["id"]
    await asyncio.to_thread(scoped_record, request, photo_id, session_of(request).user.roots)
    return photo_id


async def set_favorite(request: web.Request) -> web.Response:
    photo_id, on = await mine(request), request.method == "PUT"
    await asyncio.to_thread(marks_of(request).favorite, session_of(request).user.name, photo_id, on)
    return json_response({"id": photo_id, "favorite": on})


async def set_favorites(request: web.Request) -> web.Response:
    """Many of her photos made favourites, or favourites no more, at once (all hers, or none changed)."""
    from services.gateway.app import scoped_record

    body, user = await parse_body(request, m.FavoritesBody), session_of(request).user
    ids = list(dict.fromkeys(body.ids))

    def mark() -> None:
        for photo_id in ids:
            scoped_record(request, photo_id, user.roots)
        for photo_id in ids:
            marks_of(request).favorite(user.name, photo_id, body.favorite)

    await asyncio.to_thread(mark)
    return json_response({"ids": ids, "favorite": body.favorite})


def album_id(request: web.Request) -> int:
    raw = request.match_info["album"]
    if not raw.isdigit() or len(raw) > 18:
        raise error(web.HTTPNotFound, "no such album")
    return int(raw)


async def on_albums(request: web.Request, act, status: int = 200) -> web.Response:
    """Act on her albums off the event loop, then answer with her album list or act's own answer."""
    user = session_of(request).user
    try:
        made = await asyncio.to_thread(act, marks_of(request), user.name)
    except UnknownAlbum as exc:
        raise error(web.HTTPNotFound, str(exc)) from None
    except AlbumError as exc:
        raise error(web.HTTPBadRequest, str(exc)) from None
    return json_response(made, status=status)


async def list_albums(request: web.Request) -> web.Response:
    roots = list(session_of(request).user.roots)
    return await on_albums(request, lambda marks, owner: {"items": marks.albums(owner, roots)})


async def create_album(request: web.Request) -> web.Response:
    name = (await parse_body(request, m.AlbumBody)).name
    return await on_albums(request, lambda marks, owner: marks.create_album(owner, name), status=201)


async def delete_album(request: web.Request) -> web.Response:
    album = album_id(request)
    return await on_albums(request, lambda marks, owner: marks.delete_album(owner, album) or {"ok": True})


async def add_to_album(request: web.Request) -> web.Response:
    from services.gateway.app import scoped_record

    album, ids = album_id(request), (await parse_body(request, m.AlbumPhotosBody)).ids
    roots = session_of(request).user.roots

    def add(marks: Marks, owner: str) -> dict:
        for photo_id in ids:
            scoped_record(request, photo_id, roots)
        marks.add(owner, album, ids)
        return next(a for a in marks.albums(owner, list(roots)) if a["id"] == album)

    return await on_albums(request, add)


async def remove_from_album(request: web.Request) -> web.Response:
    album, photo_id = album_id(request), request.match_info["id"]
    return await on_albums(request, lambda marks, owner: marks.remove(owner, album, photo_id) or {"ok": True})
