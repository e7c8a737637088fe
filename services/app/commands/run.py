"""`picsift up` and `picsift service NAME`: the long-running hosts, stopped cleanly by SIGINT or SIGTERM."""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path

import click

from services.app.output import EXIT_DONE, CommandError, json_option
from services.pipeline.stages import CONSUMERS

log = logging.getLogger("picsift")
SERVICES = ("ingest", *CONSUMERS, "search", "gateway")  # "search" is the indexer's older name


@click.command("up", short_help="Everything in one process, watching the media, the gallery on HOST:PORT.")
@click.option("--media", type=click.Path(path_type=Path), multiple=True,
              help="A media folder to index and watch (repeatable; default: PICSIFT_MEDIA_ROOT).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the gallery listens on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port the gallery listens on.")
@click.option("--tls-cert", type=click.Path(path_type=Path), help="Serve HTTPS with this certificate (PEM).")
@click.option("--tls-key", type=click.Path(path_type=Path), help="The certificate's private key (PEM).")
@json_option
def cmd_up(media: tuple[Path, ...], host: str, port: int, tls_cert: Path | None, tls_key: Path | None,
           as_json: bool) -> int:
    """Run every service in one process on the embedded defaults, watching the media; the gallery on
    http://HOST:PORT/. With no users yet, an admin owning the media is made once the gallery listens."""
    from services.app.wiring import refuse_exposed_data_dir
    from services.gateway.settings import GatewaySettings
    from services.ingest.settings import IngestSettings
    from services.pipeline.settings import PipelineSettings

    settings = PipelineSettings()
    ingest_settings = IngestSettings()
    roots = list(media) or ingest_settings.media_root
    if not roots:
        raise CommandError("give a media folder with --media DIR or PICSIFT_MEDIA_ROOT")
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        raise CommandError(f"media folder not found: {', '.join(missing)}")
    refuse_exposed_data_dir(settings, roots)
    gateway_settings = GatewaySettings()
    if tls_cert:
        gateway_settings = gateway_settings.model_copy(update={"tls_cert": tls_cert, "tls_key": tls_key})
    return asyncio.run(run_up(roots, settings, ingest_settings, host, port, gateway_settings))


async def run_up(roots: list[Path], settings, ingest_settings, host: str, port: int, gateway_settings=None) -> int:
    from services.app.bootstrap import admin_password
    from services.app.host import GatewayEntrypoint, IngestEntrypoint, ops
    from services.app.wiring import build_gateway, embedded_pipeline, make_ingest
    from services.pipeline.host import until_signalled

    pipeline = embedded_pipeline(settings)
    ingest = IngestEntrypoint(make_ingest(settings, ingest_settings, pipeline.bus), roots)
    gateway = build_gateway(settings, pipeline.store, ops(pipeline, ingest), gateway_settings)
    password = admin_password()
    pipeline.entrypoints += [GatewayEntrypoint(gateway, (host, port)), ingest]
    scheme = "https" if gateway.settings.tls else "http"
    await pipeline.run(until_signalled(), lambda: listening(gateway.users, roots, password,
                                                            f"picsift is up: {scheme}://{host}:{port}/ (Ctrl-C stops it)"))
    return EXIT_DONE


def listening(users, roots: list[Path], password: str | None, line: str) -> None:
    """Once the gallery listens: the first admin (if there are no users), then the address."""
    from services.app.bootstrap import first_admin

    created = first_admin(users, roots, password)
    if created:
        print(created, flush=True)
    print(line, flush=True)


@click.command("service", short_help="One service on RabbitMQ: ingest, exif, vision, semantic, hashes, indexer, gateway.")
@click.argument("name", type=click.Choice(SERVICES))
@json_option
def cmd_service(name: str, as_json: bool) -> int:
    """Run the one service NAME against the configured bus (PICSIFT_BUS=amqp://...); the gateway also runs
    alone on the record store (PICSIFT_GATEWAY_HOST/_PORT)."""
    from services.pipeline.settings import PipelineSettings

    settings = PipelineSettings()
    if settings.is_memory and name != "gateway":
        raise CommandError("`picsift service` needs PICSIFT_BUS=amqp://... (use `picsift up` for one process)")
    return asyncio.run(run_service(name, settings))


async def run_service(name: str, settings) -> int:
    from services.app.bootstrap import admin_password
    from services.app.host import GatewayEntrypoint, IngestEntrypoint, ops
    from services.app.wiring import (
        build_gateway, make_ingest, refuse_exposed_data_dir, service_pipeline, store_path,
    )
    from services.gateway.settings import GatewaySettings
    from services.ingest.settings import IngestSettings
    from services.pipeline.factory import make_bus
    from services.pipeline.host import Pipeline, until_signalled
    from services.pipeline.memory_bus import InMemoryBus
    from services.search.store import RecordStore

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
    return EXIT_DONE


COMMANDS = (cmd_up, cmd_service)
