"""The gateway: an aiohttp app serving the REST API, media by id, and the web gallery to signed-in users."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from dataclasses import dataclass, field
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from proto import pb
from services.gateway import (
    admin_routes, browse_routes, downloads_routes, duplicates_routes, marks_routes, people_routes, similar_routes,
    uploads_routes, vendor,
)
from services.gateway.browse_routes import photos_cursor
from services.gateway.audit import AuditLog, request_ids
from services.gateway import models as m
from services.gateway.openapi import Api, build
from services.gateway.previews import PREVIEWS, open_previews
from services.gateway.resources import READS, quick_read
from services.gateway.responses import json_response
from services.gateway.security import (
    SESSION_COOKIE, LoginThrottle, make_auth_middleware, make_forwarded_middleware, make_headers_middleware,
    require_admin, require_password_session, session_of,
)
from services.gateway.settings import GatewaySettings
from services.gateway.users import User, UserError, UserStore, check_roots
from services.gateway.views import PATH_KEYS, hit_view, path_words, photo_view
from services.gateway.validation import MAX_BODY, error, errors_middleware, parse_body, parse_query
from services.gateway.downloads import attachment, media_type
from services.media.containment import open_inside
from services.search.api import CursorError, QueryError, SearchService
from services.search.index.browse import month_of
from services.search.marks import Marks
from services.search.record_view import reasons_of, record_to_dict
from services.search.store import Card, RecordStore, file_stars, under_roots

WEB_DIR = Path(__file__).parent / "web"
SHARE_MAX_PHOTOS = m.SHARE_MAX_PHOTOS


@dataclass
class Ops:
    """What the process hosting the gateway can do for admins (embedded mode wires all of it)."""

    rescan: Callable[[], Awaitable[int]] | None = None
    ingest: Callable[[Path], Awaitable[dict]] | None = None  # one file through ingest now: {"outcome", "id", "reason"}
    dead_letters: Callable[[], Awaitable[list[dict]]] | None = None
    replay: Callable[[str], Awaitable[int]] | None = None
    queues: Callable[[], Awaitable[dict[str, int]]] | None = None
    registry: CollectorRegistry | None = None


@dataclass
class Gateway:
    settings: GatewaySettings
    data_dir: Path
    store: RecordStore
    search: SearchService
    users: UserStore
    ops: Ops = field(default_factory=Ops)
    throttle: LoginThrottle | None = None
    rates: dict[str, tuple[float, int]] = field(default_factory=dict)
    audit: AuditLog | None = None


GATEWAY = web.AppKey("gateway", Gateway)


async def _owned_resources(app: web.Application):
    """Close what the gateway opened itself (users, its search index) when the app stops; the store is the host's."""
    yield
    gateway = app[GATEWAY]
    app[READS].shutdown()
    gateway.users.close()
    gateway.search.close()


def create_app(gateway: Gateway) -> web.Application:
    gateway.throttle = gateway.throttle or LoginThrottle(gateway.settings.login_attempts,
                                                         gateway.settings.login_window_seconds)
    gateway.audit = gateway.audit or AuditLog(gateway.data_dir / "audit.log")
    app = web.Application(middlewares=[errors_middleware, make_forwarded_middleware(gateway.settings.trusted_proxies),
                                       request_ids, make_headers_middleware(gateway.settings.allowed_origins,
                                                                            tuple(filter(None, [gateway.settings.tile_origin]))),
                                       make_auth_middleware(gateway.users, gateway.settings.allowed_origins)],
                          client_max_size=MAX_BODY)
    app[GATEWAY] = gateway
    app[READS] = gateway.search.reads = ThreadPoolExecutor(1, thread_name_prefix="gateway-reads")
    app.cleanup_ctx.append(_owned_resources)
    app.cleanup_ctx.append(open_previews(gateway.data_dir, gateway.settings.preview_seconds))
    app.add_routes([web.route(api.method, api.path, api.handler) for api in ROUTES])
    app.cleanup_ctx.append(people_routes.open_people(gateway))
    app.cleanup_ctx.append(marks_routes.open_marks(gateway))
    app.cleanup_ctx.append(duplicates_routes.open_duplicates(gateway))
    app.cleanup_ctx.append(similar_routes.open_similar(gateway))
    app.cleanup_ctx.append(downloads_routes.open_downloads(gateway))
    return app


