"""Decoders run where a hostile file can be stopped: a worker process with a time limit, killed on overrun (ingest's
thumbnails and the gateway's previews)."""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import CancelledError, Future, TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Protocol, TypeVar

from pebble import ProcessExpired, ProcessPool

from services.media.formats import register_openers

T = TypeVar("T")


class DecodeError(Exception):
    """A decoder overran its time or died; the reason is for users."""


class Decoder(Protocol):
    def run(self, function: Callable[..., T], *args) -> T: ...

    def close(self) -> None: ...


class InProcessDecoder:
    """Decodes in the calling thread: for tests and tools that read trusted files."""

    def run(self, function: Callable[..., T], *args) -> T:
        return function(*args)

    def close(self) -> None:
        return None


DECODES_PER_PROCESS = 200  # then the process is replaced: what decoders keep of big or hostile files goes with it


class IsolatedDecoder:
    """A pool of decoder processes; a decode past `timeout` seconds, or one that crashes its process, fails alone.
    Each process decodes at most `per_process` files, so the pool's memory does not grow with the library."""

    def __init__(self, workers: int, timeout: float, per_process: int = DECODES_PER_PROCESS):
        self.workers, self.timeout, self.per_process = workers, timeout, per_process
        self._pool: ProcessPool | None = None
        self._running: set[Future] = set()  # cancelled on close: a stopped pool resolves none of them
        self._lock = threading.Lock()

    def _started(self) -> ProcessPool:
        """The pool, started on first use (a scan with nothing new starts no process)."""
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the parent runs threads and models that a forked child must not inherit mid-lock
                self._pool = ProcessPool(max_workers=self.workers, max_tasks=self.per_process,
                                         initializer=register_openers, context=multiprocessing.get_context("spawn"))
            return self._pool

    def run(self, function: Callable[..., T], *args) -> T:
        future = self._started().schedule(function, args=args, timeout=self.timeout)
        with self._lock:
            self._running.add(future)
        try:
            return future.result()
        except FutureTimeout as exc:
            raise DecodeError(f"decoding took longer than {self.timeout:g} s: stopped") from exc
        except ProcessExpired as exc:
            raise DecodeError(f"the decoder crashed on this file (exit code {exc.exitcode})") from exc
        except (CancelledError, BrokenProcessPool) as exc:  # closed while it was asked for
            raise DecodeError("the decoder was stopped") from exc
        finally:
            with self._lock:
                self._running.discard(future)

    def close(self) -> None:
        """Stop the processes; a decode still waited for fails (else its thread would wait for ever, and a closing
        event loop for that thread)."""
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join()
                self._pool = None
            for future in self._running:
                future.cancel()


IN_PROCESS = InProcessDecoder()
