"""The Bus port: publish confirmed messages and consume them with explicit dispositions."""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Sequence

from services.pipeline.stage import decode

ROUTING_KEY_HEADER = "x-picsift-routing-key"
ATTEMPT_HEADER = "x-picsift-attempt"
REASON_HEADER = "x-picsift-reason"


@dataclass(frozen=True)
class Delivery:
    """One message handed to a consumer; attempt counts from 1."""

    routing_key: str
    body: bytes
    attempt: int = 1
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Disposition:
    """What to do once a delivery is handled: publish these, then maybe retry later or dead-letter it."""

    publish: Sequence[tuple[str, bytes]] = ()
    retry_after: float | None = None
    dead_reason: str | None = None


@dataclass(frozen=True)
class DeadLetter:
    """A message a stage gave up on, with why."""

    queue: str
    routing_key: str
    body: bytes
    reason: str
    attempts: int

    def subject(self) -> tuple[str, str]:
        """(photo id, path) of the file the message was about, so a dead letter can be traced to its file."""
        try:
            message = decode(self.routing_key, self.body)
        except Exception:  # noqa: BLE001 - a poison message may not parse: it still has its reason
            return "", ""
        if message.DESCRIPTOR.name == "FileEvent":
            return message.id, message.path
        return message.id, message.file.path or (message.paths[0] if message.paths else "")

    def as_dict(self) -> dict:
        """The public JSON shape of a dead letter (`dlq list --json`, `status --json`, the gateway)."""
        photo_id, path = self.subject()
        return {"routing_key": self.routing_key, "reason": self.reason, "attempts": self.attempts,
                "path": path, "id": photo_id}


Consumer = Callable[[Delivery], Awaitable[Disposition]]


class Bus(abc.ABC):
    """Topic routing with durable per-stage queues, delayed retries and dead letters."""

    @abc.abstractmethod
    async def start(self) -> None: ...

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop consuming; in-flight messages are finished or returned to their queue."""

    @abc.abstractmethod
    async def publish(self, routing_key: str, body: bytes) -> None:
        """Publish and return once the broker has confirmed it."""

    @abc.abstractmethod
    async def subscribe(self, queue: str, keys: Sequence[str], consumer: Consumer, prefetch: int) -> None:
        """Declare the queue bound to keys and start consuming with at most prefetch in flight."""

    async def declare(self, queue: str, keys: Sequence[str]) -> None:
        """Make a queue exist and collect its keys before its consumer first starts (durable buses only)."""

    @abc.abstractmethod
    async def dead_letters(self, queue: str) -> list[DeadLetter]:
        """The queue's dead letters, oldest first, left in place."""

    @abc.abstractmethod
    async def replay_dead_letters(self, queue: str, limit: int | None = None) -> int:
        """Move dead letters back to their queue as first attempts; returns how many."""

    @abc.abstractmethod
    async def queue_depth(self, queue: str) -> int:
        """Messages waiting in a stage's queue."""

    async def join(self) -> None:
        """Wait until every queue is drained (only buses that can know this support it)."""
        raise TypeError(f"{type(self).__name__} cannot tell when it is drained")


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: '*' is one word, '#' zero or more."""
    return _match(pattern.split("."), key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])
