"""Vision settings (env prefix PICSIFT_; the model location is PICSIFT_MODELS, shared with `models build`)."""
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_models_dir() -> Path:
    return Path.home() / ".cache" / "picsift" / "models"


class VisionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PICSIFT_", extra="ignore", populate_by_name=True)

    models: str = Field("", description="'local:DIR' (default: ~/.cache/picsift/models) or 'grpc://host:8500'")
    models_dir_for_serving: Path = Field(default_factory=default_models_dir, alias="PICSIFT_MODELS_DIR",
                                         description="with grpc://: where the manifest and labels are")
    vision_engine: Literal["onnx", "tensorflow"] = Field(
        "onnx", description="with local: run the ONNX files (ONNX Runtime) or the SavedModels (TensorFlow)")
    serving_deadline_seconds: float = Field(30, gt=0)
    vision_batch_size: int = Field(8, ge=1, description="images per model call")
    vision_batch_wait_ms: float = Field(25, ge=0, description="how long a batch waits to fill")
    vision_threads: int = Field(1, ge=1, description="threads per model call (ONNX Runtime or TensorFlow)")
    vision_parallel: int = Field(2, ge=1, description="model calls run at once, each on its own thread(s): with "
                                 "cores shared by the other stages, calls side by side on one thread each cost ~20% "
                                 "less CPU than one call on two (bench/results/index.txt)")
    vision_top_k: int = Field(5, ge=1)
    vision_min_score: float = Field(0.03, ge=0, le=1)
    vision_prefetch: int = Field(16, ge=1)

    @field_validator("models")
    @classmethod
    def _models(cls, value: str) -> str:
        if not value or value.startswith(("local:", "grpc://")):
            return value
        raise ValueError("expected local:DIR or grpc://host:8500")

    @property
    def models_dir(self) -> Path:
        if not self.models:
            return default_models_dir()
        if self.models.startswith("local:"):
            return Path(self.models.removeprefix("local:")).expanduser()
        return self.models_dir_for_serving  # grpc://: the manifest and labels beside TF Serving's models

    @property
    def serving_target(self) -> str | None:
        """host:port of TF Serving, or None to run the models in process."""
        return self.models.removeprefix("grpc://") if self.models.startswith("grpc://") else None
