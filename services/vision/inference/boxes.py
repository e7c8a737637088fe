"""Box geometry the detectors share: letterboxing to a square input, non-maximum suppression."""
from __future__ import annotations

import numpy as np
from PIL import Image


def nms(boxes: np.ndarray, scores: np.ndarray, min_score: float, iou: float, limit: int) -> list[int]:
    """Indices of the best boxes above min_score, none overlapping a better one by more than iou."""
    order = [i for i in np.argsort(-scores) if scores[i] >= min_score]
    kept: list[int] = []
    areas = np.maximum(0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0, boxes[:, 3] - boxes[:, 1])
    for i in order:
        if len(kept) == limit:
            break
        overlaps = []
        for j in kept:
            w = max(0.0, min(boxes[i, 2], boxes[j, 2]) - max(boxes[i, 0], boxes[j, 0]))
            h = max(0.0, min(boxes[i, 3], boxes[j, 3]) - max(boxes[i, 1], boxes[j, 1]))
            union = areas[i] + areas[j] - w * h
            overlaps.append(w * h / union if union > 0 else 0.0)
        if all(o <= iou for o in overlaps):
            kept.append(i)
    return kept


def letterbox(image: Image.Image, size: int) -> Image.Image:
    """The image scaled into a size x size square keeping its aspect, at the top left, the rest black: a square
    model sees people and things in their true shape (squashed, a landscape portrait showed no face)."""
    scale = size / max(image.width, image.height)
    inner = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                         Image.Resampling.BILINEAR)
    square = Image.new("RGB", (size, size))
    square.paste(inner, (0, 0))
    return square


def from_letterbox(box: np.ndarray, width: int, height: int) -> np.ndarray:
    """A box in 0..1 of the letterboxed square as 0..1 of the image."""
    side = max(width, height)
    return np.clip(np.asarray(box, np.float32) * [side / width, side / height, side / width, side / height], 0, 1)


def centre_inside(inner: np.ndarray, outer: np.ndarray) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return bool(outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3])
