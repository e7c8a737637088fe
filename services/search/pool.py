"""Queries in reader processes: one Python process answers one query at a time, so a gateway with several cores
runs searches in processes of their own. Each opens the index itself and follows the record store, as any reader
does (see index/bitmap.py), and holds it in memory (about 0.5 GB at a million photos)."""
from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from services.search.index.port import Index

_index: Index | None = None  # the reader process's own index


def _open(open_index: Callable[[str], Index], location: str) -> None:
    global _index
    _index = open_index(location)


def _call(method: str, *args):
    return getattr(_index, method)(*args)


class ReaderPool:
    """`await pool.call("search", ...)` runs an Index method in a reader process. A reader that dies (killed, out of
    memory) is replaced and the call asked once more."""

    def __init__(self, open_index: Callable[[str], Index], location: str, processes: int):
        self._open, self._location, self._processes = open_index, location, processes
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_open, initargs=(self._open, self._location))

    async def call(self, method: str, *args):
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, _call, method, *args)
        except BrokenProcessPool:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._start()
            return await loop.run_in_executor(self._executor, _call, method, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
