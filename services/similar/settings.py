"""Similar-photo settings (env prefix PICSIFT_SIMILAR_)."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SimilarSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_SIMILAR_", extra="ignore")

    count: int = Field(100, ge=1, le=1000, description="neighbours `similar:ID` finds (the nearest of the photos "
                       "the asker can see), ranked by similarity")
