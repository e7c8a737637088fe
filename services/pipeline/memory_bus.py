"""In-process Bus for `picsift up`, `picsift index` and tests: same semantics as RabbitMQ, plus join()."""
from __future__ import annotations

import asyncio
import logging
from typing import Sequence

from services.pipeline.bus import Bus, Consumer, DeadLetter, Delivery, topic_matches

log = logging.getLogger(__name__)


class InMemoryBus(Bus):
    """Queues are asyncio queues; unfinished work is counted so join() knows when all is drained."""

    def __init__(self, retry_scale: float = 1.0):
        self._retry_scale = retry_scale  # tests shrink backoff delays with this
        self._queues: dict[str, asyncio.Queue[Delivery]] = {}
        self._bindings: list[tuple[str, str]] = []
        self._dead: dict[str, list[DeadLetter]] = {}
        self._workers: list[asyncio.Task] = []
        self._timers: set[asyncio.TimerHandle] = set()
        self._unfinished = 0
        self._drained = asyncio.Event()
        self._drained.set()
        self._errors: list[BaseException] = []

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers.clear()

    async def publish(self, routing_key: str, body: bytes) -> None:
        for pattern, queue in self._bindings:
            if topic_matches(pattern, routing_key):
                self._enqueue(queue, Delivery(routing_key, body))

    async def subscribe(self, queue: str, keys: Sequence[str], consumer: Consumer, prefetch: int) -> None:
        self._queues.setdefault(queue, asyncio.Queue())
        self._bindings.extend((key, queue) for key in keys)
        self._workers.extend(asyncio.create_task(self._work(queue, consumer)) for _ in range(prefetch))

    async def join(self) -> None:
        await self._drained.wait()
        if self._errors:
            raise RuntimeError("a consumer crashed while draining") from self._errors[0]

    async def queue_depth(self, queue: str) -> int:
        return self._queues[queue].qsize() if queue in self._queues else 0

    async def dead_letters(self, queue: str) -> list[DeadLetter]:
        return list(self._dead.get(queue, []))

    async def replay_dead_letters(self, queue: str, limit: int | None = None) -> int:
        letters = self._dead.get(queue, [])
        replay, self._dead[queue] = letters[:limit], letters[len(letters[:limit]):]
        for letter in replay:
            self._enqueue(queue, Delivery(letter.routing_key, letter.body))
        return len(replay)

    def _enqueue(self, queue: str, delivery: Delivery) -> None:
        self._unfinished += 1
        self._drained.clear()
        self._queues[queue].put_nowait(delivery)

    def _finish(self) -> None:
        self._unfinished -= 1
        if self._unfinished == 0:
            self._drained.set()

    def _retry_later(self, queue: str, delivery: Delivery, seconds: float) -> None:
        self._unfinished += 1
        again = Delivery(delivery.routing_key, delivery.body, delivery.attempt + 1)

        def fire() -> None:
            self._timers.discard(timer)
            self._queues[queue].put_nowait(again)

        timer = asyncio.get_running_loop().call_later(seconds * self._retry_scale, fire)
        self._timers.add(timer)

    async def _work(self, queue: str, consumer: Consumer) -> None:
        source = self._queues[queue]
        while True:
            delivery = await source.get()
            try:
                outcome = await consumer(delivery)
                for key, body in outcome.publish:
                    await self.publish(key, body)
                if outcome.retry_after is not None:
                    self._retry_later(queue, delivery, outcome.retry_after)
                elif outcome.dead_reason is not None:
                    self._dead.setdefault(queue, []).append(
                        DeadLetter(queue, delivery.routing_key, delivery.body, outcome.dead_reason, delivery.attempt)
                    )
            except Exception as exc:  # the runner returns dispositions; reaching here is a bug
                log.exception("consumer of %s crashed", queue)
                self._errors.append(exc)
            finally:
                self._finish()