def gw(request: web.Request) -> Gateway:
    return request.app[GATEWAY]


def user_of(request: web.Request) -> User:
    return session_of(request).user


# -- pages ------------------------------------------------------------------------------------------

async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-store"})


STATIC_FILES = {path.name for path in (WEB_DIR / "static").iterdir() if path.is_file()}


async def static(request: web.Request) -> web.FileResponse:
    """The gallery's own scripts and styles and its vendored libraries, by name from fixed lists (nothing else on
    disk is reachable)."""
    name = request.match_info["name"]
    if name in STATIC_FILES:
        return web.FileResponse(WEB_DIR / "static" / name, headers={"Cache-Control": "no-cache"})
    path = gw(request).settings.assets_dir / name
    if name not in vendor.FILES or not path.is_file():
        raise error(web.HTTPNotFound, "no such file" if name not in vendor.FILES else
                    "the gallery's libraries are not built: run `picsift models build`")
    return web.FileResponse(path, headers={"Cache-Control": "no-cache"})


async def openapi(request: web.Request) -> web.Response:
    return json_response(OPENAPI)


# -- auth -------------------------------------------------------------------------------------------

async def login(request: web.Request) -> web.Response:
    g = gw(request)
    body = await parse_body(request, m.LoginBody)
    name, password = body.username.strip().lower(), body.password
    address = request.remote or ""
    wait = g.throttle.blocked(name, address)
    if wait:
        await g.audit.record(request, "login.paused", name)
        raise web.HTTPTooManyRequests(text=json.dumps({"error": f"too many attempts; try again in {wait:.0f}s"}),
                                      content_type="application/json", headers={"Retry-After": str(int(wait) + 1)})
    user = await asyncio.to_thread(g.users.verify, name, password)
    if user is None:
        g.throttle.failed(name, address)
        await g.audit.record(request, "login.failed", name)
        raise error(web.HTTPUnauthorized, "wrong user name or password")
    g.throttle.succeeded(name, address)
    await g.audit.record(request, "login", user.name)
    token, csrf = await asyncio.to_thread(g.users.open_session, user, g.settings.session_hours)
    response = json_response({"user": user.public(), "csrf": csrf})
    set_session_cookie(request, response, token)
    return response


def set_session_cookie(request: web.Request, response: web.Response, token: str) -> None:
    g = gw(request)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict",
                        secure=g.settings.secure_cookies or request.secure,
                        max_age=int(g.settings.session_hours * 3600), path="/")


