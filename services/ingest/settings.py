"""Ingest settings: which roots to read, how to tell a file is complete, thumbnail sizes."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.pipeline.layout import THUMB_SIZES


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_", extra="ignore")

    media_root: list[Path] = Field(default_factory=list, description="roots to scan and watch")
    thumb_sizes: tuple[int, ...] = THUMB_SIZES
    stable_seconds: float = Field(1.0, ge=0, description="a file must keep size and mtime this long")
    poll: bool = Field(False, description="poll instead of inotify (network filesystems)")
    poll_interval_ms: int = 2000
    workers: int = Field(2, ge=1, description="files hashed and decoded at once")
    decode_seconds: float = Field(60.0, gt=0, description="a file whose decoding takes longer fails with that reason")
    min_free_bytes: int = Field(256 << 20, ge=0, description="below this much free space ingest pauses")
    disk_check_seconds: float = Field(5.0, gt=0, description="how often a paused ingest looks again")
