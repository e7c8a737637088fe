"""Semantic service settings (env prefix PICSIFT_SEMANTIC_)."""
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SemanticSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_SEMANTIC_", extra="ignore")

    wordnet_dir: Path | None = Field(None, description="where `models build` puts the compact WordNet table "
                                                    "(default ~/.cache/picsift/wordnet)")
    nltk_dir: Path | None = Field(None, description="where WordNet's nltk data is built, to make that table "
                                                 "(default ~/.cache/picsift/nltk_data)")
    prefetch: int = Field(16, ge=1)
