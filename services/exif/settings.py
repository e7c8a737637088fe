"""Exif service settings (env prefix PICSIFT_EXIF_)."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ExifSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_EXIF_", extra="ignore")

    prefetch: int = Field(8, ge=1, description="photos read at once")
