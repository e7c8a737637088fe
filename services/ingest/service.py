"""The ingest service: scans and watches media roots, publishing one typed outcome per file."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Callable, Iterable

from watchfiles import Change, awatch

from services.ingest import examine as ex
from services.ingest.catalog import Catalog
from services.ingest.settings import IngestSettings
from services.pipeline.bus import Bus
from services.pipeline.stage import FILE_FAILED, FILE_REMOVED, FILE_SKIPPED, INGESTED, PATH_ADDED, encode

log = logging.getLogger(__name__)
Listener = Callable[[ex.Examined], None]
ROUTES = {ex.NEW: INGESTED, ex.DUPLICATE: PATH_ADDED, ex.MOVED: PATH_ADDED,
          ex.SKIPPED: FILE_SKIPPED, ex.FAILED: FILE_FAILED, ex.REMOVED: FILE_REMOVED}


class IngestService:
    """Producer of photo.ingested / photo.path_added / file.* messages."""

    def __init__(self, settings: IngestSettings, bus: Bus, catalog: Catalog, thumbs_dir: Path,
                 on_outcome: Listener | None = None):
        self.settings = settings
        self.bus = bus
        self.catalog = catalog
        self.thumbs_dir = thumbs_dir
        self.on_outcome = on_outcome
        self._gate = asyncio.Semaphore(settings.workers)
        self._claimed: set[str] = set()
        self.thumbs_dir.parent.mkdir(parents=True, exist_ok=True)

    async def scan(self, targets: Iterable[Path]) -> list[ex.Examined]:
        """Ingest every file under each target (a folder or one file); forget paths that are gone."""
        results: list[ex.Examined] = []
        for target in targets:
            target = Path(os.path.abspath(target))
            root = target if target.is_dir() else target.parent
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
        async with self._gate:
            await self.wait_for_disk()
            examined = await asyncio.to_thread(
                ex.examine, path, root, self.catalog, self.thumbs_dir, self.settings.thumb_sizes)
        if examined.kind == ex.NEW:
            if examined.id in self._claimed:
                examined.kind = ex.DUPLICATE  # the same bytes at another path earlier in this run
            self._claimed.add(examined.id)
        await self._emit(examined)
        if examined.is_photo:  # only now: a crash before the publish leaves the file to be seen again
            await asyncio.to_thread(self.catalog.remember, examined.path, examined.root, examined.bytes,
                                    examined.mtime_ns, examined.id)
        return examined

    async def remove(self, path: Path, root: Path) -> ex.Examined:
        """A deleted file (or folder) leaves the index; its photo keeps its analysis for a later move."""
        removed = [str(path)] if self.catalog.seen(str(path)) else sorted(self.catalog.paths_under(str(path)))
        last = ex.Examined(ex.REMOVED, str(path), str(root))
        for one in removed:
            last = ex.Examined(ex.REMOVED, one, str(root), id=self.catalog.forget(one) or "")
            await self._emit(last)
        return last

    async def watch(self, roots: list[Path], stop: asyncio.Event) -> None:
        """Follow changes until stop is set; a file is ingested once it has stopped changing."""
        roots = [Path(os.path.abspath(r)) for r in roots]
        pending: dict[str, asyncio.Task] = {}
        async for changes in awatch(*roots, stop_event=stop, force_polling=self.settings.poll,
                                    poll_delay_ms=self.settings.poll_interval_ms, recursive=True):
            for change, raw in changes:
                path = Path(raw)
                root = next((r for r in roots if path.is_relative_to(r)), path.parent)
                if change == Change.deleted:
                    await self.remove(path, root)
                    continue
                if path.is_dir():  # a folder moved or copied in; a modified folder just gained an entry
                    files = (await asyncio.to_thread(list_files, path))[0] if change == Change.added else []
                else:
                    files = [path]
                for file in files:
                    key = str(file)
                    if key not in pending or pending[key].done():
                        pending[key] = asyncio.create_task(self._when_stable(file, root))
            for key in [k for k, task in pending.items() if task.done()]:
                pending.pop(key)
        for task in pending.values():
            task.cancel()

    async def _when_stable(self, path: Path, root: Path) -> None:
        while not await asyncio.to_thread(ex.is_stable, path, self.settings.stable_seconds):
            log.debug("%s is still being written", path)
        if path.exists():
            await self.ingest_file(path, root)

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


def list_files(target: Path) -> tuple[list[Path], list[ex.Examined]]:
    """Every file below target, symlinked folders not followed (no loops), unreadable folders reported."""
    if not target.is_dir():
        return [target], []
    files: list[Path] = []
    problems: list[ex.Examined] = []

    def on_error(error: OSError) -> None:
        problems.append(ex.Examined(ex.FAILED, str(error.filename), str(target), ex.os_reason(error)))

    for folder, dirs, names in os.walk(target, followlinks=False, onerror=on_error):
        base = Path(folder)
        for name in list(dirs):
            if (base / name).is_symlink():
                problems.append(ex.Examined(ex.SKIPPED, str(base / name), str(target),
                                            "symbolic link to a folder: not followed"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(base / name for name in sorted(names))
    return files, problems
