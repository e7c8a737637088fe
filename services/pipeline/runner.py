"""Hosts a stage on a bus: decode, handle, encode, and turn failures into retries or dead letters."""
from __future__ import annotations

import contextvars
import logging
import time

from services.pipeline.bus import Bus, Delivery, Disposition
from services.pipeline.errors import Reject, Retry
from services.pipeline.metrics import StageMetrics
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import Stage, decode, encode

log = logging.getLogger(__name__)
_message: contextvars.ContextVar[dict] = contextvars.ContextVar("picsift_message", default={})


def current_message() -> dict:
    """The stage and photo id of the message this task is handling (for log lines)."""
    return _message.get()


def backoff_seconds(attempt: int, settings: PipelineSettings) -> float:
    """Exponential backoff after the given (1-based) failed attempt, capped."""
    return min(settings.retry_base_seconds * 2 ** (attempt - 1), settings.retry_max_seconds)


class StageRunner:
    """Runs one stage's handler for each delivery and decides its disposition."""

    def __init__(self, stage: Stage, settings: PipelineSettings, metrics: StageMetrics):
        self.stage = stage
        self.settings = settings
        self.metrics = metrics

    async def start(self, bus: Bus) -> None:
        await bus.subscribe(self.stage.name, self.stage.subscribes, self.handle, self.stage.prefetch)

    async def handle(self, delivery: Delivery) -> Disposition:
        name = self.stage.name
        self.metrics.count(name, "received")
        started = time.perf_counter()
        token = _message.set({"stage": name, "routing_key": delivery.routing_key, "attempt": delivery.attempt})
        try:
            message = decode(delivery.routing_key, delivery.body)
            _message.set({**_message.get(), "photo_id": getattr(message, "id", "") or getattr(message, "path", "")})
            outgoing = await self.stage.handle(delivery.routing_key, message)
            self.metrics.count(name, "done")
            return Disposition(publish=[(key, encode(out)) for key, out in outgoing])
        except Reject as exc:
            return self._dead(delivery, f"rejected: {exc.reason}")
        except Exception as exc:  # noqa: BLE001 - any other failure is retried, then dead-lettered
            reason = exc.reason if isinstance(exc, Retry) else f"{type(exc).__name__}: {exc}"
            if delivery.attempt >= self.settings.max_attempts:
                return self._dead(delivery, f"gave up after {delivery.attempt} attempts: {reason}")
            delay = backoff_seconds(delivery.attempt, self.settings)
            log.warning("%s: attempt %d failed (%s); retry in %.1fs", name, delivery.attempt, reason, delay)
            self.metrics.count(name, "retried")
            return Disposition(retry_after=delay)
        finally:
            self.metrics.seconds.labels(name).observe(time.perf_counter() - started)
            _message.reset(token)

    def _dead(self, delivery: Delivery, reason: str) -> Disposition:
        log.error("%s: dead-lettered %s: %s", self.stage.name, delivery.routing_key, reason)
        self.metrics.count(self.stage.name, "dead")
        return Disposition(dead_reason=reason)
