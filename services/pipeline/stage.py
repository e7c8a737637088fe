"""A stage: a named consumer of routing keys whose handler maps one message to the messages it publishes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable, Sequence

from google.protobuf.message import Message

from proto import pb

Outgoing = tuple[str, Message]
Handler = Callable[[str, Message], Awaitable[Sequence[Outgoing]]]

# Routing keys; "photo.*" carry a pb.Record, "file.*" a pb.FileEvent.
INGESTED = "photo.ingested"
EXIF = "photo.exif"
VISION = "photo.vision"
SEMANTIC = "photo.semantic"
HASHES = "photo.hashes"
TEXT = "photo.text"
PATH_ADDED = "photo.path_added"
FILE_SKIPPED = "file.skipped"
FILE_FAILED = "file.failed"
FILE_REMOVED = "file.removed"


def reprocess_key(stage: str) -> str:
    """The key that asks one stage, and no other, to run again for a photo."""
    return f"reprocess.{stage}"


@dataclass(frozen=True)
class Stage:
    """A consumer: queue name, the keys it subscribes to, and its handler."""

    name: str
    subscribes: tuple[str, ...]
    handle: Handler
    prefetch: int = 16
    close: Callable[[], None] = lambda: None  # what the stage holds (its index, its models), on stop


def decode(routing_key: str, body: bytes) -> Message:
    """Parse a bus body by its routing key's family."""
    message = pb.FileEvent() if routing_key.startswith("file.") else pb.Record()
    message.ParseFromString(body)
    return message


def encode(message: Message) -> bytes:
    return message.SerializeToString(deterministic=True)
