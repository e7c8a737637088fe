"""Each photo decoded once per process for every stage that needs it at a size the same JPEG draft serves (of a 12 MP
photo, vision at 512 px, hashes at 1000 px and the text stage's cheap pass at 640 px share the quarter-size draft;
reading text at 1280 px takes the half-size one), kept a short while, bounded in bytes."""
from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Callable

from PIL import Image

from services.media.decode import decode, draft_size, drafted, shrunk

MAX_BYTES = 96 << 20  # a dozen drafts of 12 MP photos at half size, or fifty at a quarter

Decoder = Callable[..., Image.Image]  # decode()'s shape: (path, size, shrink=True, long_side=False) to the photo


class SharedDecodes:
    """decode() for stages running side by side in one process: the first stage to ask decodes, the others asking
    meanwhile wait for it, and later ones find it until newer decodes push it out (least recently used first)."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.hits = self.misses = 0
        self._lock = threading.Lock()
        self._drafts: OrderedDict[tuple[str, tuple[int, int]], Future] = OrderedDict()

    def decode(self, photo_id: str, path: Path | str, size: int, shrink: bool = True,
               long_side: bool = False) -> Image.Image:
        """What decode(path, size, shrink, long_side) gives, a copy of its own (a stage may change it), for the photo
        with this id."""
        key = (photo_id, draft_size(path, size, long_side))
        with self._lock:
            future = self._drafts.get(key)
            owner = future is None
            if owner:
                future = self._drafts[key] = Future()
                self.misses += 1
            else:
                self._drafts.move_to_end(key)
                self.hits += 1
        if owner:
            try:
                future.set_result(drafted(path, size, long_side))
            except Exception as exc:
                future.set_exception(exc)
                with self._lock:
                    self._drafts.pop(key, None)
                raise
            self._trim()
        image = future.result().copy()
        return shrunk(image, size) if shrink else image

    def held_bytes(self) -> int:
        with self._lock:
            return sum(_bytes(f) for f in self._drafts.values() if f.done())

    def _trim(self) -> None:
        """Drop decodes until the rest fit (ones still decoding stay): the biggest first, as a half-size draft holds
        four quarter-size ones and spares one decode as they do each; least recently used first among equals."""
        with self._lock:
            held = sum(_bytes(f) for f in self._drafts.values() if f.done())
            done = [k for k, f in self._drafts.items() if f.done()]
            for key in sorted(done, key=lambda k: -_bytes(self._drafts[k])):  # a stable sort: LRU order kept
                if held <= self.max_bytes:
                    break
                held -= _bytes(self._drafts.pop(key))


def decoder_for(decodes: SharedDecodes | None, photo_id: str) -> Decoder:
    """How a stage decodes the photo with this id: through the decodes it shares, else on its own."""
    return partial(decodes.decode, photo_id) if decodes else decode


def _bytes(done: Future) -> int:
    image = done.result()
    return image.width * image.height * len(image.getbands())
