"""What both in-process runtimes share: each model loaded once on first use, run on worker threads so inference never
blocks the event loop (`parallel` calls at once, each on `threads` threads), calls counted so batching can be seen."""
from __future__ import annotations

import abc
import asyncio
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from services.vision.build import read_manifest
from services.vision.runtime.port import ModelError, ModelRuntime, check_batch


class InProcessRuntime(ModelRuntime):
    def __init__(self, models_dir: Path, threads: int = 1, parallel: int = 2):
        self.models_dir = models_dir
        self.threads = threads
        self.calls = 0
        self.calls_by_model: Counter[str] = Counter()
        self._models: dict[str, object] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix=type(self).__name__)
        self.manifest = read_manifest(models_dir)["models"]

    @abc.abstractmethod
    def _load(self, model: str, entry: dict) -> object:
        """The model ready to run, from its manifest entry."""

    @abc.abstractmethod
    def _call(self, loaded: object, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """One call of a loaded model."""

    def _loaded(self, model: str) -> object:
        with self._lock:
            if model not in self._models:
                entry = self.manifest.get(model)
                if entry is None:
                    raise ModelError(f"model {model!r} is not built in {self.models_dir}: run `picsift models build`")
                self._models[model] = self._load(model, entry)
            return self._models[model]

    def _run(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        outputs = self._call(self._loaded(model), inputs)
        with self._lock:
            self.calls += 1
            self.calls_by_model[model] += 1
        return check_batch(model, inputs, outputs)

    async def predict(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, model, inputs)

    async def close(self) -> None:
        self._executor.shutdown(wait=True)
