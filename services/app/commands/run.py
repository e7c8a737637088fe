"""`picsift up` and `picsift service NAME`: the long-running hosts, stopped cleanly by SIGINT or SIGTERM."""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path

from services.app.bootstrap import admin_password, first_admin
from services.app.host import GatewayEntrypoint, IngestEntrypoint, ops
from services.app.output import CommandError
from services.app.wiring import (
    build_gateway, embedded_pipeline, make_ingest, refuse_exposed_data_dir, service_pipeline, store_path,
)
from services.gateway.settings import GatewaySettings
from services.ingest.settings import IngestSettings
from services.pipeline.factory import make_bus
from services.pipeline.host import Pipeline, until_signalled
from services.pipeline.memory_bus import InMemoryBus
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
    up.add_argument("--tls-cert", type=Path, help="serve HTTPS with this certificate (PEM)")
    up.add_argument("--tls-key", type=Path, help="the certificate's private key (PEM)")
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
    refuse_exposed_data_dir(settings, roots)
    gateway_settings = GatewaySettings()
    if args.tls_cert:
        gateway_settings = gateway_settings.model_copy(update={"tls_cert": args.tls_cert, "tls_key": args.tls_key})
    return asyncio.run(run_up(roots, settings, ingest_settings, args.host, args.port, gateway_settings))


async def run_up(roots: list[Path], settings: PipelineSettings, ingest_settings: IngestSettings,
                 host: str, port: int, gateway_settings: GatewaySettings | None = None) -> int:
    pipeline = embedded_pipeline(settings)
    ingest = IngestEntrypoint(make_ingest(settings, ingest_settings, pipeline.bus), roots)
    gateway = build_gateway(settings, pipeline.store, ops(pipeline, ingest), gateway_settings)
    password = admin_password()
    pipeline.entrypoints += [GatewayEntrypoint(gateway, (host, port)), ingest]
    scheme = "https" if gateway.settings.tls else "http"
    await pipeline.run(until_signalled(), lambda: listening(gateway.users, roots, password,
                                                            f"picsift is up: {scheme}://{host}:{port}/ (Ctrl-C stops it)"))
    return 0


def listening(users, roots: list[Path], password: str | None, line: str) -> None:
    """Once the gallery listens: the first admin (if there are no users), then the address."""
    created = first_admin(users, roots, password)
    if created:
        print(created, flush=True)
    print(line, flush=True)


def cmd_service(args) -> int:
    settings = PipelineSettings()
    if settings.is_memory and args.name != "gateway":
        raise CommandError("`picsift service` needs PICSIFT_BUS=amqp://... (use `picsift up` for one process)")
    return asyncio.run(run_service(args.name, settings))


async def run_service(name: str, settings: PipelineSettings) -> int:
    if name == "gateway":
        gateway_settings = GatewaySettings()
        store = RecordStore(store_path(settings))
        pipeline = Pipeline(settings, InMemoryBus() if settings.is_memory else make_bus(settings), store, [])
        gateway = build_gateway(settings, store, ops(pipeline))
        address = (gateway_settings.host, gateway_settings.port)
        pipeline.entrypoints.append(GatewayEntrypoint(gateway, address))
        password, roots = admin_password(), IngestSettings().media_root
        ready = partial(listening, gateway.users, roots, password, "gateway listening on %s:%s" % address)
    else:
        ready = partial(print, end="", flush=True)  # nothing to say: the service logs its start
    if name == "ingest":
        ingest_settings = IngestSettings()
        if not ingest_settings.media_root:
            raise CommandError("set PICSIFT_MEDIA_ROOT to the folder(s) to ingest, e.g. /photos or /photos:/scans")
        refuse_exposed_data_dir(settings, ingest_settings.media_root)
        pipeline = Pipeline(settings, make_bus(settings), None, [])
        ingest = make_ingest(settings, ingest_settings, pipeline.bus,
                             lambda done: pipeline.metrics.count("ingest", done.kind))
        pipeline.entrypoints.append(IngestEntrypoint(ingest, ingest_settings.media_root))
    elif name != "gateway":
        try:
            pipeline = service_pipeline(settings, name)
        except KeyError:
            raise CommandError(f"service '{name}' is not available in this build of picsift") from None
    log.info("service %s on %s", name, "the in-memory bus" if settings.is_memory else settings.exchange)
    await pipeline.run(until_signalled(), ready)
    return 0
