"""The stage registry: every analysis stage's spec, and the adapters the host provides to stages that need them."""
from __future__ import annotations

import logging

from services.exif.spec import SPEC as EXIF
from services.hashes.spec import SPEC as HASHES
from services.pipeline.stage import Stage
from services.pipeline.stages import StageSpec
from services.semantic.spec import SPEC as SEMANTIC
from services.text.spec import SPEC as TEXT
from services.vision.spec import SPEC as VISION

log = logging.getLogger(__name__)
SPECS: dict[str, StageSpec] = {spec.name: spec for spec in (EXIF, VISION, SEMANTIC, HASHES, TEXT)}


def model_runtime():
    """Models in process (ONNX Runtime, or TensorFlow on the SavedModels) or on TensorFlow Serving over gRPC."""
    from services.vision.build import read_manifest
    from services.vision.settings import VisionSettings

    settings = VisionSettings()
    if settings.serving_target:
        from services.vision.runtime.grpc_serving import GrpcRuntime

        manifest = read_manifest(settings.models_dir)["models"]
        versions = {name: entry["version"] for name, entry in manifest.items()}
        return GrpcRuntime(settings.serving_target, versions, settings.serving_deadline_seconds)
    if settings.vision_engine == "onnx":
        from services.vision.runtime.onnx_runtime import OnnxRuntime

        return OnnxRuntime(settings.models_dir, settings.vision_threads, settings.vision_parallel)
    from services.vision.runtime.local import LocalRuntime

    return LocalRuntime(settings.models_dir, settings.vision_threads, settings.vision_parallel)


def decodes():
    """Photos decoded once for the stages of this process that read the same file (vision, hashes, text)."""
    from services.media.shared_decodes import SharedDecodes

    return SharedDecodes()


PROVIDERS = {"model_runtime": model_runtime, "decodes": decodes}


def build(spec: StageSpec, provided: dict | None = None) -> Stage:
    """The stage with the dependencies it names, each provided by the host: made on first need and shared by the
    stages built with the same `provided`."""
    provided = {} if provided is None else provided
    for need in spec.needs:
        if need not in provided:
            provided[need] = PROVIDERS[need]()
    return spec.build(**{need: provided[need] for need in spec.needs})


def runnable() -> dict[str, StageSpec]:
    """The stages that can run here; the others are named in the log with why."""
    ready = {}
    for name, spec in SPECS.items():
        why = spec.missing()
        if why:
            log.warning("%s is off: %s", name, why)
        else:
            ready[name] = spec
    return ready
