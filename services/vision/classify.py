"""ImageNet classification: pure pre- and post-processing around the model call."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from proto import pb

MODEL = "mobilenet_v2"
SIZE = 224
RESIZE = 256  # the shorter side before the centre crop, as the weights were trained


def preprocess(image: Image.Image) -> np.ndarray:
    """Shorter side to 256, centre 224 crop, uint8 HWC RGB."""
    scale = RESIZE / min(image.size)
    resized = image.resize((max(SIZE, round(image.width * scale)), max(SIZE, round(image.height * scale))),
                           Image.Resampling.BILINEAR)
    left, top = (resized.width - SIZE) // 2, (resized.height - SIZE) // 2
    return np.asarray(resized.crop((left, top, left + SIZE, top + SIZE)), dtype=np.uint8)


def load_labels(models_dir: Path) -> list[dict]:
    return json.loads((models_dir / f"{MODEL}.labels.json").read_text())


def top_labels(probabilities: np.ndarray, labels: list[dict], version: str, top_k: int,
               min_score: float) -> list[pb.Label]:
    """The top classes above the score threshold, best first."""
    if probabilities.shape != (len(labels),):
        raise ValueError(f"expected {len(labels)} class scores, got shape {probabilities.shape}")
    order = np.argsort(-probabilities)[:top_k]
    return [pb.Label(label=labels[i]["label"], wnid=labels[i]["wnid"], score=float(probabilities[i]),
                     model=f"{MODEL}@{version}") for i in order if probabilities[i] >= min_score]
