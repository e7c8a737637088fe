"""The people API: a signed-in user's people (from her photos only), named and merged by her."""
from __future__ import annotations

import asyncio

from aiohttp import web

from services.gateway.security import error, session_of
from services.people.book import PeopleBook, PersonError, UnknownPerson
from services.people.service import open_book, refreshed

PEOPLE = web.AppKey("people", PeopleBook)


def register(app: web.Application, gateway) -> None:
    """Add the routes and the people book (opened beside the record store, closed with the app)."""
    async def book(app: web.Application):
        app[PEOPLE] = open_book(gateway.data_dir)
        yield
        app[PEOPLE].close()

    app.cleanup_ctx.append(book)
    app.add_routes([web.get("/api/people", list_people), web.get("/api/people/{id}", show_person),
                    web.patch("/api/people/{id}", name_person), web.post("/api/people/{id}/merge", merge_person)])


async def answer(request: web.Request, act) -> web.Response:
    """Bring her people up to date, then act on them off the event loop; her ids only, errors as 400/404."""
    from services.gateway.app import gw

    user = session_of(request).user
    owner, roots = user.name, list(user.roots)

    def run():
        return act(refreshed(request.app[PEOPLE], gw(request).store, owner, roots), owner, roots)
    try:
        return web.json_response(await asyncio.to_thread(run))
    except UnknownPerson as exc:
        raise error(web.HTTPNotFound, str(exc)) from None
    except PersonError as exc:
        raise error(web.HTTPBadRequest, str(exc)) from None


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


async def name_person(request: web.Request) -> web.Response:
    from services.gateway.app import body_json

    person = person_id(request, request.match_info["id"])
    name = (await body_json(request)).get("name")
    if not isinstance(name, str):
        raise error(web.HTTPBadRequest, "name must be a string")
    return await answer(request, lambda book, owner, roots: book.name(owner, person, name))


async def merge_person(request: web.Request) -> web.Response:
    from services.gateway.app import body_json

    person = person_id(request, request.match_info["id"])
    into = (await body_json(request)).get("into")
    if not isinstance(into, int) or isinstance(into, bool):
        raise error(web.HTTPBadRequest, "into must be a person id")
    return await answer(request, lambda book, owner, roots: book.merge(owner, person, into))
