"""Faces: BlazeFace boxes, then age and gender (FaceRes) and emotion per face.

Model behaviour follows the models' published usage in @vladmandic/human (MIT): BlazeFace takes 256x256 RGB in
[-1, 1] and answers 896 anchors (16x16x2 then 8x8x6) of [score logit, cx, cy, w, h, 6 keypoints x 2];
FaceRes takes a 224x224 RGB face 0-255 and answers gender (sigmoid, <= 0.5 female) and 100 age bins;
the emotion model takes a 64x64 grey face in [-1, 1] and answers 7 probabilities. Faces are cropped to the
detector's square box, which gave the most confident age and gender on the test faces. The identity embedding is
FaceRes's pooled 1024-d feature of a crop 1.3x the box (no rotation): on labelled real faces that crop separated
people best (bench/people).
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from proto import embedding
from services.vision.inference.base import VisionModel
from services.vision.inference.boxes import letterbox, nms

DETECTOR_SIZE, DESCRIBER_SIZE, EMOTION_SIZE = 256, 224, 64
EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
GREY = np.array([0.2989, 0.5870, 0.1140], np.float32)
MIN_SCORE, IOU, MAX_FACES, CROP_SCALE, EMBEDDING_CROP_SCALE = 0.75, 0.3, 10, 1.0, 1.3


def anchors(size: int = DETECTOR_SIZE) -> np.ndarray:
    """Anchor centres in pixels: a 16x16 grid with 2 per cell, then an 8x8 grid with 6 per cell."""
    centres = []
    for stride, per_cell in ((size // 16, 2), (size // 8, 6)):
        cells = (size + stride - 1) // stride
        for y in range(cells):
            for x in range(cells):
                centres += [(stride * (x + 0.5), stride * (y + 0.5))] * per_cell
    return np.array(centres, np.float32)


ANCHORS = anchors()


def detector_rows(outputs: dict[str, np.ndarray]) -> np.ndarray:
    """The four outputs (scores and boxes for each grid) as one [896, 17] array in anchor order."""
    parts = sorted((np.asarray(v).reshape(v.shape[-2], v.shape[-1]) for v in outputs.values()), key=lambda a: a.size)
    if len(parts) == 1:
        return parts[0]
    if len(parts) != 4:
        raise ValueError(f"face detector answered {len(parts)} outputs, expected 1 or 4")
    small, large = np.concatenate([parts[0], parts[2]], 1), np.concatenate([parts[1], parts[3]], 1)
    return np.concatenate([large, small], 0)


def decode_faces(outputs: dict[str, np.ndarray], min_score: float = MIN_SCORE) -> list[tuple[np.ndarray, float]]:
    """Face boxes (x1, y1, x2, y2 in 0..1 of the detector's square) with scores, after non-maximum suppression."""
    rows = detector_rows(outputs)
    if rows.shape != (len(ANCHORS), 17):
        raise ValueError(f"face detector answered shape {rows.shape}, expected ({len(ANCHORS)}, 17)")
    scores = 1 / (1 + np.exp(-np.clip(rows[:, 0], -80, 80)))
    centres = rows[:, 1:3] + ANCHORS
    half = rows[:, 3:5] / 2
    boxes = np.concatenate([centres - half, centres + half], 1) / DETECTOR_SIZE
    keep = nms(boxes, scores, min_score, IOU, MAX_FACES)
    return [(np.clip(boxes[i], 0, 1), float(scores[i])) for i in keep]


def face_crop(image: Image.Image, box: np.ndarray, scale: float = CROP_SCALE) -> Image.Image:
    """A square crop around the face, scale times the longer side of the detector's box."""
    x1, y1, x2, y2 = box * [image.width, image.height, image.width, image.height]
    side = max(x2 - x1, y2 - y1) * scale
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return image.crop((round(cx - side / 2), round(cy - side / 2), round(cx + side / 2), round(cy + side / 2)))


def gender_of(score: float) -> tuple[str, float]:
    """('female' | 'male', confidence 0..1) from the sigmoid output."""
    return ("female" if score <= 0.5 else "male"), min(0.99, abs(score - 0.5) * 2)


def age_of(bins: np.ndarray) -> float:
    """Age as the expectation over the 100 one-year bins (the single best bin is biased toward 29)."""
    weights = np.asarray(bins, np.float64)
    return round(float(np.dot(np.arange(len(weights)), weights) / max(weights.sum(), 1e-9)), 1)


class FaceDetector(VisionModel):
    name = "blazeface"

    def preprocess(self, image: Image.Image) -> np.ndarray:
        return np.asarray(letterbox(image, DETECTOR_SIZE), np.float32) / 127.5 - 1.0

    def postprocess(self, outputs: dict[str, np.ndarray]) -> list[tuple[np.ndarray, float]]:
        return decode_faces(outputs)


class AgeGender(VisionModel):
    name = "faceres"

    def preprocess(self, face: Image.Image) -> np.ndarray:
        return np.asarray(face.resize((DESCRIBER_SIZE, DESCRIBER_SIZE), Image.Resampling.BILINEAR), np.float32)

    def postprocess(self, outputs: dict[str, np.ndarray]) -> tuple[float, str, float]:
        """(age, gender, gender confidence)."""
        return age_of(outputs["age"]), *gender_of(float(np.ravel(outputs["gender"])[0]))


class Emotion(VisionModel):
    name = "emotion"

    def preprocess(self, face: Image.Image) -> np.ndarray:
        pixels = np.asarray(face.resize((EMOTION_SIZE, EMOTION_SIZE), Image.Resampling.BILINEAR), np.float32) / 255
        return ((pixels @ GREY - 0.5) * 2)[..., None]

    def postprocess(self, outputs: dict[str, np.ndarray]) -> tuple[str, float]:
        probabilities = outputs["emotion"]
        best = int(np.argmax(probabilities))
        return EMOTIONS[best], float(probabilities[best])


class FaceEmbedder(VisionModel):
    name = "faceid"

    def preprocess(self, face: Image.Image) -> np.ndarray:
        return np.asarray(face.resize((DESCRIBER_SIZE, DESCRIBER_SIZE), Image.Resampling.BILINEAR), np.float32)

    def postprocess(self, outputs: dict[str, np.ndarray]) -> bytes:
        """The embedding as the record carries it (compared by cosine)."""
        return embedding.pack(outputs["embedding"])
