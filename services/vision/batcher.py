"""Batching across messages: up to N images or T milliseconds, then one model call for all of them."""
from __future__ import annotations

import asyncio

import numpy as np

from services.vision.runtime.port import ModelRuntime


class Batcher:
    """submit() one example; it resolves when its batch's single model call returns."""

    def __init__(self, runtime: ModelRuntime, model: str, input_name: str, max_batch: int, max_wait_ms: float):
        self.runtime, self.model, self.input_name = runtime, model, input_name
        self.max_batch, self.max_wait = max_batch, max_wait_ms / 1000
        self._pending: list[tuple[np.ndarray, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None

    async def submit(self, example: np.ndarray) -> dict[str, np.ndarray]:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((example, future))
        if len(self._pending) >= self.max_batch:
            self._flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.max_wait, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
        if batch:
            asyncio.get_running_loop().create_task(self._run(batch))
        if self._pending:
            self._timer = asyncio.get_running_loop().call_later(self.max_wait, self._flush)

    async def _run(self, batch: list[tuple[np.ndarray, asyncio.Future]]) -> None:
        try:
            outputs = await self.runtime.predict(self.model, {self.input_name: np.stack([e for e, _ in batch])})
        except Exception as exc:  # noqa: BLE001 - every waiter gets the failure
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for row, (_, future) in enumerate(batch):
            if not future.done():
                future.set_result({name: value[row] for name, value in outputs.items()})
