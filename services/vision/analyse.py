"""Vision as a pure function of the pixels: every built model's answer about one image, as a VisionResult.

Which runtime answers (in process, TF Serving, or a Batcher in front of either) is the caller's choice.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from proto import pb
from services.vision.inference.base import VisionModel
from services.vision.inference.classifier import Classifier, load_labels
from services.vision.inference.faces import EMBEDDING_CROP_SCALE, AgeGender, Emotion, FaceDetector, FaceEmbedder, \
    face_crop
from services.vision.inference.boxes import centre_inside, from_letterbox
from services.vision.inference.objects import ANIMALS, ObjectDetector
from services.vision.runtime.port import ModelRuntime

FACE_MODELS = (FaceDetector, AgeGender, Emotion)


def used_models(manifest: dict) -> list[type[VisionModel]]:
    """The classifier, plus the object detector and the three face models when they are built, and the face
    embedder when it is built beside them."""
    faces = list(FACE_MODELS) if all(m.name in manifest for m in FACE_MODELS) else []
    return [Classifier] + ([ObjectDetector] if ObjectDetector.name in manifest else []) + faces + \
        ([FaceEmbedder] if faces and FaceEmbedder.name in manifest else [])


@dataclass(frozen=True)
class VisionModels:
    """The models one deployment runs; objects and faces only when they are built."""

    classifier: Classifier
    objects: ObjectDetector | None = None
    faces: tuple[FaceDetector, AgeGender, Emotion] | None = None
    embedder: FaceEmbedder | None = None

    @classmethod
    def load(cls, manifest: dict, models_dir: Path, top_k: int, min_score: float) -> VisionModels:
        used = {model.name for model in used_models(manifest)}
        classifier = Classifier(manifest[Classifier.name], load_labels(models_dir), top_k, min_score)
        objects = ObjectDetector(manifest[ObjectDetector.name]) if ObjectDetector.name in used else None
        faces = tuple(m(manifest[m.name]) for m in FACE_MODELS) if FaceDetector.name in used else None
        embedder = FaceEmbedder(manifest[FaceEmbedder.name]) if FaceEmbedder.name in used else None
        return cls(classifier, objects, faces, embedder)

    def versions(self) -> dict[str, str]:
        """Each model's version by name, as the result records them."""
        every = [self.classifier, *([self.objects] if self.objects else []), *(self.faces or ()),
                 *([self.embedder] if self.embedder else [])]
        return {model.name: model.version for model in every}


async def run(model: VisionModel, runtime: ModelRuntime, examples: list[Any]) -> list[Any]:
    """Pre-process off the event loop, one model call for all the examples, post-process each answer."""
    if not examples:
        return []
    inputs = await asyncio.to_thread(lambda: [model.preprocess(example) for example in examples])
    return [model.postprocess(row) for row in await model.predict(runtime, inputs)]


async def run_one(model: VisionModel, runtime: ModelRuntime, example: Any) -> Any:
    (answer,) = await run(model, runtime, [example])
    return answer


async def classify(classifier: Classifier, runtime: ModelRuntime, image: Image.Image) -> tuple[list[pb.Label], bytes]:
    """The classes and the photo's embedding, from one call of the classifier."""
    pixels = await asyncio.to_thread(classifier.preprocess, image)
    (row,) = await classifier.predict(runtime, [pixels])
    return classifier.postprocess(row), classifier.embedding(row)


async def find_faces(models: VisionModels, runtime: ModelRuntime, image: Image.Image) -> list[pb.Face]:
    """Detect, then describe (and embed, when the embedder is built) every face in one call per model."""
    detector, describer, feeler = models.faces
    found = [(from_letterbox(box, image.width, image.height), score)
             for box, score in await run_one(detector, runtime, image)]
    crops = [face_crop(image, box) for box, _ in found]
    wide = [face_crop(image, box, EMBEDDING_CROP_SCALE) for box, _ in found] if models.embedder else []
    described, feelings, embeddings = await asyncio.gather(
        run(describer, runtime, crops), run(feeler, runtime, crops),
        run(models.embedder, runtime, wide) if models.embedder else run_none())
    return [pb.Face(box=pb.Box(x1=box[0], y1=box[1], x2=box[2], y2=box[3]), score=score, age=age, gender=gender,
                    gender_score=gender_score, emotion=emotion, emotion_score=emotion_score, embedding=embedded)
            for (box, score), (age, gender, gender_score), (emotion, emotion_score), embedded
            in zip(found, described, feelings, embeddings or [b""] * len(found))]


async def run_none() -> list:
    return []


async def analyse(image: Image.Image, models: VisionModels, runtime: ModelRuntime) -> pb.VisionResult:
    """Classes (with the photo's embedding), objects and faces of one decoded image; the models run side by side."""
    (classes, embedded), objects, faces = await asyncio.gather(
        classify(models.classifier, runtime, image),
        run_one(models.objects, runtime, image) if models.objects else run_none(),
        find_faces(models, runtime, image) if models.faces else run_none(),
    )
    for detection in objects:
        box = from_letterbox(box_array(detection.box), image.width, image.height)
        detection.box.CopyFrom(pb.Box(x1=box[0], y1=box[1], x2=box[2], y2=box[3]))
    return pb.VisionResult(classes=classes, objects=objects, faces=human_faces(faces, objects), embedding=embedded)


def human_faces(faces: list[pb.Face], objects: list[pb.Detection]) -> list[pb.Face]:
    """The faces that are not an animal's: a face centred in an animal's box and in no person's is dropped (the
    face detector fires on cats), so no animal gets an age, a gender or a mood."""
    def inside(face: pb.Face, labels) -> bool:
        return any(d.label in labels and centre_inside(box_array(face.box), box_array(d.box)) for d in objects)

    return [face for face in faces if not inside(face, ANIMALS) or inside(face, {"person"})]


def box_array(box: pb.Box) -> np.ndarray:
    return np.array([box.x1, box.y1, box.x2, box.y2], np.float32)
