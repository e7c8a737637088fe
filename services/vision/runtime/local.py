"""Runs SavedModels in this process, on one worker thread so inference never blocks the event loop."""
from __future__ import annotations

import asyncio
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from services.vision.build import read_manifest
from services.vision.runtime.port import ModelError, ModelRuntime


class LocalRuntime(ModelRuntime):
    """Loads each model once, on first use; counts calls so batching can be seen."""

    def __init__(self, models_dir: Path, threads: int = 2):
        self.models_dir = models_dir
        self.threads = threads
        self.calls = 0
        self.calls_by_model: Counter[str] = Counter()
        self._models: dict[str, object] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tf")
        self.manifest = read_manifest(models_dir)["models"]

    def _signature(self, model: str):
        with self._lock:
            if model not in self._models:
                entry = self.manifest.get(model)
                if entry is None:
                    raise ModelError(f"model {model!r} is not built in {self.models_dir}: run `picsift models build`")
                os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
                import tensorflow as tf

                tf.config.threading.set_intra_op_parallelism_threads(self.threads)
                tf.config.threading.set_inter_op_parallelism_threads(1)
                # the remapper's fused kernels crash on the converted face detector (seen with TF 2.18)
                tf.config.optimizer.set_experimental_options({"remapping": False})
                path = self.models_dir / model / str(entry["version"])
                self._models[model] = tf.saved_model.load(str(path)).signatures["serving_default"]
            return self._models[model]

    def _run(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        import tensorflow as tf

        signature = self._signature(model)
        outputs = signature(**{name: tf.constant(value) for name, value in inputs.items()})
        self.calls += 1
        self.calls_by_model[model] += 1
        result = {name: tensor.numpy() for name, tensor in outputs.items()}
        batch = next(iter(inputs.values())).shape[0]
        for name, value in result.items():
            if value.shape[:1] != (batch,):
                raise ModelError(f"{model} answered {name} with shape {value.shape} for a batch of {batch}")
        return result

    async def predict(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, model, inputs)

    async def close(self) -> None:
        self._executor.shutdown(wait=True)
