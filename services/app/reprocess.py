"""`picsift reprocess --stage S`: run one stage again for the photos whose result came from another version."""
from __future__ import annotations

from proto import pb
from services.pipeline.bus import Bus
from services.pipeline.stage import encode, reprocess_key
from services.search.store import RecordStore

STAGES = ("exif", "vision", "semantic")


def current_versions() -> dict[str, str]:
    """Each stage's rule or model version as this build would write it."""
    from services.exif.rules import RULES_VERSION
    from services.semantic.tables import VERSION as SEMANTIC_VERSION
    from services.vision.build import read_manifest
    from services.vision.classify import MODEL
    from services.vision.service import stage_version
    from services.vision.settings import VisionSettings

    models = read_manifest(VisionSettings().models_dir)["models"]
    vision = stage_version(models) if MODEL in models else ""
    return {"exif": RULES_VERSION, "vision": vision, "semantic": SEMANTIC_VERSION}


def request_for(stage: str, record: pb.Record) -> pb.Record:
    """What the stage needs to run again: the file for exif and vision, vision's result for semantic."""
    if stage == "semantic":
        return pb.Record(id=record.id, vision=record.vision)
    return pb.Record(id=record.id, paths=record.paths, file=record.file)


async def reprocess(stage: str, store: RecordStore, bus: Bus, force: bool = False) -> dict:
    """Publish a reprocess request for every stale photo; returns how many were asked and the version."""
    version = current_versions()[stage]
    asked = 0
    for record in store.iter_all():
        part = getattr(record, stage)
        stale = not record.HasField(stage) or part.meta.version != version
        if stage == "semantic" and not record.HasField("vision"):
            continue  # nothing to give meaning to until vision has run
        if force or stale:
            await bus.publish(reprocess_key(stage), encode(request_for(stage, record)))
            asked += 1
    return {"stage": stage, "version": version, "requested": asked}
