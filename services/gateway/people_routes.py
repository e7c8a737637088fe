"""The people API: a signed-in user's people (from her photos only), named and merged by her."""
from __future__ import annotations

import asyncio

from aiohttp import web

from services.gateway.faces import box_area, face_crop
from services.gateway.models import MergeBody, NameBody
from services.gateway.resources import kept_open, quick_read
from services.gateway.responses import json_response
from services.gateway.security import error, session_of
from services.gateway.validation import parse_body
from services.people.book import PeopleBook, PersonError, UnknownPerson
from services.people.service import NamedPeople, open_book, refreshed
from services.gateway.previews import PREVIEWS
from services.pipeline.layout import THUMB_SIZES

PEOPLE = web.AppKey("people", PeopleBook)


def open_people(gateway):
    """The people book, opened beside the record store and closed with the app."""
    return kept_open(PEOPLE, lambda: open_book(gateway.data_dir))


def lookup_for(request: web.Request) -> NamedPeople:
    """The search API's people lookup for the signed-in user: her names, her people's faces."""
    from services.gateway.app import gw

    user = session_of(request).user
    return NamedPeople(request.app[PEOPLE], gw(request).store, user.name, list(user.roots))


async def acted(request: web.Request, act):
    """Bring her people up to date, then act on them off the event loop; her ids only, errors as 400/404."""
    from services.gateway.app import gw

    user = session_of(request).user
    owner, roots = user.name, list(user.roots)

    def run():
        return act(refreshed(request.app[PEOPLE], gw(request).store, owner, roots), owner, roots)
    try:
        return await asyncio.to_thread(run)
    except UnknownPerson as exc:
        raise error(web.HTTPNotFound, str(exc)) from None
    except PersonError as exc:
        raise error(web.HTTPBadRequest, str(exc)) from None


async def answer(request: web.Request, act) -> web.Response:
    return json_response(await acted(request, act))


def person_id(request: web.Request, value) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    raise error(web.HTTPNotFound, "no such person")


async def list_people(request: web.Request) -> web.Response:
    return await answer(request, lambda book, owner, roots: {"people": book.people(owner, roots)})


async def show_person(request: web.Request) -> web.Response:
    person = person_id(request, request.match_info["id"])
    return await answer(request, lambda book, owner, roots: book.photos(owner, roots, person))


async def person_face(request: web.Request) -> web.Response:
    """Her person's largest face among her photos, as a square JPEG (the gallery rounds it)."""
    from services.gateway.app import scoped_card

    person = person_id(request, request.match_info["id"])
    shown = await acted(request, lambda book, owner, roots: book.photos(owner, roots, person))
    if not shown["photos"]:
        raise error(web.HTTPNotFound, "no face of this person in your photos")
    best = max(shown["photos"], key=lambda photo: box_area(photo["box"]))
    roots = session_of(request).user.roots
    _, original = await quick_read(request, scoped_card, request, best["id"], roots)
    thumb = await request.app[PREVIEWS].path(best["id"], max(THUMB_SIZES), original, roots)
    try:
        body = await asyncio.to_thread(face_crop, thumb, best["box"]) if thumb else None
    except OSError:  # a thumbnail that cannot be read
        body = None
    if body is None:
        raise error(web.HTTPNotFound, "no thumbnail to show this face from")
    return web.Response(body=body, content_type="image/jpeg", headers={"Cache-Control": "private, no-cache"})


async def name_person(request: web.Request) -> web.Response:
    person = person_id(request, request.match_info["id"])
    name = (await parse_body(request, NameBody)).name
    return await answer(request, lambda book, owner, roots: book.name(owner, person, name))


async def merge_person(request: web.Request) -> web.Response:
    person = person_id(request, request.match_info["id"])
    into = (await parse_body(request, MergeBody)).into
    return await answer(request, lambda book, owner, roots: book.merge(owner, person, into))
