"""The ingest service: scans and watches media roots, publishing one typed outcome per file."""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Callable, Iterable

from watchfiles import Change, awatch

from services.ingest import examine as ex
from services.ingest.catalog import Catalog
from services.ingest.decoding import describe
from services.media.containment import LINK_TO_FOLDER
from services.media.decoders import IN_PROCESS, Decoder
from services.ingest.settings import IngestSettings
from services.pipeline.bus import Bus
from services.pipeline.stage import FILE_FAILED, FILE_REMOVED, FILE_SKIPPED, INGESTED, PATH_ADDED, encode

log = logging.getLogger(__name__)
WATCH_TICK_MS = 1000  # the watcher wakes this often without changes: its first wake says it is watching
Listener = Callable[[ex.Examined], None]
ROUTES = {ex.NEW: INGESTED, ex.DUPLICATE: PATH_ADDED, ex.MOVED: PATH_ADDED, ex.STACKED: PATH_ADDED,
          ex.SKIPPED: FILE_SKIPPED, ex.FAILED: FILE_FAILED, ex.REMOVED: FILE_REMOVED}


class IngestService:
    """Producer of photo.ingested / photo.path_added / file.* messages."""

    def __init__(self, settings: IngestSettings, bus: Bus, catalog: Catalog, thumbs_dir: Path,
                 on_outcome: Listener | None = None, decoder: Decoder = IN_PROCESS):
        self.settings = settings
        self.bus = bus
        self.catalog = catalog
        self.decoder = decoder
        self.thumbs_dir = thumbs_dir
        self.on_outcome = on_outcome
        self._gate = asyncio.Semaphore(settings.workers)
        self._claimed: set[str] = set()
        self._busy_paths: dict[str, tuple[asyncio.Lock, int]] = {}  # a path the scan and the watcher both meet is ingested once
        self.thumbs_dir.parent.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        self.decoder.close()
        self.catalog.close()

    async def scan(self, targets: Iterable[Path]) -> list[ex.Examined]:
        """Ingest every file under each target (a folder or one file); forget paths that are gone."""
        results: list[ex.Examined] = []
        for target in targets:
            target = Path(os.path.abspath(target))
            root = target if target.is_dir() else target.parent
            if ex.shown_path(target) != str(target):
                results.append(await self._emit(ex.Examined(
                    ex.FAILED, ex.shown_path(target), ex.shown_path(root), "the folder name is not valid UTF-8")))
                continue
            listed, problems = await asyncio.to_thread(list_files, target)
            for problem in problems:
                results.append(await self._emit(problem))
            if target.is_dir():  # removals first, so a file moved within the tree is told as a move
                gone = self.catalog.paths_under(str(target)) - {str(p) for p in listed}
                for path in sorted(gone):
                    results.append(await self.remove(Path(path), root))
            results += await asyncio.gather(*(self.ingest_file(path, root) for path in listed))
        return results

    @property
    def state_file(self) -> Path:
        """Where ingest says whether it is paused, for `picsift status` and the gateway."""
        return self.thumbs_dir.parent / "ingest.state.json"

    async def wait_for_disk(self) -> None:
        """Pause while the data dir's disk is nearly full (thumbnails and the index need room), and say so."""
        paused = False
        while (free := shutil.disk_usage(self.thumbs_dir.parent).free) < self.settings.min_free_bytes:
            if not paused:
                reason = (f"disk almost full: {free >> 20} MiB free under {self.thumbs_dir.parent}, "
                          f"ingest needs {self.settings.min_free_bytes >> 20} MiB; paused")
                log.warning(reason)
                self.state_file.write_text(json.dumps({"paused": True, "reason": reason}))
                paused = True
            await asyncio.sleep(self.settings.disk_check_seconds)
        if paused:
            log.info("disk has room again: ingest resumes")
            self.state_file.write_text(json.dumps({"paused": False, "reason": ""}))

    async def ingest_file(self, path: Path, root: Path) -> ex.Examined:
        key = str(path)
        lock, users = self._busy_paths.get(key, (asyncio.Lock(), 0))
        self._busy_paths[key] = (lock, users + 1)
        try:
            async with lock:
                return await self._ingest_file(path, root)
        finally:
            lock, users = self._busy_paths[key]
            if users == 1:
                del self._busy_paths[key]
            else:
                self._busy_paths[key] = (lock, users - 1)

    async def _ingest_file(self, path: Path, root: Path) -> ex.Examined:
        async with self._gate:
            await self.wait_for_disk()
            try:
                examined = await asyncio.to_thread(
                    ex.examine, path, root, self.catalog, self.thumbs_dir, self.settings.thumb_sizes, self.decoder)
            except Exception as exc:  # noqa: BLE001 - one file's surprise is its own outcome, never the scan's end
                log.exception("ingest failed on %s", ex.shown_path(path))
                examined = ex.Examined(ex.FAILED, ex.shown_path(path), ex.shown_path(root),
                                       f"could not be read: {describe(exc)}")
        if examined.kind == ex.NEW:
            if examined.id in self._claimed:
                examined.kind = ex.DUPLICATE  # the same bytes at another path earlier in this run
            self._claimed.add(examined.id)
        await self._emit(examined)
        if examined.is_photo:  # only now: a crash before the publish leaves the file to be seen again
            await asyncio.to_thread(self.catalog.remember, examined.path, examined.root, examined.bytes,
                                    examined.mtime_ns, examined.id, examined.kind != ex.STACKED)
        return examined

    async def remove(self, path: Path, root: Path) -> ex.Examined:
        """A deleted file (or folder) leaves the index; its photo keeps its analysis for a later move."""
        if ex.shown_path(path) != str(path):  # never catalogued: its name was skipped as not UTF-8
            return ex.Examined(ex.REMOVED, ex.shown_path(path), ex.shown_path(root))
        removed = [str(path)] if self.catalog.seen(str(path)) else sorted(self.catalog.paths_under(str(path)))
        last = ex.Examined(ex.REMOVED, str(path), str(root))
        for one in removed:
            last = ex.Examined(ex.REMOVED, one, str(root), id=self.catalog.forget(one) or "")
            await self._emit(last)
        return last

    async def watch(self, roots: list[Path], stop: asyncio.Event, watching: asyncio.Event | None = None) -> None:
        """Follow changes until stop is set; a file is ingested once it has stopped changing.

        `watching` is set once changes are being followed (from then on none is missed), so a scan may start.

        watchfiles gives up on a name that is not UTF-8 (and loses the changes it held): then a rescan
        gives every file its outcome, and watching resumes by polling, which meets such names only when they change.
        """
        roots = [Path(os.path.abspath(r)) for r in roots]
        watchable = [r for r in roots if ex.shown_path(r) == str(r)]
        if len(watchable) < len(roots):
            log.warning("not watching roots whose names are not UTF-8: %s",
                        ", ".join(ex.shown_path(r) for r in roots if r not in watchable))
        pending: dict[str, asyncio.Task] = {}
        polling = self.settings.poll
        while watchable and not stop.is_set():
            try:
                await self._follow_changes(watchable, stop, pending, polling, watching)
            except Exception as exc:  # noqa: BLE001 - the watcher's end must not be the process's
                log.warning("watching stopped (%s): rescanning %s, then watching by polling",
                            describe(innermost(exc)), ", ".join(map(str, watchable)))
                polling = True
                await self._catch_up(watchable, stop)
        if not watchable:
            if watching is not None:
                watching.set()
            await stop.wait()
        for task in pending.values():
            task.cancel()

    async def _follow_changes(self, roots: list[Path], stop: asyncio.Event, pending: dict[str, asyncio.Task],
                              polling: bool, watching: asyncio.Event | None) -> None:
        async for changes in awatch(*roots, stop_event=stop, force_polling=polling,
                                    poll_delay_ms=self.settings.poll_interval_ms, recursive=True,
                                    rust_timeout=WATCH_TICK_MS, yield_on_timeout=True):
            if watching is not None:
                watching.set()
            for change, raw in changes:
                try:
                    await self._follow(change, Path(raw), roots, pending)
                except Exception:  # noqa: BLE001 - a change that cannot be followed must not end the watch
                    log.exception("could not follow a change to %s", raw)
            for key in [k for k, task in pending.items() if task.done()]:
                pending.pop(key)

    async def _catch_up(self, roots: list[Path], stop: asyncio.Event) -> None:
        """After a pause (a name that keeps changing must not make a busy loop), scan what the watcher missed."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), self.settings.poll_interval_ms / 1000)
        if stop.is_set():
            return
        try:
            await self.scan(roots)
        except Exception:  # noqa: BLE001 - e.g. the bus is away: the next round tries again
            log.exception("the catch-up scan of %s failed", ", ".join(map(str, roots)))

    async def _follow(self, change: Change, path: Path, roots: list[Path], pending: dict[str, asyncio.Task]) -> None:
        root = next((r for r in roots if path.is_relative_to(r)), path.parent)
        if change == Change.deleted:
            await self.remove(path, root)
            return
        if path.is_symlink() and path.is_dir():  # a link to a folder made while watching: skipped, as a scan does
            await self._emit(ex.Examined(ex.SKIPPED, ex.shown_path(path), ex.shown_path(root), LINK_TO_FOLDER))
            return
        if path.is_dir():  # a folder moved or copied in; a modified folder just gained an entry
            listed, problems = await asyncio.to_thread(list_files, path) if change == Change.added else ([], [])
            for problem in problems:
                await self._emit(problem)
        else:
            listed = [path]
        for file in listed:
            key = str(file)
            if key not in pending or pending[key].done():
                pending[key] = asyncio.create_task(self._when_stable(file, root))

    async def _when_stable(self, path: Path, root: Path) -> None:
        """Ingest a watched file once it is complete; whatever happens, it ends with an outcome."""
        try:
            while not await asyncio.to_thread(ex.is_stable, path, self.settings.stable_seconds):
                log.debug("%s is still being written", path)
            if path.exists():
                await self.ingest_file(path, root)
        except Exception as exc:  # noqa: BLE001 - e.g. the bus went away: say so for this file and go on
            log.exception("watched file %s got no outcome", ex.shown_path(path))
            await self._emit_safely(ex.Examined(ex.FAILED, ex.shown_path(path), ex.shown_path(root),
                                                f"could not be ingested: {describe(exc)}"))

    async def _emit_safely(self, examined: ex.Examined) -> None:
        try:
            await self._emit(examined)
        except Exception:  # noqa: BLE001 - nothing left to tell it with; the log has it
            log.exception("could not publish the outcome of %s", examined.path)

    async def _emit(self, examined: ex.Examined) -> ex.Examined:
        route = ROUTES.get(examined.kind)
        if route is not None:
            message = examined.record if examined.record is not None else ex.file_event(examined)
            await self.bus.publish(route, encode(message))
        if examined.kind in (ex.FAILED, ex.SKIPPED):
            log.info("%s %s: %s", examined.kind, examined.path, examined.reason)
        if self.on_outcome is not None:
            self.on_outcome(examined)
        return examined


def innermost(exc: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups, which anyio wraps the watcher's errors in."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def list_files(target: Path) -> tuple[list[Path], list[ex.Examined]]:
    """Every file below target, symlinked folders not followed (no loops), unreadable folders reported.

    Walks with an explicit stack, so a tree of any depth is listed without recursion.
    """
    if not target.is_dir():
        return [target], []
    files: list[Path] = []
    problems: list[ex.Examined] = []
    shown_root = ex.shown_path(target)
    folders = [target]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as error:
            problems.append(ex.Examined(ex.FAILED, ex.shown_path(folder), shown_root, ex.os_reason(error)))
            continue
        below: list[Path] = []
        for entry in listed:
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
                links_to_folder = entry.is_symlink() and entry.is_dir()
            except OSError:
                is_folder = links_to_folder = False
            if is_folder and entry.name.startswith("."):
                continue  # hidden folders (.thumbnails, .git) are not photo albums
            if links_to_folder:
                problems.append(ex.Examined(ex.SKIPPED, ex.shown_path(entry.path), shown_root, LINK_TO_FOLDER))
            elif is_folder:
                below.append(Path(entry.path))
            else:
                files.append(Path(entry.path))
        folders.extend(reversed(below))  # the first subfolder is listed next: top-down, in name order
    return files, problems
