"""The ModelRuntime port: named tensors in, named tensors out, for one model at a version."""
from __future__ import annotations

import abc

import numpy as np


class ModelError(RuntimeError):
    """A model that is missing or answers with the wrong shapes: a clear error, not a crash."""


class ModelRuntime(abc.ABC):
    @abc.abstractmethod
    async def predict(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """One call for a whole batch (the first dimension of every input)."""

    async def close(self) -> None:
        return None


def check_batch(model: str, inputs: dict[str, np.ndarray], outputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The outputs, when each has one row per example of the batch; else a ModelError."""
    batch = next(iter(inputs.values())).shape[0]
    for name, value in outputs.items():
        if value.shape[:1] != (batch,):
            raise ModelError(f"{model} answered {name} with shape {value.shape} for a batch of {batch}")
    return outputs
