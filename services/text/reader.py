"""RapidOCR's models (PP-OCRv4 text detection and recognition, shipped in the rapidocr-onnxruntime wheel), loaded
once: a cheap look for text on a reduced image, and reading where it finds some."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.metadata import version as package_version

import numpy as np
from PIL import Image

RULES = "text-1"
DETECT_SIZE = 640  # the long side of the cheap pass: one run of the detection model, no recognition
READ_SIZE = 1280   # the long side text is detected again and read at, on photos the cheap pass found text in
MIN_LINE_SCORE = 0.5  # recognition confidence below which a line is dropped (RapidOCR's own default)
MIN_SIDE = 32  # the detection model's stride: a thinner image is padded to it


def version() -> str:
    """The rules and the package that ships the models: a new wheel is a new version."""
    return f"{RULES}+rapidocr-{package_version('rapidocr-onnxruntime')}"


@dataclass(frozen=True)
class Line:
    text: str
    score: float
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 as fractions of the image, around the line's quad


class TextReader:
    """One photo at a time (the detector's pre-processing is state RapidOCR keeps on the engine); each model call
    runs on `threads` ONNX Runtime threads."""

    def __init__(self, threads: int):
        from rapidocr_onnxruntime import RapidOCR
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

        self._engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, det_limit_type="max",
                                det_limit_side_len=READ_SIZE, text_score=MIN_LINE_SCORE)
        detector = self._engine.text_det
        self._reduce = DetPreProcess(DETECT_SIZE, "max", detector.mean, detector.std)
        self._lock = threading.Lock()

    def finds_text(self, image: Image.Image) -> bool:
        """Whether the detection model, on the image at DETECT_SIZE, finds any box it is at least half sure of."""
        small = image.copy()
        small.thumbnail((DETECT_SIZE, DETECT_SIZE), Image.Resampling.BILINEAR)
        bgr = np.asarray(small)[:, :, ::-1]
        short = [(0, max(0, MIN_SIDE - side)) for side in bgr.shape[:2]]  # the model needs 32 px: edges repeated
        bgr = np.ascontiguousarray(np.pad(bgr, [*short, (0, 0)], mode="edge"))
        detector = self._engine.text_det
        with self._lock:
            heat = detector.infer(self._reduce(bgr))[0]
            boxes, _ = detector.postprocess_op(heat, bgr.shape[:2])
        return len(boxes) > 0

    def read(self, image: Image.Image) -> list[Line]:
        """Every line of text RapidOCR reads (detection at up to READ_SIZE, orientation, recognition), top first."""
        with self._lock:
            found, _ = self._engine(image)
        width, height = image.size
        lines = []
        for quad, text, score in found or ():
            xs, ys = [p[0] for p in quad], [p[1] for p in quad]
            box = (min(xs) / width, min(ys) / height, max(xs) / width, max(ys) / height)
            lines.append(Line(text.strip(), float(score), tuple(round(min(max(v, 0.0), 1.0), 4) for v in box)))
        return [line for line in lines if line.text]
