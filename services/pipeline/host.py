"""The service host: one process's bus, consumers and entrypoints, set up once and closed in reverse on stop.

`picsift up` and `picsift service NAME` are the same host with different parts, in the spirit of nameko's
container: the consumers and the entrypoints (ingest's scan and watch, the HTTP server) run on dependencies
the host opens and closes (the bus, the record store).
"""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from typing import Callable, Protocol

from services.pipeline.bus import Bus
from services.pipeline.metrics import StageMetrics
from services.pipeline.runner import StageRunner
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import Stage
from services.pipeline.stages import TOPOLOGY

log = logging.getLogger("picsift")


class Closable(Protocol):
    def close(self) -> None: ...


class Entrypoint(Protocol):
    """Something besides the consumers that starts work in the process: ingest, the HTTP server."""

    async def start(self) -> None: ...

    async def run(self, stop: asyncio.Event) -> None: ...

    async def close(self) -> None: ...


async def declare_topology(bus: Bus, settings: PipelineSettings) -> None:
    """Every consumer's queue and keys up front, so nothing published before a consumer first starts is lost."""
    for stage in settings.stages:
        await bus.declare(stage, TOPOLOGY[stage])


@dataclass
class Pipeline:
    """Bus, store, consumer stages and entrypoints; start() subscribes, stop() drains and closes."""

    settings: PipelineSettings
    bus: Bus
    store: Closable | None
    stages: list[Stage]
    entrypoints: list[Entrypoint] = field(default_factory=list)
    metrics: StageMetrics = field(default_factory=StageMetrics)

    async def start(self) -> None:
        await self.bus.start()
        for stage in self.stages:
            await StageRunner(stage, self.settings, self.metrics).start(self.bus)

    async def stop(self) -> None:
        await self.bus.stop()
        for stage in self.stages:
            stage.close()
        if self.store is not None:
            self.store.close()

    async def run(self, stop: asyncio.Event, on_ready: Callable[[], None] = lambda: None) -> None:
        """Start every part, run until stop is set (in-flight messages drain), then close in reverse order."""
        await self.start()
        started: list[Entrypoint] = []
        try:
            if not self.settings.is_memory:
                await declare_topology(self.bus, self.settings)
            if self.settings.metrics_port:
                self.metrics.serve(self.settings.metrics_port)
            for entrypoint in self.entrypoints:
                await entrypoint.start()
                started.append(entrypoint)
            on_ready()
            await asyncio.gather(stop.wait(), *(entrypoint.run(stop) for entrypoint in started))
            log.info("stopping: finishing in-flight messages")
        finally:
            for entrypoint in reversed(started):
                await entrypoint.close()
            await self.stop()


def until_signalled() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so services stop cleanly instead of dying mid-message."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
