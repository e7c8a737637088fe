"""The service host: one process's bus, stages, and optionally ingest and the gateway, set up once, closed on stop.

`picsift up` and `picsift service NAME` are the same host with a different set of parts (in the spirit of
nameko's container: entrypoints are the consumers, ingest and HTTP; dependencies are set up and closed here).
"""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from services.app.wiring import Pipeline, declare_topology, serve_gateway
from services.gateway.app import Ops
from services.ingest.service import IngestService

log = logging.getLogger("picsift")


@dataclass
class Host:
    pipeline: Pipeline
    ingest: IngestService | None = None
    roots: list[Path] = field(default_factory=list)
    gateway: object | None = None
    address: tuple[str, int] = ("127.0.0.1", 8080)
    on_ready: Callable[[], None] = lambda: None

    async def run(self, stop: asyncio.Event) -> None:
        """Start every part, run until stop is set (SIGTERM drains in-flight messages), close in reverse order."""
        settings = self.pipeline.settings
        await self.pipeline.start()
        runner = None
        try:
            if not settings.is_memory:
                await declare_topology(self.pipeline.bus, settings)
            if settings.metrics_port:
                self.pipeline.metrics.serve(settings.metrics_port)
            if self.gateway is not None:
                runner = await serve_gateway(self.gateway, *self.address)
            self.on_ready()
            if self.ingest is not None:
                results = await self.ingest.scan(self.roots)
                log.info("scanned %d files under %s; watching for changes", len(results),
                         ", ".join(map(str, self.roots)))
                await self.ingest.watch(self.roots, stop)
            else:
                await stop.wait()
            log.info("stopping: finishing in-flight messages")
        finally:
            if self.ingest is not None:
                self.ingest.close()
            if runner is not None:
                await runner.cleanup()
            await self.pipeline.stop()

    def ops(self) -> Ops:
        """What the gateway may show and do here: queues, dead letters, replay, and a rescan when ingest runs."""
        bus, names = self.pipeline.bus, [s.name for s in self.pipeline.stages] or self.pipeline.settings.stages

        async def dead_letters() -> list[dict]:
            return [{"stage": name, **letter.as_dict()} for name in names for letter in await bus.dead_letters(name)]

        async def queues() -> dict[str, int]:
            return {name: await bus.queue_depth(name) for name in names}

        async def rescan() -> int:
            return len(await self.ingest.scan(self.roots))

        return Ops(rescan=rescan if self.ingest is not None else None, dead_letters=dead_letters,
                   replay=bus.replay_dead_letters, queues=queues, registry=self.pipeline.metrics.registry)


def until_signalled() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so services stop cleanly instead of dying mid-message."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
