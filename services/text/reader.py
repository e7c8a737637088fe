"""RapidOCR's models (PP-OCRv4 text detection and recognition, shipped in the rapidocr-onnxruntime wheel), loaded
once: the detection model finds text boxes at a given size; the lines in the boxes are turned upright if upside
down and recognised. Built on the engine's parts (pinned 1.4.4), not its one-call pipeline, so a photo is never
detected at a size it was already detected at."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from importlib.metadata import version as package_version

import numpy as np
from PIL import Image

RULES = "text-3"  # 3: the cheap pass on the photo decoded small (a JPEG draft); 2: read after detecting at 960 px
DETECT_SIZE = 640       # the long side of the cheap pass: the detection model alone, on the photo decoded small
READ_DETECT_SIZE = 960  # the long side text is looked for again on photos the cheap pass found text in
READ_SIZE = 1280        # the long side the photo is decoded at: lines are cut from it for recognition
MIN_LINE_SCORE = 0.5    # recognition confidence below which a line is dropped (RapidOCR's own default)
MIN_SIDE = 32           # the detection model's stride: an image it would see thinner is padded


def version() -> str:
    """The rules and the package that ships the models: a new wheel is a new version."""
    return f"{RULES}+rapidocr-{package_version('rapidocr-onnxruntime')}"


@dataclass(frozen=True)
class Line:
    text: str
    score: float
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 as fractions of the image, around the line's quad


def as_bgr(image: Image.Image, min_side: int = 0) -> np.ndarray:
    """The image as the models take it (BGR), sides under min_side padded by repeating its last row and column."""
    rgb = np.asarray(image.convert("RGB"))
    short = [(0, max(0, min_side - side)) for side in rgb.shape[:2]]
    return np.ascontiguousarray(np.pad(rgb, [*short, (0, 0)], mode="edge")[:, :, ::-1])


class TextReader:
    """Model calls one at a time (each on `threads` ONNX Runtime threads): photos read concurrently would only
    share the same cores."""

    def __init__(self, threads: int):
        from rapidocr_onnxruntime import RapidOCR

        self._engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        self._lock = threading.Lock()

    def boxes(self, image: Image.Image, size: int) -> list[np.ndarray]:
        """The boxes (4 corners in the image's pixels, top to bottom) the detection model finds, at least half
        sure, with the image at up to `size` px."""
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

        detector = self._engine.text_det
        scale = min(1.0, size / max(image.size))  # the model sees the image scaled so; each side needs MIN_SIDE
        bgr = as_bgr(image, math.ceil(MIN_SIDE / scale))
        prepared = DetPreProcess(size, "max", detector.mean, detector.std)(bgr)
        with self._lock:
            heat = detector.infer(prepared)[0]
        found, _ = detector.postprocess_op(heat, bgr.shape[:2])
        if not len(found):
            return []
        return self._engine.sorted_boxes(detector.filter_tag_det_res(found, (image.height, image.width)))

    def read(self, image: Image.Image, boxes: list[np.ndarray]) -> list[Line]:
        """The line of text in each box, upright, recognised; lines read with less than MIN_LINE_SCORE dropped."""
        if not boxes:
            return []
        crops = self._engine.get_crop_img_list(as_bgr(image), boxes)
        with self._lock:
            upright, _, _ = self._engine.text_cls(crops)
            recognised, _ = self._engine.text_rec(upright)
        lines = []
        for quad, (text, score, *_) in zip(boxes, recognised):
            if score >= MIN_LINE_SCORE and text.strip():
                xs, ys = quad[:, 0] / image.width, quad[:, 1] / image.height
                box = tuple(round(min(max(float(v), 0.0), 1.0), 4) for v in (xs.min(), ys.min(), xs.max(), ys.max()))
                lines.append(Line(text.strip(), float(score), box))
        return lines
