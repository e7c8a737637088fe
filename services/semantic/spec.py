"""The semantic stage as the registry sees it: photo.vision -> photo.semantic, rerun from vision's result."""
from __future__ import annotations

from proto import pb
from services.pipeline.stages import BY_NAME, StageSpec


def build():
    from services.semantic.service import build_stage
    from services.semantic.settings import SemanticSettings

    return build_stage(SemanticSettings())


def version() -> str:
    from services.semantic.tables import VERSION

    return VERSION


def from_vision(record: pb.Record) -> pb.Record | None:
    """Nothing to give meaning to until vision has run."""
    return pb.Record(id=record.id, vision=record.vision) if record.HasField("vision") else None


SPEC = StageSpec(BY_NAME["semantic"], build=build, version=version, reprocess_input=from_vision)
