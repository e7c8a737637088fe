"""Wires adapters to ports: the only place that knows every service (entrypoints use it)."""
from __future__ import annotations

import logging
import ssl
from functools import partial
from pathlib import Path
from typing import Callable

from services.app import registry
from services.app.output import CommandError
from services.ingest.catalog import Catalog
from services.media.decoders import IsolatedDecoder
from services.ingest.examine import Examined
from services.ingest.service import IngestService
from services.ingest.settings import IngestSettings
from services.media.containment import exposing_root
from services.media.formats import register_openers
from services.pipeline.bus import Bus
from services.pipeline.factory import make_bus
from services.pipeline.layout import thumbs_dir
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.host import Pipeline
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import Stage
from services.search.index.bitmap import BitmapIndex
from services.search.index.port import Index
from services.search.settings import SearchSettings
from services.search.indexer import build_indexer
from services.search.store import RecordStore

log = logging.getLogger(__name__)


def store_path(settings: PipelineSettings) -> Path:
    return settings.data_dir / "picsift.db"


def analysis_stages(share_decodes: bool = True) -> dict[str, Callable[[], Stage]]:
    """Each analysis stage that can run here, by name, built on demand; the ones built share their dependencies (a
    stage alone in its process decodes on its own: it would keep decodes no other stage asks for)."""
    provided: dict = {} if share_decodes else {"decodes": None}
    return {name: partial(registry.build, spec, provided) for name, spec in registry.runnable().items()}


def open_index(settings: PipelineSettings) -> Index:
    """The search index: bitmaps beside the record store (the embedded default) or Elasticsearch."""
    search = SearchSettings()
    if search.is_elastic:
        from services.search.index.elastic import ElasticIndex

        return ElasticIndex(search.index, search.index_name)
    return BitmapIndex.open(store_path(settings))


def writable_store(settings: PipelineSettings) -> RecordStore:
    """The record store, waiting at most the configured time for a lock."""
    return RecordStore(store_path(settings), SearchSettings().store_timeout_seconds)


def indexer_stage(settings: PipelineSettings, store: RecordStore) -> Stage:
    return build_indexer(store, open_index(settings))


def embedded_pipeline(settings: PipelineSettings) -> Pipeline:
    """Every stage of the settings (PICSIFT_STAGES; all by default) in this process on the in-memory bus, writing the
    SQLite store and index (the indexer always)."""
    store = writable_store(settings)
    stages = [indexer_stage(settings, store),
              *(make() for name, make in analysis_stages().items() if name in settings.stages)]
    return Pipeline(settings, InMemoryBus(), store, stages)


def service_pipeline(settings: PipelineSettings, name: str) -> Pipeline:
    """One named consumer service on the configured bus."""
    factories = analysis_stages(share_decodes=False)
    if name in ("indexer", "search"):
        store = writable_store(settings)
        return Pipeline(settings, make_bus(settings), store, [indexer_stage(settings, store)])
    if name in factories:
        return Pipeline(settings, make_bus(settings), None, [factories[name]()])
    raise KeyError(name)


def refuse_exposed_data_dir(settings: PipelineSettings, roots: list[Path]) -> None:
    """Every user's thumbnails must not be read as one user's photos: no data folder inside a media folder."""
    root = exposing_root(settings.data_dir, roots)
    if root is not None:
        raise CommandError(f"the data folder {settings.data_dir} lies inside the media folder {root}: its thumbnails "
                           "would be indexed as photos; set PICSIFT_DATA_DIR outside it (or in a hidden folder)")


def make_ingest(settings: PipelineSettings, ingest_settings: IngestSettings, bus: Bus,
                on_outcome: Callable[[Examined], None] | None = None) -> IngestService:
    register_openers()
    catalog = Catalog(settings.data_dir / "ingest.db")
    decoder = IsolatedDecoder(ingest_settings.workers, ingest_settings.decode_seconds)
    return IngestService(ingest_settings, bus, catalog, thumbs_dir(settings.data_dir), on_outcome, decoder)


def open_users(settings: PipelineSettings):
    from services.gateway.users import UserStore

    return UserStore(settings.data_dir / "users.db")


def build_gateway(settings: PipelineSettings, store: RecordStore, ops=None, gateway_settings=None):
    """The gateway over this process's record store and search index."""
    from services.gateway.app import Gateway, Ops
    from services.gateway.settings import GatewaySettings
    from services.search.api import SearchService
    from services.search.pool import ReaderPool

    gateway_settings = gateway_settings or GatewaySettings()
    readers = None
    if gateway_settings.search_processes and not SearchSettings().is_elastic:
        readers = ReaderPool(BitmapIndex.open, str(store_path(settings)), gateway_settings.search_processes)
    return Gateway(gateway_settings, settings.data_dir, store, SearchService(open_index(settings), readers),
                   open_users(settings), ops or Ops())


async def serve_gateway(gateway, host: str, port: int):
    """Start the gateway's HTTP server (HTTPS with a certificate set); returns the runner to clean up."""
    from aiohttp import web

    from services.gateway.app import create_app
    from services.gateway.audit import AccessLogger, access

    tls = tls_context(gateway.settings.tls_cert, gateway.settings.tls_key) if gateway.settings.tls else None
    runner = web.AppRunner(create_app(gateway), access_log=access, access_log_class=AccessLogger)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, ssl_context=tls).start()
    except OSError as exc:  # port in use, a host that does not resolve or is not this machine's: one line, no trace
        await runner.cleanup()
        reason = exc.strerror or str(exc)
        raise CommandError(f"cannot listen on {host}:{port}: {reason} (choose another --host/--port, or "
                           "PICSIFT_GATEWAY_HOST/_PORT)") from None
    return runner


def tls_context(cert: Path, key: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise CommandError(f"cannot serve HTTPS with {cert} and {key}: {exc}") from None
    return context


def open_store() -> RecordStore:
    """The record store of an existing library, for commands that read it."""
    path = store_path(PipelineSettings())
    if not path.exists():
        raise CommandError(f"no index at {path} yet: run `picsift index PATH` or `picsift up` first")
    return RecordStore(path)
