"""The vision stage on the bus: photo.ingested -> photo.vision (ImageNet classes; faces with age, gender, emotion)."""
from __future__ import annotations

import asyncio
import time

import numpy as np
from PIL import Image

from proto import pb
from services.pipeline.errors import Retry
from services.pipeline.stage import Outgoing, Stage
from services.pipeline.stages import BY_NAME
from services.vision import classify, faces, objects
from services.vision.batcher import Batcher
from services.vision.decode import DecodeError, decode
from services.vision.runtime.port import ModelError, ModelRuntime
from services.vision.settings import VisionSettings

STAGE_VERSION = "vision-3"
DECL = BY_NAME["vision"]
FACE_MODELS = (faces.DETECTOR, faces.DESCRIBER, faces.EMOTION)


def used_models(manifest: dict) -> list[str]:
    """The classifier, plus the object detector and the three face models when they are built."""
    return [classify.MODEL] + ([objects.MODEL] if objects.MODEL in manifest else []) + \
        (list(FACE_MODELS) if all(m in manifest for m in FACE_MODELS) else [])


async def find_objects(runtime: ModelRuntime, image: Image.Image) -> list[pb.Detection]:
    pixels = await asyncio.to_thread(objects.detector_input, image)
    detections = (await runtime.predict(objects.MODEL, {"images": pixels[None]}))["detections"]
    return [pb.Detection(label=label, score=score, box=pb.Box(x1=box[0], y1=box[1], x2=box[2], y2=box[3]),
                         model=objects.MODEL) for label, score, box in objects.decode_objects(detections[0])]


def stage_version(manifest: dict) -> str:
    """The stage's version: its own and every model's, so a model change makes the stage run again."""
    return f"{STAGE_VERSION}:" + "+".join(f"{m}@{manifest[m]['version']}" for m in used_models(manifest))


async def find_faces(runtime: ModelRuntime, image: Image.Image) -> list[pb.Face]:
    """Detect, then describe every face in one call per model."""
    detector_input = await asyncio.to_thread(faces.detector_input, image)
    found = faces.decode_faces(await runtime.predict(faces.DETECTOR, {"images": detector_input[None]}))
    if not found:
        return []
    crops = [faces.face_crop(image, box) for box, _ in found]
    described = await runtime.predict(faces.DESCRIBER, {"images": np.stack([faces.describer_input(c) for c in crops])})
    feelings = await runtime.predict(faces.EMOTION, {"images": np.stack([faces.emotion_input(c) for c in crops])})
    result = []
    for i, (box, score) in enumerate(found):
        gender, gender_score = faces.gender_of(float(np.ravel(described["gender"][i])[0]))
        emotion, emotion_score = faces.emotion_of(feelings["emotion"][i])
        result.append(pb.Face(box=pb.Box(x1=box[0], y1=box[1], x2=box[2], y2=box[3]), score=score,
                              age=faces.age_of(described["age"][i]), gender=gender, gender_score=gender_score,
                              emotion=emotion, emotion_score=emotion_score))
    return result


def build_stage(settings: VisionSettings, runtime: ModelRuntime, manifest: dict) -> Stage:
    models = used_models(manifest)
    labels = classify.load_labels(settings.models_dir)
    batcher = Batcher(runtime, classify.MODEL, "images", settings.vision_batch_size, settings.vision_batch_wait_ms)
    version = stage_version(manifest)
    classifier_version = str(manifest[classify.MODEL]["version"])

    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        result = pb.VisionResult(meta=pb.StageMeta(stage="vision", version=version))
        for model in models:
            result.models[model] = str(manifest[model]["version"])
        try:
            image = await asyncio.to_thread(decode, record.file.path)
            pixels = await asyncio.to_thread(classify.preprocess, image)
        except DecodeError as exc:
            result.meta.outcome, result.meta.reason = pb.OUTCOME_FAILED, str(exc)
        else:
            try:
                outputs = await batcher.submit(pixels)
                if objects.MODEL in models:
                    result.objects.extend(await find_objects(runtime, image))
                if faces.DETECTOR in models:
                    result.faces.extend(await find_faces(runtime, image))
            except ModelError as exc:
                raise Retry(str(exc)) from exc
            result.classes.extend(classify.top_labels(outputs["probabilities"], labels, classifier_version,
                                                      settings.vision_top_k, settings.vision_min_score))
            result.meta.outcome = pb.OUTCOME_OK
        result.meta.finished_at = time.time()
        return [(DECL.publishes, pb.Record(id=record.id, vision=result))]

    return Stage(name=DECL.name, subscribes=DECL.subscribes, handle=handle,
                 prefetch=settings.vision_prefetch)
