"""Settings shared by every service: bus, data dir, retries (env prefix PICSIFT_, embedded defaults)."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.pipeline.stages import CONSUMERS


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "picsift"


class PipelineSettings(BaseSettings):
    """How services reach each other; the defaults run everything in one process."""

    model_config = SettingsConfigDict(env_prefix="PICSIFT_", extra="ignore")

    bus: str = Field("memory", description="'memory' or an amqp:// URL")
    exchange: str = Field("picsift", description="topic exchange and queue-name prefix")
    data_dir: Path = Field(default_factory=default_data_dir)
    max_attempts: int = Field(5, ge=1, description="deliveries before a failing message is dead-lettered")
    retry_base_seconds: float = Field(1.0, gt=0)
    retry_max_seconds: float = Field(300.0, gt=0)
    prefetch: int = Field(16, ge=1)
    connect_timeout_seconds: float = Field(300.0, gt=0, description="how long to wait for the broker at start")
    stages: list[str] = Field(default_factory=lambda: list(CONSUMERS),
                              description="the consumer stages this deployment runs; their queues exist from the start")
    metrics_port: int = Field(0, ge=0, description="serve /metrics on this port; 0 = off")

    @field_validator("bus")
    @classmethod
    def _bus(cls, value: str) -> str:
        if value == "memory" or value.startswith(("amqp://", "amqps://")):
            return value
        raise ValueError("expected memory or amqp://user:pass@host:5672/vhost")

    @property
    def is_memory(self) -> bool:
        return self.bus == "memory"