async def logout(request: web.Request) -> web.Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await asyncio.to_thread(gw(request).users.close_session, token)
        session = session_of(request)
        await gw(request).audit.record(request, "logout", session.user.name if session else None)
    response = json_response({"ok": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def me(request: web.Request) -> web.Response:
    session = session_of(request)
    return json_response({"user": session.user.public(), "csrf": session.csrf})


def signed_in(request: web.Request) -> User:
    """The user of a session signed in with a password (see require_password_session)."""
    return require_password_session(request, "sign in with your password for this; an API key cannot").user


async def create_key(request: web.Request) -> web.Response:
    user = signed_in(request)
    body = await parse_body(request, m.KeyBody)
    key = await asyncio.to_thread(gw(request).users.create_api_key, user, body.label, body.days, body.read_only)
    await gw(request).audit.record(request, "key.created", user.name, key=key["id"], read_only=body.read_only,
                                   days=body.days)
    return json_response(key, status=201)


async def list_keys(request: web.Request) -> web.Response:
    return json_response({"items": await asyncio.to_thread(gw(request).users.api_keys, user_of(request))})


async def end_own(request: web.Request, end, event: str, kind: str) -> web.Response:
    """End one of the user's own keys, sessions or shares by its id (another's id is a 404), and audit it."""
    user, item = user_of(request), request.match_info["id"]
    try:
        await asyncio.to_thread(end, user, item)
    except UserError as exc:
        raise error(web.HTTPNotFound, str(exc)) from None
    await gw(request).audit.record(request, event, user.name, **{kind: item})
    return json_response({"ok": True})


async def revoke_key(request: web.Request) -> web.Response:
    return await end_own(request, gw(request).users.revoke_api_key, "key.revoked", "key")


async def change_password(request: web.Request) -> web.Response:
    """The user's own password; every session and API key of hers ends, and this browser is signed in again."""
    g, user = gw(request), signed_in(request)
    body = await parse_body(request, m.PasswordBody)
    current, new = body.current, body.new
    if await asyncio.to_thread(g.users.verify, user.name, current) is None:
        await g.audit.record(request, "password.failed", user.name)
        raise error(web.HTTPForbidden, "the current password is wrong")
    try:
        await asyncio.to_thread(g.users.set_password, user.name, new)
    except UserError as exc:
        raise error(web.HTTPBadRequest, str(exc)) from None
    await g.audit.record(request, "password.changed", user.name)
    token, csrf = await asyncio.to_thread(g.users.open_session, user, g.settings.session_hours)
    response = json_response({"csrf": csrf})
    set_session_cookie(request, response, token)
    return response


async def list_sessions(request: web.Request) -> web.Response:
    session = session_of(request)
    items = await asyncio.to_thread(gw(request).users.sessions, session.user)
    return json_response({"items": [{**item, "current": item["id"] == session.id} for item in items]})


async def end_session(request: web.Request) -> web.Response:
    return await end_own(request, gw(request).users.end_session, "session.ended", "session")


# -- photos and search --------------------------------------------------------------------------------

def photo_item(card: Card, path: str) -> dict:
    return {"id": card.id, "path": path, "taken": card.taken, "width": card.width, "height": card.height,
            "thumb": f"/media/{card.id}/thumb", "place": card.city}


def path_in_scope(record: pb.Record | Card, roots: tuple[str, ...]) -> str | None:
    """The first of the photo's paths under one of the roots, or None: the photo is not the user's."""
    paths = record.paths if len(record.paths) == 1 else sorted(record.paths)
    return next((path for path in paths if under_roots(path, roots)), None)


def scoped_record(request: web.Request, photo_id: str, roots: tuple[str, ...]) -> tuple[pb.Record, str]:
    """The user's photo and its path under her roots (blocking), or a 404."""
    return _in_scope(gw(request).store.get(photo_id), roots)


def scoped_card(request: web.Request, photo_id: str, roots: tuple[str, ...]) -> tuple[Card, str]:
    """The same for a check that needs no more than the photo's card (no record parsed)."""
    return _in_scope(next(iter(gw(request).store.cards([photo_id])), None), roots)


def _in_scope(photo: pb.Record | Card | None, roots: tuple[str, ...]) -> tuple:
    path = path_in_scope(photo, roots) if photo is not None else None
    if photo is None or path is None:
        raise error(web.HTTPNotFound, "no such photo")
    return photo, path


def newest_page(g: "Gateway", marks: Marks, user: User, cursor: tuple[float, str] | None, limit: int) -> dict:
    """The page from the search index's time order, each photo's card from the store with her favourites and
    ratings."""
    cards = g.store.cards(g.search.index.newest(list(user.roots), cursor, limit))
    ids = [card.id for card in cards]
    liked, hers, files = marks.favorites(user.name, ids), marks.ratings(user.name, ids), {c.id: c.stars for c in cards}
    items = [{**photo_item(card, path_in_scope(card, user.roots) or ""), "month": month_of(card.when),
              "favorite": card.id in liked, **marks_routes.rating_of(card.id, hers, files)} for card in cards]
    next_cursor = photos_cursor(cards[-1].when, cards[-1].id) if len(cards) == limit else None
    return {"items": items, "next_cursor": next_cursor}


async def list_photos(request: web.Request) -> web.Response:
    user = user_of(request)
    params = parse_query(request, m.PageQuery)
    limit, cursor = params.limit, None
    if raw := params.cursor:
        try:
            when, last = json.loads(base64.urlsafe_b64decode(raw.encode()))
            cursor = (float(when), str(last))
        except (ValueError, TypeError):
            raise error(web.HTTPBadRequest, "invalid cursor") from None
    return json_response(await quick_read(request, newest_page, gw(request), marks_routes.marks_of(request), user,
                                          cursor, limit))


async def get_photo(request: web.Request) -> web.Response:
    user, marks = user_of(request), marks_routes.marks_of(request)

    def read() -> tuple:
        record, path = scoped_record(request, request.match_info["id"], user.roots)
        return (record, marks.favorites(user.name, [record.id]), marks.albums_of(user.name, record.id),
                marks.ratings(user.name, [record.id]))

    record, liked, albums, hers = await quick_read(request, read)
    return json_response({**photo_view(record_to_dict(record), record, user.roots), "favorite": bool(liked),
                          "albums": albums, **marks_routes.rating_of(record.id, hers, {record.id: file_stars(record)})})


def asker_lookups(request: web.Request) -> dict:
    """What only the signed-in user knows, for her searches: her marks, people, similar photos and smart albums."""
    return {"marks": marks_routes.lookup_for(request), "people": people_routes.lookup_for(request),
            "similar": similar_routes.lookup_for(request), "smart": marks_routes.smart_for(request)}


async def search(request: web.Request) -> web.Response:
    user = user_of(request)
    params = parse_query(request, m.SearchQuery)
    try:
        result = await gw(request).search.search(params.q, list(user.roots), params.cursor, params.limit,
                                                 params.explain, **asker_lookups(request))
    except (QueryError, CursorError) as exc:
        raise error(web.HTTPBadRequest, str(exc)) from None
    hits, files = [], {}
    for hit in result["hits"]:
        files[hit["id"]] = hit.pop("stars")
        matched = len(hit["matched"])
        hit_view(hit, hit.pop("paths"))  # the user's own paths of the photo
        if len(hit["matched"]) < matched:  # it matched through a word of another user's copy of the same bytes
            result["total"] -= 1
            continue
        hit["thumb"] = f"/media/{hit['id']}/thumb"
        hits.append(hit)
    result["hits"] = hits
    await marks_routes.mark_flags(request, hits, files)
    return json_response(result)


async def suggest(request: web.Request) -> web.Response:
    user = user_of(request)
    params = parse_query(request, m.SuggestQuery)
    items = await gw(request).search.suggest(params.q, list(user.roots), 10)
    own = [item for item in items if item["key"] not in PATH_KEYS or await own_path_word(request, item["value"])]
    return json_response({"items": own})


async def own_path_word(request: web.Request, word: str) -> bool:
    """A folder or file-name word is suggested only when one of the user's own paths holds it (another user's copy
    of the same bytes gives the photo that word too)."""
    try:
        found = await gw(request).search.search(f'"{word}"', list(user_of(request).roots), None, m.MAX_PAGE)
    except (QueryError, CursorError):
        return False
    return word in path_words([hit["path"] for hit in found["hits"]])


# -- media -------------------------------------------------------------------------------------------

async def original(request: web.Request) -> web.StreamResponse:
    """The file, opened and then checked to be inside the user's folders on disk (a link swapped in for it, or a
    path that leaves the folders through a linked folder, is a 404), sent from that open descriptor."""
    roots, download = user_of(request).roots, parse_query(request, m.OriginalQuery).download
    _, path = await quick_read(request, scoped_card, request, request.match_info["id"], roots)
    try:
        fd = await asyncio.to_thread(open_inside, path, roots)
    except OSError:
        raise error(web.HTTPNotFound, "no such photo") from None
    name = Path(path).name  # the descriptor's /proc path tells neither its type nor its name
    headers = {"Cache-Control": "private, max-age=3600", "Content-Type": media_type(name),
               "Content-Disposition": attachment(name, "attachment" if download else "inline")}
    return OpenFileResponse(fd, headers=headers)


class OpenFileResponse(web.FileResponse):
    """A file served from a descriptor the handler opened and checked (ranges and caching as FileResponse); the
    descriptor is closed once the response is sent."""

    def __init__(self, fd: int, **options):
        super().__init__(f"/proc/self/fd/{fd}", **options)
        self._fd: int | None = fd

    async def prepare(self, request: web.BaseRequest):
        try:
            return await super().prepare(request)
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


async def thumb_response(request: web.Request, photo_id: str, original: str, roots: tuple[str, ...]) -> web.FileResponse:
    """The asked size of the photo's thumbnail (made now from `original` if it was not made at ingest)."""
    size = parse_query(request, m.ThumbQuery).size
    path = await request.app[PREVIEWS].path(photo_id, size, original, roots)
    if path is None:
        raise error(web.HTTPNotFound, "no thumbnail for this photo")
    return web.FileResponse(path, headers={"Cache-Control": "private, max-age=86400"})


async def thumbnail(request: web.Request) -> web.FileResponse:
    roots = user_of(request).roots
    card, path = await quick_read(request, scoped_card, request, request.match_info["id"], roots)
    return await thumb_response(request, card.id, path, roots)


# -- shares ------------------------------------------------------------------------------------------

async def create_share(request: web.Request) -> web.Response:
    g, user = gw(request), user_of(request)
    body = await parse_body(request, m.ShareBody)
    hours, query, hide_meta = body.hours, body.query, body.hide_meta
    if query:
        try:
            found = await g.search.search(query, list(user.roots), None, SHARE_MAX_PHOTOS)
        except QueryError as exc:
            raise error(web.HTTPBadRequest, str(exc)) from None
        ids = [hit["id"] for hit in found["hits"]]
    else:
        ids = body.ids
        if not ids:
            raise error(web.HTTPBadRequest, "give ids (a list of photo ids) or a query")
        for photo_id in ids:
            scoped_record(request, photo_id, user.roots)
    made = await asyncio.to_thread(g.users.create_share, user, ids[:SHARE_MAX_PHOTOS], query, float(hours), hide_meta)
    await g.audit.record(request, "share.created", user.name, share=made["id"], photos=len(ids[:SHARE_MAX_PHOTOS]),
                         hours=hours)
    return json_response({**made, "url": f"/s/{made['token']}", "photos": len(ids[:SHARE_MAX_PHOTOS])},
                             status=201)


async def list_shares(request: web.Request) -> web.Response:
    return json_response({"items": await asyncio.to_thread(gw(request).users.shares, user_of(request))})


async def revoke_share(request: web.Request) -> web.Response:
    return await end_own(request, gw(request).users.revoke_share, "share.revoked", "share")


async def share_of(request: web.Request):
    share = await asyncio.to_thread(gw(request).users.share, request.match_info["token"])
    if share is None:
        raise error(web.HTTPNotFound, "this link does not exist or has expired")
    return share


async def shared(request: web.Request) -> web.Response:
    share = await share_of(request)
    items = []
    for card in await quick_read(request, gw(request).store.cards, list(share.photo_ids)):
        if path := path_in_scope(card, share.user.roots):
            item = photo_item(card, Path(path).name)
            item["thumb"] = f"/api/shares/public/{request.match_info['token']}/thumb/{card.id}"
            if share.hide_meta:
                item["taken"] = item["place"] = None
            items.append(item)
    return json_response({"query": share.query, "expires": share.expires, "items": items})


async def shared_thumb(request: web.Request) -> web.FileResponse:
    share, photo_id = await share_of(request), request.match_info["id"]
    if photo_id not in share.photo_ids:
        raise error(web.HTTPNotFound, "no such photo in this share")
    _, path = await quick_read(request, scoped_card, request, photo_id, share.user.roots)
    return await thumb_response(request, photo_id, path, share.user.roots)


# -- status, admin, metrics --------------------------------------------------------------------------

async def stage_table(g: Gateway, roots: list[str] | None) -> dict[str, dict]:
    """Per stage: done, waiting, failed, outcomes, rate since the last look, ETA, and queued when a bus is known."""
    counts = await asyncio.to_thread(g.store.stage_counts, roots)
    now = time.monotonic()
    stages = {}
    for stage, by_outcome in counts.items():
        done = sum(n for outcome, n in by_outcome.items() if outcome != "pending")
        last = g.rates.get(stage)
        rate = (done - last[1]) / (now - last[0]) if last and now > last[0] else 0.0
        g.rates[stage] = (now, done)
        waiting = by_outcome.get("pending", 0)
        stages[stage] = {"done": done, "waiting": waiting, "failed": by_outcome.get("failed", 0),
                         "outcomes": by_outcome, "rate": round(max(rate, 0.0), 2),
                         "eta_seconds": round(waiting / rate) if rate > 0 and waiting else None}
    for stage, waiting in (await g.ops.queues() if g.ops.queues else {}).items():
        stages.setdefault(stage, {})["queued"] = waiting
    return stages


async def status(request: web.Request) -> web.Response:
    g, user = gw(request), user_of(request)
    roots = None if user.admin else list(user.roots)
    stages = await stage_table(g, roots)
    photos, failed = await asyncio.to_thread(lambda: (g.store.count(roots), g.store.outcomes(("failed",), roots)))
    return json_response({"photos": photos, "stages": stages, "failed_files": len(failed)})


async def admin_users(request: web.Request) -> web.Response:
    require_admin(request)
    users = await asyncio.to_thread(gw(request).users.list)
    return json_response({"items": [u.public() for u in users]})


async def admin_add_user(request: web.Request) -> web.Response:
    require_admin(request)
    body = await parse_body(request, m.AddUserBody)  # admin is a JSON boolean: "false" is a true value to bool()
    try:
        await asyncio.to_thread(check_roots, body.roots)
        user = await asyncio.to_thread(gw(request).users.add, body.name, body.password, body.roots, body.admin)
    except UserError as exc:
        raise error(web.HTTPBadRequest, str(exc)) from None
    await gw(request).audit.record(request, "user.added", user_of(request).name, name=user.name, admin=user.admin,
                                   roots=list(user.roots))
    return json_response(user.public(), status=201)


async def admin_remove_user(request: web.Request) -> web.Response:
    session = require_admin(request)
    name = request.match_info["name"]
    if name == session.user.name:
        raise error(web.HTTPBadRequest, "you cannot remove yourself")
    try:
        await asyncio.to_thread(gw(request).users.remove, name)
    except UserError as exc:
        raise error(web.HTTPNotFound, str(exc)) from None
    await asyncio.to_thread(marks_routes.marks_of(request).forget, name)
    await gw(request).audit.record(request, "user.removed", session.user.name, name=name)
    return json_response({"ok": True})


async def admin_failed(request: web.Request) -> web.Response:
    """Files that could not be read, and photos one of whose analysis stages failed, with the reasons."""
    require_admin(request)
    store = gw(request).store

    def failed() -> dict:
        photos = []
        for photo_id, stage in store.failed_stages():
            record = store.get(photo_id)
            if record is not None:
                photos.append({"id": photo_id, "path": record.paths[0] if record.paths else "", "stage": stage,
                               "reason": reasons_of(record).get(stage, "")})
        return {"files": [o.__dict__ for o in store.outcomes(("failed",))], "photos": photos}

    return json_response(await asyncio.to_thread(failed))


async def admin_rescan(request: web.Request) -> web.Response:
    session = require_admin(request)
    ops = gw(request).ops
    if ops.rescan is None:
        raise error(web.HTTPServiceUnavailable, "this gateway runs without the ingest service; rescan from it")
    await gw(request).audit.record(request, "admin.rescan", session.user.name)
    asyncio.get_running_loop().create_task(ops.rescan())
    return json_response({"started": True}, status=202)


async def admin_dead_letters(request: web.Request) -> web.Response:
    require_admin(request)
    ops = gw(request).ops
    return json_response({"items": await ops.dead_letters() if ops.dead_letters else []})


async def admin_replay(request: web.Request) -> web.Response:
    session = require_admin(request)
    ops = gw(request).ops
    if ops.replay is None:
        raise error(web.HTTPServiceUnavailable, "no bus to replay on in this gateway")
    await gw(request).audit.record(request, "admin.replay", session.user.name, stage=request.match_info["stage"])
    return json_response({"replayed": await ops.replay(request.match_info["stage"])})


async def metrics(request: web.Request) -> web.Response:
    require_admin(request)
    registry = gw(request).ops.registry or CollectorRegistry()
    return web.Response(body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})


# -- the route table: the router and the OpenAPI document are both made from it ---------------------------

ROUTES = [
    Api("GET", "/", page, "The gallery", public=True, content="text/html", errors=()),
    Api("GET", "/login", page, "The gallery's sign-in", public=True, content="text/html", errors=()),
    Api("GET", "/admin", page, "The gallery's admin page", public=True, content="text/html", errors=()),
    Api("GET", "/map", page, "The gallery's map", public=True, content="text/html", errors=()),
    Api("GET", "/albums", page, "The gallery's albums", public=True, content="text/html", errors=()),
    Api("GET", "/people", page, "The gallery's people", public=True, content="text/html", errors=()),
    Api("GET", "/s/{token}", page, "The page of a share link", public=True, content="text/html", errors=()),
    Api("GET", "/static/{name}", static, "The gallery's scripts and styles", public=True, content="text/plain",
        errors=("404",)),
    Api("GET", "/api/openapi.json", openapi, "This document", public=True, content="application/json", errors=()),
    Api("POST", "/api/auth/login", login, "Sign in: sets the session cookie", m.Me, body=m.LoginBody, public=True,
        errors=("400", "401", "403", "413", "429")),
    Api("POST", "/api/auth/logout", logout, "Sign out", m.Ok),
    Api("GET", "/api/auth/me", me, "The signed-in user and the CSRF token", m.Me),
    Api("POST", "/api/auth/keys", create_key, "Create an API key (signed in with a password, not a key); shown once",
        m.KeyCreated, body=m.KeyBody, status=201),
    Api("GET", "/api/auth/keys", list_keys, "Your API keys (never the keys themselves)", m.KeyList),
    Api("DELETE", "/api/auth/keys/{id}", revoke_key, "Revoke one of your API keys", m.Ok),
    Api("POST", "/api/auth/password", change_password, "Change your password: other sessions and every API key end",
        m.Csrf, body=m.PasswordBody),
    Api("GET", "/api/auth/sessions", list_sessions, "Your signed-in browsers", m.SessionList),
    Api("DELETE", "/api/auth/sessions/{id}", end_session, "Sign one of your browsers out", m.Ok),
    Api("GET", "/api/photos", list_photos, "Photos newest first", m.PhotoPage, query=m.PageQuery),
    Api("GET", "/api/photos/{id}", get_photo, "Everything known about one photo", m.PhotoDetail),
    Api("GET", "/api/search", search, "Search in plain words", m.SearchOut, query=m.SearchQuery),
    Api("GET", "/api/timeline", browse_routes.timeline, "Your photos per month, newest first", m.Timeline),
    Api("GET", "/api/on-this-day", browse_routes.on_this_day, "Your photos taken on this day in earlier years, "
        "newest first", m.OnThisDay, query=m.OnThisDayQuery),
    Api("GET", "/api/map", browse_routes.map_clusters, "Your GPS photos in a box, clustered for a zoom", m.MapClusters,
        query=m.MapQuery),
    Api("GET", "/api/map/settings", browse_routes.map_settings, "The map's tiles", m.MapSettings),
    Api("PUT", "/api/photos/{id}/favorite", marks_routes.set_favorite, "Make a photo a favourite", m.FavoriteOut),
    Api("DELETE", "/api/photos/{id}/favorite", marks_routes.set_favorite, "A photo is a favourite no more",
        m.FavoriteOut),
    Api("POST", "/api/favorites", marks_routes.set_favorites, "Make many of your photos favourites, or not",
        m.FavoritesOut, body=m.FavoritesBody),
    Api("PUT", "/api/photos/{id}/rating", marks_routes.set_rating, "Rate a photo 0-5 stars (yours win over the "
        "file's XMP rating)", m.RatingOut, body=m.RatingBody),
    Api("DELETE", "/api/photos/{id}/rating", marks_routes.set_rating, "Take your rating away: the file's shows again",
        m.RatingOut),
    Api("POST", "/api/ratings", marks_routes.set_ratings, "Rate many of your photos at once (null: yours taken away)",
        m.RatingsOut, body=m.RatingsBody),
    Api("POST", "/api/downloads", downloads_routes.create_download, "A link to a zip of your photos", m.DownloadCreated,
        body=m.DownloadBody, status=201, errors=("400", "401", "403", "404", "413", "503")),
    Api("GET", "/api/downloads/{id}", downloads_routes.get_download, "The zip of a download link, streamed",
        content="application/zip", errors=("401", "403", "404", "503")),
    Api("GET", "/api/uploads", uploads_routes.upload_settings, "Where and what you may upload", m.UploadSettings),
    Api("POST", "/api/uploads", uploads_routes.upload, "Upload photos (multipart/form-data, file fields) into a folder "
        "of your media folder; indexed as any new file", m.Uploaded, query=m.UploadQuery, status=201,
        upload=True, errors=("400", "401", "403", "409", "413", "415")),
    Api("GET", "/api/albums", marks_routes.list_albums, "Your albums", m.AlbumList),
    Api("POST", "/api/albums", marks_routes.create_album, "Make an album, or save a search as a smart album",
        m.AlbumOut, body=m.AlbumBody, status=201, errors=("400", "401", "403", "413")),
    Api("PATCH", "/api/albums/{album}", marks_routes.change_album, "Rename an album, or give a smart album a new "
        "search", m.AlbumOut, body=m.AlbumChange, errors=("400", "401", "403", "404", "413")),
    Api("DELETE", "/api/albums/{album}", marks_routes.delete_album, "Delete an album (not its photos)", m.Ok),
    Api("POST", "/api/albums/{album}/photos", marks_routes.add_to_album, "Add your photos to an album", m.AlbumOut,
        body=m.AlbumPhotosBody, errors=("400", "401", "403", "404", "413")),
    Api("DELETE", "/api/albums/{album}/photos/{id}", marks_routes.remove_from_album, "Take a photo out of an album",
        m.Ok),
    Api("GET", "/api/suggest", suggest, "Terms starting with what was typed", m.Suggestions, query=m.SuggestQuery),
    Api("GET", "/media/{id}/original", original, "The original file (range requests); download=1: as an attachment "
        "under its own name", query=m.OriginalQuery, content="image/*"),
    Api("GET", "/media/{id}/thumb", thumbnail, "A thumbnail", query=m.ThumbQuery, content="image/jpeg"),
    Api("POST", "/api/shares", create_share, "Share photos or a search read-only until it expires", m.ShareCreated,
        body=m.ShareBody, status=201, errors=("400", "401", "403", "404", "413")),
    Api("GET", "/api/shares", list_shares, "Your shares that have not expired", m.ShareList),
    Api("DELETE", "/api/shares/{id}", revoke_share, "Revoke one of your shares: its link stops working", m.Ok),
    Api("GET", "/api/shares/public/{token}", shared, "A share's photos", m.Shared, public=True),
    Api("GET", "/api/shares/public/{token}/thumb/{id}", shared_thumb, "A thumbnail of a shared photo",
        query=m.ThumbQuery, public=True, content="image/jpeg"),
    Api("GET", "/api/status", status, "Per stage: done, waiting, failed, rate, ETA (of the photos you may see)",
        m.Status),
    Api("GET", "/api/admin/users", admin_users, "Users (admin)", m.UserList),
    Api("POST", "/api/admin/users", admin_add_user, "Add a user (admin, signed in)", m.UserOut, body=m.AddUserBody,
        status=201, errors=("400", "401", "403", "413")),
    Api("DELETE", "/api/admin/users/{name}", admin_remove_user, "Remove a user (admin, signed in)", m.Ok),
    Api("GET", "/api/admin/failed", admin_failed, "Files that could not be read and photos whose analysis stage "
        "failed, with reasons (admin)", m.FailedFiles),
    Api("POST", "/api/admin/rescan", admin_rescan, "Rescan the media roots (admin, signed in)", m.Started,
        status=202, errors=("401", "403", "503")),
    Api("POST", "/api/admin/retry", admin_routes.retry, "Read failed files again through ingest (admin, signed in)",
        m.Retried, body=m.RetryBody, errors=("400", "401", "403", "404", "413", "503")),
    Api("GET", "/api/admin/ops", admin_routes.ops_view, "The ops view's figures: photos indexed over time, per-stage "
        "counts, rates and queues, failures by reason, photos by camera, country and year (admin)", m.OpsView),
    Api("GET", "/api/admin/dead-letters", admin_dead_letters, "Dead letters per stage with reasons (admin)",
        m.DeadLetters),
    Api("POST", "/api/admin/dead-letters/{stage}/replay", admin_replay, "Replay a stage's dead letters (admin)",
        m.Replayed, errors=("401", "403", "404", "503")),
    Api("GET", "/metrics", metrics, "Prometheus metrics (admin)", content="text/plain", errors=("401", "403")),
    Api("GET", "/api/people", people_routes.list_people, "Your people: clusters of two faces or more, biggest first",
        m.People),
    Api("GET", "/api/people/{id}", people_routes.show_person, "A person's photos and faces", m.PersonPhotos),
    Api("GET", "/api/people/{id}/face", people_routes.person_face, "A person's largest face in your photos, square",
        content="image/jpeg"),
    Api("PATCH", "/api/people/{id}", people_routes.name_person, "Name a person (a name in use merges the two)",
        m.PersonName, body=m.NameBody),
    Api("POST", "/api/people/{id}/merge", people_routes.merge_person, "Merge a person into another", m.PersonName,
        body=m.MergeBody),
    Api("GET", "/api/duplicates", duplicates_routes.list_groups, "Your groups of near-copies, the best of each "
        "first and marked", m.DuplicateGroups),
]
OPENAPI = build(ROUTES)
