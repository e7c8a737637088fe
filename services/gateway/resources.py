"""What the gateway opens for the app's lifetime (books, marks): made at start, kept under a key, closed at stop."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from aiohttp import web

from services.pipeline.off_loop import off_loop

# The one thread the request path's quick reads run on (sessions, pages, searches, marks): they are CPU work under
# the GIL, so more threads only contend for it (measured at 1M photos: a third more CPU per request with six).
READS = web.AppKey("reads", ThreadPoolExecutor)
T = TypeVar("T")


async def quick_read(request: web.Request, call: Callable[..., T], *args) -> T:
    """A quick blocking read of the request path, off the event loop on the reads thread (asyncio's default
    threads in an app that keeps none, such as the security layers' own tests)."""
    return await off_loop(request.app.get(READS), call, *args)


def kept_open(key: web.AppKey, make: Callable[[], object]):
    """A cleanup context: make the resource when the app starts, keep it under key, close it when the app stops."""
    async def context(app: web.Application):
        app[key] = make()
        yield
        app[key].close()

    return context
