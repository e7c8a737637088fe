"""Upload from the browser into a folder of the user's own root (POST /api/uploads, multipart/form-data): streamed
to disk within PICSIFT_GATEWAY_UPLOAD_MAX_MB, only kinds of photo picsift reads, then handed to ingest when this
process runs it (else the ingest service's watcher finds it). Signed in with the CSRF token like every POST."""
from __future__ import annotations

import asyncio
import os
from typing import Awaitable, TypeVar

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from services.gateway import models as m
from services.gateway.responses import json_response
from services.gateway.previews import PREVIEWS
from services.gateway.security import session_of
from services.gateway.uploads import DEFAULT_FOLDER, Upload, UploadError, file_name, folder_parts, open_folder
from services.gateway.validation import error, parse_query
from services.media.formats import SUPPORTED

CHUNK = 1 << 20
T = TypeVar("T")
MULTIPART_SLACK = 1 << 20  # room for the form's own headers beyond the limit


def refused(exc: UploadError, saved: list[dict]) -> web.Response:
    """The reason, and the files of this request saved before it (they stay)."""
    return json_response({"error": str(exc), "saved": saved}, status=exc.status)


async def upload_settings(request: web.Request) -> web.Response:
    """What the upload form needs: her media folders, the default folder, the size limit, the kinds of file."""
    from services.gateway.app import gw

    return json_response({"roots": list(session_of(request).user.roots), "folder": DEFAULT_FOLDER,
                              "max_mb": gw(request).settings.upload_max_mb, "extensions": sorted(SUPPORTED)})


async def upload(request: web.Request) -> web.Response:
    from services.gateway.app import gw

    user, g = session_of(request).user, gw(request)
    query = parse_query(request, m.UploadQuery)
    limit = g.settings.upload_max_mb * 2**20
    if not user.roots:
        raise error(web.HTTPBadRequest, "you have no media folder to upload into: an admin gives you one")
    if query.root >= len(user.roots):
        raise error(web.HTTPBadRequest, f"you have {len(user.roots)} media folder(s): root is 0 to {len(user.roots) - 1}")
    if request.content_type != "multipart/form-data":
        raise error(web.HTTPUnsupportedMediaType, "send the photos as multipart/form-data")
    if (request.content_length or 0) > limit + MULTIPART_SLACK:
        raise error(web.HTTPRequestEntityTooLarge, f"an upload is at most {g.settings.upload_max_mb} MB",
                    max_size=limit, actual_size=request.content_length)
    root = user.roots[query.root]
    try:
        parts = folder_parts(query.folder)
        if not await asyncio.to_thread(os.path.isdir, root):
            raise UploadError(f"your media folder {root} is not there: ask an admin", 409)
        folder_fd = await asyncio.to_thread(open_folder, root, parts)
    except UploadError as exc:
        return refused(exc, [])
    folder, saved = os.path.join(root, *parts), []
    try:
        reader = await request.multipart()
        while (part := await next_part(reader)) is not None:
            if not isinstance(part, BodyPartReader) or not part.filename:  # a field, or a form inside the form
                await part.release()
                continue
            saved.append(await save(request, part, folder_fd, folder, limit))
    except ValueError as exc:  # an UploadError, or a form aiohttp cannot read (no boundary, a broken part)
        return refused(exc if isinstance(exc, UploadError) else UploadError(f"not a readable form: {exc}"), saved)
    finally:
        os.close(folder_fd)
    if not saved:
        raise error(web.HTTPBadRequest, "no file in the upload")
    await g.audit.record(request, "upload", user.name, paths=[f["path"] for f in saved])
    return json_response({"folder": folder, "files": saved}, status=201)


async def next_part(reader):
    """The form's next part, or None; what is not a part of a form is a ValueError."""
    return await form_read(reader.next())


async def form_read(reading: Awaitable[T]) -> T:
    """What aiohttp's form reader reads; a body that breaks off or lies, or a bad part header, is a ValueError."""
    try:
        return await reading
    except (AssertionError, RuntimeError, HttpProcessingError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None


async def save(request: web.Request, part, folder_fd: int, folder: str, limit: int) -> dict:
    """One file of the form, written, checked and named, then handed to ingest."""
    from services.gateway.app import gw

    upload = await asyncio.to_thread(Upload, folder_fd, folder, file_name(part.filename), limit)
    try:
        while chunk := await form_read(part.read_chunk(CHUNK)):
            await asyncio.to_thread(upload.write, chunk)
        path = await asyncio.to_thread(upload.finish, request.app[PREVIEWS].decoder)
    except BaseException:
        await asyncio.to_thread(upload.abort)
        raise
    ingest = gw(request).ops.ingest
    indexing = await ingest(path) if ingest else {"outcome": "queued", "id": "",
                                                   "reason": "the ingest service's watcher picks it up"}
    return {"name": part.filename, "path": str(path), "bytes": upload.size, "indexing": indexing}
