"""Per-stage counters for Prometheus: received, done, retried, dead-lettered, seconds."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server


class StageMetrics:
    """One set of stage metrics in a registry the entrypoint owns."""

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        self.messages = Counter(
            "picsift_stage_messages_total", "Messages by stage and outcome", ["stage", "outcome"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "picsift_stage_seconds", "Time a stage spent on one message", ["stage"], registry=self.registry,
        )

    def count(self, stage: str, outcome: str) -> None:
        self.messages.labels(stage, outcome).inc()

    def value(self, stage: str, outcome: str) -> float:
        """Current count, for status views and tests."""
        return self.registry.get_sample_value(
            "picsift_stage_messages_total", {"stage": stage, "outcome": outcome}
        ) or 0.0

    def serve(self, port: int) -> None:
        start_http_server(port, registry=self.registry)
