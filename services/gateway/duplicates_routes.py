"""The duplicates API: a signed-in user's groups of near-copies, from her photos only."""
from __future__ import annotations

import asyncio

from aiohttp import web

from services.duplicates.book import DuplicatesBook
from services.duplicates.service import groups, open_book
from services.gateway.resources import kept_open
from services.gateway.responses import json_response
from services.gateway.security import session_of

DUPLICATES = web.AppKey("duplicates", DuplicatesBook)


def open_duplicates(gateway):
    """The duplicates book, opened beside the record store and closed with the app."""
    return kept_open(DUPLICATES, lambda: open_book(gateway.data_dir))


async def list_groups(request: web.Request) -> web.Response:
    """Bring the book up to date, then her groups, off the event loop."""
    from services.gateway.app import gw

    roots = list(session_of(request).user.roots)
    found = await asyncio.to_thread(groups, request.app[DUPLICATES], gw(request).store, roots)
    return json_response(found)
