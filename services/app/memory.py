"""Process-wide memory settings, applied once when the command starts, before any thread exists."""
from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """glibc gives threads that allocate at once their own heap arenas (up to 8 per core), and each keeps the
    memory freed in it: TensorFlow's, the decoders' and the executor's threads add up. Two arenas keep the settled
    RSS of analysis about 250 MB lower at the same speed (bench/results/ingest_rss.txt). MALLOC_ARENA_MAX in the
    environment wins; processes the command starts (decoders, search readers) inherit it from there. Returns
    whether the limit was set (not on a libc without mallopt)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    os.environ["MALLOC_ARENA_MAX"] = str(arenas)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False  # not glibc: its allocator has its own policy
