"""COCO objects with CenterNet: 512x512 RGB 0-255 in (the image letterboxed), 100 candidates [x1, y1, x2, y2,
score, class] out (pixels of the square; boxes are mapped back to the image by the caller)."""
from __future__ import annotations

import numpy as np
from PIL import Image

from proto import pb
from services.vision.inference.base import VisionModel
from services.vision.inference.boxes import letterbox, nms

SIZE = 512
MIN_SCORE, IOU, MAX_OBJECTS = 0.3, 0.5, 20
COCO = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
    "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
    "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
    "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
    "hair drier", "toothbrush",
)
ANIMALS = frozenset({"bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"})


def decode_objects(detections: np.ndarray, min_score: float = MIN_SCORE) -> list[tuple[str, float, np.ndarray]]:
    """(label, score, box 0..1) per object, non-maximum suppression within each class."""
    rows = np.asarray(detections).reshape(-1, 6)
    rows = rows[np.isfinite(rows).all(axis=1)]
    boxes = np.clip(rows[:, :4] / SIZE, 0, 1)
    found = []
    for cls in np.unique(rows[:, 5]).astype(int):
        if not 0 <= cls < len(COCO):
            raise ValueError(f"object detector answered class {cls}, outside COCO's {len(COCO)}")
        members = np.flatnonzero(rows[:, 5].astype(int) == cls)
        for i in nms(boxes[members], rows[members, 4], min_score, IOU, MAX_OBJECTS):
            found.append((COCO[cls], float(rows[members[i], 4]), boxes[members[i]]))
    return sorted(found, key=lambda item: -item[1])[:MAX_OBJECTS]


class ObjectDetector(VisionModel):
    name = "centernet"

    def preprocess(self, image: Image.Image) -> np.ndarray:
        return np.asarray(letterbox(image, SIZE), np.float32)

    def postprocess(self, outputs: dict[str, np.ndarray]) -> list[pb.Detection]:
        return [pb.Detection(label=label, score=score, box=pb.Box(x1=box[0], y1=box[1], x2=box[2], y2=box[3]),
                             model=self.name) for label, score, box in decode_objects(outputs["detections"])]
