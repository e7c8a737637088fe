"""Batching across messages: calls to a model are collected for up to N examples or T ms, then made as one."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import numpy as np

from services.vision.runtime.port import ModelRuntime


def batchable_models(manifest: dict) -> set[str]:
    """Models whose every input takes any batch size (some converted graphs are fixed to one example)."""
    return {name for name, entry in manifest.items()
            if all(spec["shape"][0] == -1 for spec in entry["inputs"].values())}


@dataclass
class _Waiting:
    inputs: dict[str, np.ndarray]
    future: asyncio.Future

    @property
    def rows(self) -> int:
        return len(next(iter(self.inputs.values())))


@dataclass
class _Queue:
    waiting: list[_Waiting] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


class Batcher(ModelRuntime):
    """A runtime in front of another: concurrent calls to a batchable model become one call of up to max_batch rows."""

    def __init__(self, runtime: ModelRuntime, batchable: set[str], max_batch: int, max_wait_ms: float):
        self.runtime, self.batchable = runtime, batchable
        self.max_batch, self.max_wait = max_batch, max_wait_ms / 1000
        self._queues: dict[str, _Queue] = {}

    async def predict(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if model not in self.batchable:
            return await self.runtime.predict(model, inputs)
        queue = self._queues.setdefault(model, _Queue())
        waiting = _Waiting(inputs, asyncio.get_running_loop().create_future())
        queue.waiting.append(waiting)
        if sum(w.rows for w in queue.waiting) >= self.max_batch:
            self._flush(model)
        elif queue.timer is None:
            queue.timer = asyncio.get_running_loop().call_later(self.max_wait, self._flush, model)
        return await waiting.future

    def _flush(self, model: str) -> None:
        queue = self._queues[model]
        if queue.timer is not None:
            queue.timer.cancel()
            queue.timer = None
        batch, rows = [], 0
        while queue.waiting and (not batch or rows + queue.waiting[0].rows <= self.max_batch):
            batch.append(queue.waiting.pop(0))
            rows += batch[-1].rows
        if batch:
            asyncio.get_running_loop().create_task(self._run(model, batch))
        if queue.waiting:
            queue.timer = asyncio.get_running_loop().call_later(self.max_wait, self._flush, model)

    async def _run(self, model: str, batch: list[_Waiting]) -> None:
        try:
            outputs = await self.runtime.predict(
                model, {name: np.concatenate([w.inputs[name] for w in batch]) for name in batch[0].inputs})
        except Exception as exc:  # noqa: BLE001 - every waiter gets the failure
            for waiting in batch:
                if not waiting.future.done():
                    waiting.future.set_exception(exc)
            return
        start = 0
        for waiting in batch:
            end = start + waiting.rows
            if not waiting.future.done():
                waiting.future.set_result({name: value[start:end] for name, value in outputs.items()})
            start = end
