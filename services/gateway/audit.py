"""What was done to accounts, keys and shares, by whom and from where: one JSON object per line in the data dir's
audit.log, appended only. Every request also gets an id (X-Request-Id) that the access log and the audit log carry."""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

REQUEST_ID = web.RequestKey("request_id", str)
access = logging.getLogger("picsift.access")


class AuditLog:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    async def record(self, request: web.Request, event: str, user: str | None, **details) -> None:
        """event: e.g. "login.failed"; user: who acted (or tried to); details: what it was about."""
        entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event, "user": user,
                 "address": request.remote, "request_id": request.get(REQUEST_ID), **details}
        await asyncio.to_thread(self._append, json.dumps(entry, ensure_ascii=False))

    def _append(self, line: str) -> None:
        with self._lock, open(self.path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


@web.middleware
async def request_ids(request: web.Request, handler):
    request[REQUEST_ID] = secrets.token_hex(8)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers["X-Request-Id"] = request[REQUEST_ID]
        raise
    response.headers["X-Request-Id"] = request[REQUEST_ID]
    return response


class AccessLogger(AbstractAccessLogger):
    """One line per request: method, path (no query: it may hold what users search for), status, time, id."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, seconds: float) -> None:
        access.info("%s %s %s %.1f ms", request.method, request.path, response.status, seconds * 1000,
                    extra={"request_id": request.get(REQUEST_ID)})
