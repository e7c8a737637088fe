"""The vision stage on the bus: photo.ingested -> photo.vision (classes now; objects and faces to come)."""
from __future__ import annotations

import asyncio
import time

from proto import pb
from services.pipeline.errors import Retry
from services.pipeline.stage import INGESTED, VISION, Outgoing, Stage, reprocess_key
from services.vision import classify
from services.vision.batcher import Batcher
from services.vision.decode import DecodeError, decode
from services.vision.runtime.port import ModelError, ModelRuntime
from services.vision.settings import VisionSettings

STAGE_VERSION = "vision-1"


def build_stage(settings: VisionSettings, runtime: ModelRuntime, manifest: dict) -> Stage:
    entry = manifest[classify.MODEL]
    version = str(entry["version"])
    labels = classify.load_labels(settings.models_dir)
    batcher = Batcher(runtime, classify.MODEL, "images", settings.vision_batch_size, settings.vision_batch_wait_ms)
    meta_version = f"{STAGE_VERSION}:{classify.MODEL}@{version}"

    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        result = pb.VisionResult(meta=pb.StageMeta(stage="vision", version=meta_version))
        result.models[classify.MODEL] = version
        try:
            image = await asyncio.to_thread(decode, record.file.path)
            pixels = await asyncio.to_thread(classify.preprocess, image)
        except DecodeError as exc:
            result.meta.outcome, result.meta.reason = pb.OUTCOME_FAILED, str(exc)
        else:
            try:
                outputs = await batcher.submit(pixels)
            except ModelError as exc:
                raise Retry(str(exc)) from exc
            result.classes.extend(classify.top_labels(outputs["probabilities"], labels, version,
                                                      settings.vision_top_k, settings.vision_min_score))
            result.meta.outcome = pb.OUTCOME_OK
        result.meta.finished_at = time.time()
        return [(VISION, pb.Record(id=record.id, vision=result))]

    return Stage(name="vision", subscribes=(INGESTED, reprocess_key("vision")), handle=handle, prefetch=settings.vision_prefetch)
