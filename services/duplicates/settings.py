"""Duplicates settings (env prefix PICSIFT_DUPLICATES_): how close two photos' hashes are for near-copies."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DuplicatesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_DUPLICATES_", extra="ignore")

    phash: int = Field(12, ge=0, le=24, description="most pHash bits two near-copies differ in (of 64; "
                       "bench/results/duplicates.txt)")
    dhash: int = Field(16, ge=0, le=32, description="most dHash bits two near-copies differ in (of 64)")
