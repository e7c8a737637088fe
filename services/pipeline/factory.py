"""Chooses the Bus adapter from settings (used by entrypoints only)."""
from services.pipeline.bus import Bus
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.settings import PipelineSettings


def make_bus(settings: PipelineSettings) -> Bus:
    if settings.is_memory:
        return InMemoryBus()
    if settings.bus.startswith(("amqp://", "amqps://")):
        from services.pipeline.rabbit_bus import RabbitBus

        return RabbitBus(settings.bus, settings.exchange, settings.connect_timeout_seconds)
    raise ValueError(f"PICSIFT_BUS must be 'memory' or an amqp:// URL, not {settings.bus!r}")
