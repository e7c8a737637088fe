"""ImageNet classes with MobileNetV2: shorter side 256, centre 224 crop in; 1000 probabilities and, from v2, the
1280 pooled features they are read from (the photo's embedding for similar photos) out."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from proto import embedding, pb
from services.vision.inference.base import VisionModel

SIZE = 224
RESIZE = 256  # the shorter side before the centre crop, as the weights were trained


def load_labels(models_dir: Path) -> list[dict]:
    return json.loads((models_dir / f"{Classifier.name}.labels.json").read_text())


class Classifier(VisionModel):
    name = "mobilenet_v2"

    def __init__(self, entry: dict, labels: list[dict], top_k: int, min_score: float):
        super().__init__(entry)
        self.labels, self.top_k, self.min_score = labels, top_k, min_score

    def preprocess(self, image: Image.Image) -> np.ndarray:
        """Shorter side to 256, centre 224 crop, uint8 HWC RGB."""
        scale = RESIZE / min(image.size)
        resized = image.resize((max(SIZE, round(image.width * scale)), max(SIZE, round(image.height * scale))),
                               Image.Resampling.BILINEAR)
        left, top = (resized.width - SIZE) // 2, (resized.height - SIZE) // 2
        return np.asarray(resized.crop((left, top, left + SIZE, top + SIZE)), dtype=np.uint8)

    def postprocess(self, outputs: dict[str, np.ndarray]) -> list[pb.Label]:
        """The top classes above the score threshold, best first."""
        probabilities = outputs["probabilities"]
        if probabilities.shape != (len(self.labels),):
            raise ValueError(f"expected {len(self.labels)} class scores, got shape {probabilities.shape}")
        order = np.argsort(-probabilities)[:self.top_k]
        return [pb.Label(label=self.labels[i]["label"], wnid=self.labels[i]["wnid"], score=float(probabilities[i]),
                         model=f"{self.name}@{self.version}") for i in order if probabilities[i] >= self.min_score]

    @staticmethod
    def embedding(outputs: dict[str, np.ndarray]) -> bytes:
        """The pooled features as the record carries them (proto/embedding.py); none from a v1 model."""
        return embedding.pack(outputs["features"]) if "features" in outputs else b""
