"""Box geometry the detectors share: non-maximum suppression."""
from __future__ import annotations

import numpy as np


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
