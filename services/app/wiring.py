"""Wires adapters to ports: the only place that knows every service (entrypoints use it)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from services.ingest.catalog import Catalog
from services.ingest.decoding import IsolatedDecoder
from services.ingest.examine import Examined
from services.ingest.formats import register_openers
from services.ingest.service import IngestService
from services.ingest.settings import IngestSettings
from services.pipeline.bus import Bus
from services.pipeline.factory import make_bus
from services.pipeline.layout import thumbs_dir
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.metrics import StageMetrics
from services.pipeline.runner import StageRunner
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import INGESTED, VISION, Stage, reprocess_key
from services.search.index.port import Index
from services.search.index.sqlite import SqliteIndex
from services.search.settings import SearchSettings
from services.search.indexer import build_indexer
from services.search.store import RecordStore

log = logging.getLogger(__name__)


def store_path(settings: PipelineSettings) -> Path:
    return settings.data_dir / "picsift.db"


# Which keys each consumer stage takes; declared up front so nothing published before a consumer first starts is lost.
TOPOLOGY: dict[str, tuple[str, ...]] = {
    "exif": (INGESTED, reprocess_key("exif")),
    "vision": (INGESTED, reprocess_key("vision")),
    "semantic": (VISION, reprocess_key("semantic")),
    "indexer": ("photo.#", "file.#"),
}


async def declare_topology(bus: Bus, settings: PipelineSettings) -> None:
    for stage in settings.stages:
        await bus.declare(stage, TOPOLOGY[stage])


def analysis_stages(settings: PipelineSettings) -> dict[str, Callable[[], Stage]]:
    """Each analysis stage by service name, built on demand."""
    from services.exif.service import build_stage as exif_stage
    from services.exif.settings import ExifSettings
    from services.semantic.service import build_stage as semantic_stage
    from services.semantic.settings import SemanticSettings

    stages = {"exif": lambda: exif_stage(ExifSettings()), "semantic": lambda: semantic_stage(SemanticSettings())}
    vision = vision_factory()
    if vision is not None:
        stages["vision"] = vision
    return stages


def vision_factory() -> Callable[[], Stage] | None:
    """The vision stage on the local runtime, or None (said in the log) while its models are not built."""
    from services.vision.build import read_manifest
    from services.vision.classify import MODEL
    from services.vision.runtime.local import LocalRuntime
    from services.vision.service import build_stage as vision_stage
    from services.vision.settings import VisionSettings

    settings = VisionSettings()
    manifest = read_manifest(settings.models_dir)["models"]
    if MODEL not in manifest:
        log.warning("vision is off: no models in %s (run `picsift models build`)", settings.models_dir)
        return None
    def runtime():
        if settings.serving_target:
            from services.vision.runtime.grpc_serving import GrpcRuntime

            versions = {name: entry["version"] for name, entry in manifest.items()}
            return GrpcRuntime(settings.serving_target, versions, settings.serving_deadline_seconds)
        return LocalRuntime(settings.models_dir, settings.vision_threads)

    return lambda: vision_stage(settings, runtime(), manifest)


@dataclass
class Pipeline:
    """Bus, store and the stages a process hosts; start() subscribes them, stop() drains and closes."""

    settings: PipelineSettings
    bus: Bus
    store: RecordStore | None
    stages: list[Stage]
    metrics: StageMetrics = field(default_factory=StageMetrics)

    async def start(self) -> None:
        await self.bus.start()
        for stage in self.stages:
            await StageRunner(stage, self.settings, self.metrics).start(self.bus)

    async def stop(self) -> None:
        await self.bus.stop()
        if self.store is not None:
            self.store.close()


def open_index(settings: PipelineSettings) -> Index:
    """The search index: SQLite beside the record store (the embedded default) or Elasticsearch."""
    search = SearchSettings()
    if search.is_elastic:
        from services.search.index.elastic import ElasticIndex

        return ElasticIndex(search.index, search.index_name)
    if search.index != "sqlite":
        raise ValueError(f"PICSIFT_INDEX={search.index!r}: use 'sqlite' or an http(s):// Elasticsearch URL")
    return SqliteIndex(store_path(settings), search.store_timeout_seconds)


def open_store(settings: PipelineSettings) -> RecordStore:
    """The record store, waiting at most the configured time for a lock."""
    return RecordStore(store_path(settings), SearchSettings().store_timeout_seconds)


def indexer_stage(settings: PipelineSettings, store: RecordStore) -> Stage:
    return build_indexer(store, open_index(settings))


def embedded_pipeline(settings: PipelineSettings) -> Pipeline:
    """Every stage in this process on the in-memory bus, writing the SQLite store and index."""
    store = open_store(settings)
    stages = [indexer_stage(settings, store), *(make() for make in analysis_stages(settings).values())]
    return Pipeline(settings, InMemoryBus(), store, stages)


def service_pipeline(settings: PipelineSettings, name: str) -> Pipeline:
    """One named consumer service on the configured bus."""
    factories = analysis_stages(settings)
    if name in ("indexer", "search"):
        store = open_store(settings)
        return Pipeline(settings, make_bus(settings), store, [indexer_stage(settings, store)])
    if name in factories:
        return Pipeline(settings, make_bus(settings), None, [factories[name]()])
    raise KeyError(name)


def make_ingest(settings: PipelineSettings, ingest_settings: IngestSettings, bus: Bus,
                on_outcome: Callable[[Examined], None] | None = None) -> IngestService:
    register_openers()
    catalog = Catalog(settings.data_dir / "ingest.db")
    decoder = IsolatedDecoder(ingest_settings.workers, ingest_settings.decode_seconds)
    return IngestService(ingest_settings, bus, catalog, thumbs_dir(settings.data_dir), on_outcome, decoder)


def open_users(settings: PipelineSettings):
    from services.gateway.users import UserStore

    return UserStore(settings.data_dir / "users.db")


def build_gateway(settings: PipelineSettings, store: RecordStore, ops=None):
    """The gateway over this process's record store and search index."""
    from services.gateway.app import Gateway, Ops
    from services.gateway.settings import GatewaySettings
    from services.search.api import SearchService

    return Gateway(GatewaySettings(), settings.data_dir, store, SearchService(open_index(settings)),
                   open_users(settings), ops or Ops())


async def serve_gateway(gateway, host: str, port: int):
    """Start the gateway's HTTP server; returns the runner to clean up."""
    from aiohttp import web

    from services.gateway.app import create_app

    runner = web.AppRunner(create_app(gateway), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
