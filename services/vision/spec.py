"""The vision stage as the registry sees it: photo.ingested -> photo.vision, on the local or TF Serving runtime."""
from __future__ import annotations

from services.pipeline.stages import BY_NAME, StageSpec, from_file


def _manifest() -> dict[str, dict]:
    from services.vision.build import read_manifest
    from services.vision.settings import VisionSettings

    return read_manifest(VisionSettings().models_dir)["models"]


def missing() -> str:
    from services.vision.inference.classifier import Classifier
    from services.vision.settings import VisionSettings

    models_dir = VisionSettings().models_dir
    return "" if Classifier.name in _manifest() else f"no models in {models_dir} (run `picsift models build`)"


def build(model_runtime, decodes):
    from services.vision.service import build_stage
    from services.vision.settings import VisionSettings

    return build_stage(VisionSettings(), model_runtime, _manifest(), decodes)


def version() -> str:
    from services.vision.service import stage_version

    return "" if missing() else stage_version(_manifest())


SPEC = StageSpec(BY_NAME["vision"], build=build, version=version, reprocess_input=from_file, missing=missing,
                 needs=("model_runtime", "decodes"))
