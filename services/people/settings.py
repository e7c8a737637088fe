"""People settings (env prefix PICSIFT_PEOPLE_)."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PeopleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_PEOPLE_", extra="ignore")

    match: float = Field(0.68, gt=0, lt=1, description="cosine similarity at which two faces are one person "
                         "(faceid v1 on real test faces: different people stayed below 0.66)")
