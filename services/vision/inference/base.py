"""The shape every vision model class shares: named after its model, built from its manifest entry."""
from __future__ import annotations

import abc
from typing import Any, ClassVar

import numpy as np

from services.vision.runtime.port import ModelRuntime


class VisionModel(abc.ABC):
    """Pre-process one example, run a stack of them in one call, post-process one row of the answer."""

    name: ClassVar[str]
    input_name: ClassVar[str] = "images"

    def __init__(self, entry: dict):
        self.version = str(entry["version"])

    @abc.abstractmethod
    def preprocess(self, example: Any) -> np.ndarray:
        """One example as the model's input tensor, without the batch dimension."""

    @abc.abstractmethod
    def postprocess(self, outputs: dict[str, np.ndarray]) -> Any:
        """What the model said about one example, from its row of every output."""

    async def predict(self, runtime: ModelRuntime, examples: list[np.ndarray]) -> list[dict[str, np.ndarray]]:
        """One runtime call for the examples; each example's row of every output."""
        outputs = await runtime.predict(self.name, {self.input_name: np.stack(examples)})
        return [{key: value[row] for key, value in outputs.items()} for row in range(len(examples))]
