"""Thumbnail sizes ingest did not make (the viewer's 1280 px preview by default), made from the original the first
time someone opens the photo, in a decoder process with a time limit, and kept beside the others (a photo's id is
its content, so a thumbnail never goes stale). PiGallery2 and PhotoPrism's uncached mode work the same way."""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Callable

from aiohttp import web

from services.media.decoders import Decoder, IsolatedDecoder
from services.media.thumbs import write_preview
from services.pipeline.layout import THUMB_SIZES, thumb_path, thumbs_dir

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 600.0  # an original that could not be read (a drive not mounted yet) is tried again after this


class Previews:
    """Each missing thumbnail made once, however many requests ask for it at the same time; one that cannot be
    made from a file is not tried from that file again for `retry_after` seconds (a hostile file costs its time
    limit once in that while; an original back on a remounted drive gets its preview then; another user's copy of
    the photo is tried at once)."""

    def __init__(self, thumbs_root: Path, decoder: Decoder, retry_after: float = RETRY_AFTER_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.thumbs_root, self.decoder = thumbs_root, decoder
        self.retry_after, self.clock = retry_after, clock
        self.made = 0
        self._making: dict[tuple[str, int], asyncio.Future] = {}
        self._failed: dict[tuple[str, int, str], float] = {}  # when each (photo, size, file) last failed

    async def path(self, photo_id: str, size: int, original: str, roots: tuple[str, ...]) -> Path | None:
        """The thumbnail of this size, made from `original` (checked to be inside `roots` when opened) if it is
        missing; else the largest smaller one there is; None when there is none."""
        target = thumb_path(self.thumbs_root, photo_id, size)
        if target.is_file() or await self._made(photo_id, size, original, roots):
            return target
        smaller = [thumb_path(self.thumbs_root, photo_id, s) for s in sorted(THUMB_SIZES, reverse=True) if s < size]
        return next((path for path in smaller if path.is_file()), None)

    async def _made(self, photo_id: str, size: int, original: str, roots: tuple[str, ...]) -> bool:
        key, tried = (photo_id, size), (photo_id, size, original)
        if self._failed_lately(tried):
            return False
        making = self._making.get(key)
        if making is None:
            making = self._making[key] = asyncio.ensure_future(self._make(photo_id, size, original, roots))
            making.add_done_callback(lambda _: self._making.pop(key, None))
        try:
            await asyncio.shield(making)  # a client that leaves does not stop the others' preview
        except Exception as exc:  # noqa: BLE001 - the original gone, outside the folders, unreadable or overrunning
            if not self._failed_lately(tried):  # each request that waited for it sees the failure: logged once
                self._failed[tried] = self.clock()
                log.warning("no %d px thumbnail of %s from %s: %s", size, photo_id, original, exc)
            return False
        self._failed.pop(tried, None)
        return True

    def _failed_lately(self, key: tuple[str, int, str]) -> bool:
        failed = self._failed.get(key)
        return failed is not None and self.clock() - failed < self.retry_after

    async def _make(self, photo_id: str, size: int, original: str, roots: tuple[str, ...]) -> None:
        await asyncio.to_thread(self.decoder.run, write_preview, original, tuple(roots), self.thumbs_root, photo_id,
                                size)
        self.made += 1

    def close(self) -> None:
        self.decoder.close()


PREVIEWS = web.AppKey("previews", Previews)


def open_previews(data_dir: Path, seconds: float):
    """A cleanup context: the previews, whose decoder process starts with the first one (~0.15 s), stopped with the
    app."""
    async def context(app: web.Application):
        previews = app[PREVIEWS] = Previews(thumbs_dir(data_dir), IsolatedDecoder(workers=1, timeout=seconds))
        yield
        await asyncio.to_thread(previews.close)

    return context
