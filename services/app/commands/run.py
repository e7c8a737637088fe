"""`picsift up` and `picsift service NAME`: the long-running hosts, stopped cleanly by SIGINT or SIGTERM."""
from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from pathlib import Path

from services.app.output import CommandError
from services.app.wiring import (
    build_gateway, declare_topology, embedded_pipeline, make_ingest, serve_gateway, service_pipeline, store_path,
)
from services.gateway.app import Ops
from services.ingest.settings import IngestSettings
from services.pipeline.factory import make_bus
from services.pipeline.metrics import StageMetrics
from services.pipeline.settings import PipelineSettings
from services.pipeline.stages import CONSUMERS
from services.search.store import RecordStore

log = logging.getLogger("picsift")
SERVICES = ("ingest", *CONSUMERS, "search", "gateway")  # "search" is the indexer's older name


def register(command) -> None:
    up = command("up", "run every service in one process on the embedded defaults, watching the media", cmd_up)
    up.add_argument("--media", type=Path, action="append", help="media root (repeatable)")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8080)
    service = command("service", "run one service against the configured bus (RabbitMQ)", cmd_service)
    service.add_argument("name", choices=SERVICES)


def cmd_up(args) -> int:
    settings = PipelineSettings()
    ingest_settings = IngestSettings()
    roots = args.media or ingest_settings.media_root
    if not roots:
        raise CommandError("give a media folder with --media DIR or PICSIFT_MEDIA_ROOT")
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        raise CommandError(f"media folder not found: {', '.join(missing)}")
    return asyncio.run(run_up(roots, settings, ingest_settings, args.host, args.port))

async def run_up(roots: list[Path], settings: PipelineSettings, ingest_settings: IngestSettings,
                 host: str, port: int) -> int:
    stop = until_signalled()
    pipeline = embedded_pipeline(settings)
    await pipeline.start()
    ingest = make_ingest(settings, ingest_settings, pipeline.bus)
    ops = Ops(rescan=lambda: _count(ingest.scan(roots)), dead_letters=lambda: _dead_letters(pipeline),
              replay=pipeline.bus.replay_dead_letters, registry=pipeline.metrics.registry,
              queues=lambda: _queues(pipeline))
    gateway = build_gateway(settings, pipeline.store, ops)
    first_admin(gateway.users, roots)
    runner = await serve_gateway(gateway, host, port)
    print(f"picsift is up: http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    try:
        results = await ingest.scan(roots)
        log.info("scanned %d files under %s; watching for changes", len(results), ", ".join(map(str, roots)))
        await ingest.watch(roots, stop)
    finally:
        ingest.close()
        await runner.cleanup()
        await pipeline.stop()
    return 0

def cmd_service(args) -> int:
    settings = PipelineSettings()
    if settings.is_memory and args.name != "gateway":
        raise CommandError("`picsift service` needs PICSIFT_BUS=amqp://... (use `picsift up` for one process)")
    return asyncio.run(run_service(args.name, settings))

async def run_service(name: str, settings: PipelineSettings) -> int:
    stop = until_signalled()
    if name == "gateway":
        from services.gateway.settings import GatewaySettings

        gateway_settings = GatewaySettings()
        store = RecordStore(store_path(settings))
        bus = None if settings.is_memory else make_bus(settings)
        if bus is not None:
            await bus.start()
        runner = await serve_gateway(build_gateway(settings, store, bus_ops(bus, settings)),
                                     gateway_settings.host, gateway_settings.port)
        log.info("gateway on http://%s:%d/", gateway_settings.host, gateway_settings.port)
        await stop.wait()
        await runner.cleanup()
        if bus is not None:
            await bus.stop()
        store.close()
        return 0
    if name == "ingest":
        ingest_settings = IngestSettings()
        if not ingest_settings.media_root:
            raise CommandError("set PICSIFT_MEDIA_ROOT to the folder(s) to ingest, e.g. '[\"/photos\"]'")
        bus = make_bus(settings)
        await bus.start()
        await declare_topology(bus, settings)
        metrics = StageMetrics()
        if settings.metrics_port:
            metrics.serve(settings.metrics_port)
        ingest = make_ingest(settings, ingest_settings, bus, lambda done: metrics.count("ingest", done.kind))
        try:
            await ingest.scan(ingest_settings.media_root)
            log.info("initial scan done; watching %s", ", ".join(map(str, ingest_settings.media_root)))
            await ingest.watch(ingest_settings.media_root, stop)
        finally:
            ingest.close()
            await bus.stop()
        return 0
    try:
        pipeline = service_pipeline(settings, name)
    except KeyError:
        raise CommandError(f"service '{name}' is not available yet in this build of picsift") from None
    if settings.metrics_port:
        pipeline.metrics.serve(settings.metrics_port)
    await pipeline.start()
    await declare_topology(pipeline.bus, settings)
    log.info("service %s consuming from %s", name, settings.exchange)
    await stop.wait()
    log.info("stopping %s: finishing in-flight messages", name)
    await pipeline.stop()
    return 0

def bus_ops(bus, settings: PipelineSettings) -> Ops:
    """What the gateway can show and do on the bus: queue depths, dead letters, replay (none without a bus)."""
    if bus is None:
        return Ops()

    async def dead_letters() -> list[dict]:
        return [{"stage": stage, **d.as_dict()} for stage in settings.stages for d in await bus.dead_letters(stage)]

    async def queues() -> dict[str, int]:
        return {stage: await bus.queue_depth(stage) for stage in settings.stages}

    return Ops(dead_letters=dead_letters, replay=bus.replay_dead_letters, queues=queues)

async def _count(scan) -> int:
    return len(await scan)

async def _queues(pipeline) -> dict[str, int]:
    return {stage.name: await pipeline.bus.queue_depth(stage.name) for stage in pipeline.stages}

async def _dead_letters(pipeline) -> list[dict]:
    return [{"stage": stage.name, **letter.as_dict()}
            for stage in pipeline.stages for letter in await pipeline.bus.dead_letters(stage.name)]

def first_admin(users, roots: list[Path]) -> None:
    """On a first start with no users, an admin with a one-time password, printed once."""
    if users.count():
        return
    password = secrets.token_urlsafe(12)
    users.add("admin", password, [str(r) for r in roots], admin=True)
    print(f"created user 'admin' with the one-time password {password} "
          "(change it: picsift users passwd admin)", flush=True)

def until_signalled() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so services stop cleanly instead of dying mid-message."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
