"""The vision stage on the bus: photo.ingested -> photo.vision; a thin runner around analyse()."""
from __future__ import annotations

import asyncio
import time

from proto import pb
from services.pipeline.errors import Retry
from services.pipeline.stage import Outgoing, Stage
from services.pipeline.stages import BY_NAME
from services.vision.analyse import VisionModels, analyse, used_models
from services.vision.batcher import Batcher, batchable_models
from services.media.decode import DECODE_SIZE, DecodeError
from services.media.shared_decodes import SharedDecodes, decoder_for
from services.vision.runtime.port import ModelError, ModelRuntime
from services.vision.settings import VisionSettings

STAGE_VERSION = "vision-5"  # 5: the photo's embedding (similar photos); 4: detectors see the image letterboxed
DECL = BY_NAME["vision"]


def stage_version(manifest: dict) -> str:
    """The stage's version: its own and every model's, so a model change makes the stage run again."""
    return f"{STAGE_VERSION}:" + "+".join(f"{m.name}@{manifest[m.name]['version']}" for m in used_models(manifest))


def build_stage(settings: VisionSettings, runtime: ModelRuntime, manifest: dict,
                decodes: SharedDecodes | None = None) -> Stage:
    """The stage over the given runtime, with a Batcher in front of it so messages share model calls; photos decoded
    through `decodes` when stages beside it share them."""
    models = VisionModels.load(manifest, settings.models_dir, settings.vision_top_k, settings.vision_min_score)
    batcher = Batcher(runtime, batchable_models(manifest), settings.vision_batch_size, settings.vision_batch_wait_ms)
    version = stage_version(manifest)

    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        try:
            image = await asyncio.to_thread(decoder_for(decodes, record.id), record.file.path, DECODE_SIZE)
        except DecodeError as exc:
            result = pb.VisionResult(meta=pb.StageMeta(outcome=pb.OUTCOME_FAILED, reason=str(exc)))
        else:
            try:
                result = await analyse(image, models, batcher)
            except ModelError as exc:
                raise Retry(str(exc)) from exc
            result.meta.outcome = pb.OUTCOME_OK
        result.meta.stage, result.meta.version, result.meta.finished_at = "vision", version, time.time()
        result.models.update(models.versions())
        return [(DECL.publishes, pb.Record(id=record.id, vision=result))]

    return Stage(name=DECL.name, subscribes=DECL.subscribes, handle=handle, prefetch=settings.vision_prefetch)
