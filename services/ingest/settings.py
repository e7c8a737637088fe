"""Ingest settings: which roots to read, how to tell a file is complete, thumbnail sizes."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.pipeline.layout import MADE_AT_INGEST


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_", extra="ignore")

    media_root: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="roots to scan and watch: one folder, several joined by `:`, or a JSON list")
    thumb_sizes: tuple[int, ...] = Field(MADE_AT_INGEST, description="thumbnail sizes made at ingest; the gallery's "
                                         "other sizes are made when a photo is first opened (e.g. [320, 1280]: all now)")
    stable_seconds: float = Field(1.0, ge=0, description="a file must keep size and mtime this long")
    poll: bool = Field(False, description="poll instead of inotify (network filesystems)")
    poll_interval_ms: int = 2000
    workers: int = Field(2, ge=1, description="files hashed and decoded at once")
    decode_seconds: float = Field(60.0, gt=0, description="a file whose decoding takes longer fails with that reason")
    min_free_bytes: int = Field(256 << 20, ge=0, description="below this much free space ingest pauses")
    disk_check_seconds: float = Field(5.0, gt=0, description="how often a paused ingest looks again")

    @field_validator("media_root", mode="before")
    @classmethod
    def _roots(cls, value):
        """`/photos`, `/a:/b` or `["/a", "/b"]` (the variable is named for the common case of one folder)."""
        if not isinstance(value, str):
            return value
        if value.lstrip().startswith("["):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON list of folders ({exc.msg}); expected /photos, /a:/b or "
                                 '\'["/a", "/b"]\'') from None
        return [part for part in value.split(":") if part]
