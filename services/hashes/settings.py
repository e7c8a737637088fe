"""Hashes service settings (env prefix PICSIFT_HASHES_)."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class HashesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_HASHES_", extra="ignore")

    prefetch: int = Field(8, ge=1, description="photos decoded and hashed at once")
