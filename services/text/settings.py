"""Text service settings (env prefix PICSIFT_TEXT_)."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TextSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_TEXT_", extra="ignore")

    prefetch: int = Field(4, ge=1, description="photos decoded at once (the models read one photo at a time)")
    threads: int = Field(2, ge=1, description="threads per model call (ONNX Runtime)")
