"""What the gateway opens for the app's lifetime (books, marks): made at start, kept under a key, closed at stop."""
from __future__ import annotations

from typing import Callable

from aiohttp import web


def kept_open(key: web.AppKey, make: Callable[[], object]):
    """A cleanup context: make the resource when the app starts, keep it under key, close it when the app stops."""
    async def context(app: web.Application):
        app[key] = make()
        yield
        app[key].close()

    return context
