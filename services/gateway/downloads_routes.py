"""A selection of her photos as one zip: POST the ids, then GET the link it answers (a browser saves it as a file);
the zip is written while it is sent, each original opened then, inside her folders on disk."""
from __future__ import annotations

import asyncio
import secrets
import threading
import time
from dataclasses import dataclass

from aiohttp import web

from services.gateway import models as m
from services.gateway.downloads import Sink, attachment, unique_names, write_zip
from services.gateway.resources import quick_read
from services.gateway.responses import json_response
from services.gateway.security import error, session_of
from services.gateway.validation import parse_body
from services.media.containment import open_inside

LINK_SECONDS = 600  # a download link works this long (and as often as asked: a browser may resume)
MAX_LINKS = 10_000
QUEUED_CHUNKS = 8  # chunks written ahead of the client, at most
ZIPS_AT_ONCE = 4  # zips being written at once by this process


@dataclass(frozen=True)
class Selection:
    owner: str
    ids: tuple[str, ...]
    expires: float


SELECTIONS = web.AppKey("download_selections", dict)
WRITING = web.AppKey("zips_writing", asyncio.Semaphore)


def open_downloads(gateway):
    """A cleanup context: the download links of this process (a restart ends them)."""
    async def downloads(app: web.Application):
        app[SELECTIONS], app[WRITING] = {}, asyncio.Semaphore(ZIPS_AT_ONCE)
        yield

    return downloads


async def create_download(request: web.Request) -> web.Response:
    from services.gateway.app import scoped_card

    user, ids = session_of(request).user, list(dict.fromkeys((await parse_body(request, m.DownloadBody)).ids))
    for photo_id in ids:
        await quick_read(request, scoped_card, request, photo_id, user.roots)
    links, now = request.app[SELECTIONS], time.time()
    for token in [t for t, s in links.items() if s.expires < now]:
        del links[token]
    if len(links) >= MAX_LINKS:
        raise error(web.HTTPServiceUnavailable, "too many downloads are waiting; try again in a few minutes")
    token = secrets.token_urlsafe(24)
    links[token] = Selection(user.name, tuple(ids), now + LINK_SECONDS)
    return json_response({"url": f"/api/downloads/{token}", "photos": len(ids), "expires": now + LINK_SECONDS},
                             status=201)


async def get_download(request: web.Request) -> web.StreamResponse:
    from services.gateway.app import path_in_scope, gw

    user = session_of(request).user
    selection = request.app[SELECTIONS].get(request.match_info["id"])
    if selection is None or selection.owner != user.name or selection.expires < time.time():
        raise error(web.HTTPNotFound, "this download does not exist or has expired")
    records = await asyncio.to_thread(gw(request).store.get_many, list(selection.ids))
    paths = [path for path in (path_in_scope(r, user.roots) for r in records) if path]
    entries = [(name, lambda path=path: open_inside(path, user.roots)) for name, path in zip(unique_names(paths), paths)]
    if request.app[WRITING].locked():
        raise error(web.HTTPServiceUnavailable, "other zips are being made; try again in a minute")
    async with request.app[WRITING]:
        response = web.StreamResponse(headers={"Content-Type": "application/zip", "Cache-Control": "private, no-store",
                                               "Content-Disposition": attachment(f"picsift-{len(paths)}-photos.zip")})
        await response.prepare(request)
        await stream(response, entries)
    return response


async def stream(response: web.StreamResponse, entries) -> None:
    """Run the zip writer in a thread of its own (a long download holds no shared worker), sending its chunks as
    they come; a client gone away stops the writer at its next write."""
    loop, chunks = asyncio.get_running_loop(), asyncio.Queue(QUEUED_CHUNKS)
    sink = Sink(lambda chunk: asyncio.run_coroutine_threadsafe(chunks.put(chunk), loop).result())
    failure: list[BaseException] = []

    def write() -> None:
        try:
            write_zip(sink, entries)
        except BaseException as exc:  # noqa: BLE001 - handed to the event loop, which fails the response
            failure.append(exc)
        finally:
            asyncio.run_coroutine_threadsafe(chunks.put(None), loop).result()

    threading.Thread(target=write, name="zip", daemon=True).start()
    ended = False
    try:
        while (chunk := await chunks.get()) is not None:
            await response.write(chunk)
        ended = True
        if failure:  # never a cut-off zip that looks whole
            raise failure[0]
        await response.write_eof()
    finally:
        if not ended:
            sink.stopped = True
            while await chunks.get() is not None:
                pass
