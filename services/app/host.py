"""The entrypoints the host runs besides its consumers (ingest, the gateway), and what admins may do through it."""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from services.app.wiring import serve_gateway
from services.gateway.app import Ops
from services.ingest.service import IngestService
from services.media.containment import is_inside
from services.pipeline.host import Pipeline

log = logging.getLogger("picsift")


@dataclass
class IngestEntrypoint:
    """Watch the roots until stop, scanning them once the watcher is up (a file written during the scan is seen)."""

    ingest: IngestService
    roots: list[Path]

    async def start(self) -> None:
        return None

    async def run(self, stop: asyncio.Event) -> None:
        watching = asyncio.Event()
        watcher = asyncio.create_task(self.ingest.watch(self.roots, stop, watching))
        ready = asyncio.create_task(watching.wait())
        try:
            await asyncio.wait([watcher, ready], return_when=asyncio.FIRST_COMPLETED)
            if not watcher.done():
                results = await self.ingest.scan(self.roots)
                log.info("scanned %d files under %s while watching them", len(results), ", ".join(map(str, self.roots)))
            await watcher
        finally:
            ready.cancel()
            watcher.cancel()

    async def close(self) -> None:
        self.ingest.close()

    async def rescan(self) -> int:
        return len(await self.ingest.scan(self.roots))

    async def ingest_path(self, path: Path) -> dict:
        """One file through ingest now (an upload, a retry of a failed file), under the root holding it on disk."""
        real = os.path.realpath(path)
        root = next((r for r in self.roots if is_inside(real, [str(r)])), None)
        if root is None:
            return {"outcome": "not watched", "id": "", "reason": "outside the media folders this picsift watches"}
        examined = await self.ingest.ingest_file(root / os.path.relpath(real, os.path.realpath(root)), root)
        return {"outcome": examined.kind, "id": examined.id, "reason": examined.reason}


@dataclass
class GatewayEntrypoint:
    """The HTTP server of the gateway, on host:port."""

    gateway: object
    address: tuple[str, int]
    runner: object | None = field(default=None, repr=False)

    async def start(self) -> None:
        self.runner = await serve_gateway(self.gateway, *self.address)

    async def run(self, stop: asyncio.Event) -> None:
        return None

    async def close(self) -> None:
        await self.runner.cleanup()


def ops(pipeline: Pipeline, ingest: IngestEntrypoint | None = None) -> Ops:
    """What the gateway may show and do here: queues, dead letters, replay, and a rescan and ingesting one file
    when ingest runs."""
    bus, names = pipeline.bus, [s.name for s in pipeline.stages] or pipeline.settings.stages

    async def dead_letters() -> list[dict]:
        return [{"stage": name, **letter.as_dict()} for name in names for letter in await bus.dead_letters(name)]

    async def queues() -> dict[str, int]:
        return {name: await bus.queue_depth(name) for name in names}

    return Ops(rescan=ingest.rescan if ingest else None, ingest=ingest.ingest_path if ingest else None,
               dead_letters=dead_letters,
               replay=bus.replay_dead_letters, queues=queues, registry=pipeline.metrics.registry)
