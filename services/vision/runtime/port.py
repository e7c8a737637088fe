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
