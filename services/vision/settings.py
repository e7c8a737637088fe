"""Vision settings (env prefix PICSIFT_; the model location is PICSIFT_MODELS, shared with `models build`)."""
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_models_dir() -> Path:
    return Path.home() / ".cache" / "picsift" / "models"


class VisionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_", extra="ignore")

    models: str = Field("", description="'local:DIR' (default: ~/.cache/picsift/models) or 'grpc://host:8500'")
    vision_batch_size: int = Field(8, ge=1, description="images per model call")
    vision_batch_wait_ms: float = Field(25, ge=0, description="how long a batch waits to fill")
    vision_threads: int = Field(2, ge=1, description="TensorFlow threads per model call")
    vision_top_k: int = Field(5, ge=1)
    vision_min_score: float = Field(0.03, ge=0, le=1)
    vision_prefetch: int = Field(16, ge=1)

    @property
    def models_dir(self) -> Path:
        if not self.models:
            return default_models_dir()
        if self.models.startswith("local:"):
            return Path(self.models.removeprefix("local:")).expanduser()
        raise ValueError(f"PICSIFT_MODELS={self.models!r}: only local:DIR is built so far (TF Serving over gRPC "
                         "is not implemented yet)")
