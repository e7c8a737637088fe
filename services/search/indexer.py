"""The indexer stage: merges every photo.* part and file.* outcome into the record store."""
from __future__ import annotations

import asyncio
from typing import Callable

from google.protobuf.message import Message

from proto import pb
from services.pipeline.stage import FILE_REMOVED, Outgoing, Stage
from services.search.store import RecordStore

Listener = Callable[[str, Message], None]


def build_indexer(store: RecordStore, on_indexed: Listener | None = None, prefetch: int = 32) -> Stage:
    """A stage with no output: its effect is the store (and whatever on_indexed feeds, e.g. a search index)."""

    def apply(routing_key: str, message: Message) -> None:
        if routing_key == FILE_REMOVED:
            store.remove_path(message.path)
        elif isinstance(message, pb.FileEvent):
            store.record_outcome(message)
        else:
            store.merge(message)
        if on_indexed is not None:
            on_indexed(routing_key, message)

    async def handle(routing_key: str, message: Message) -> list[Outgoing]:
        await asyncio.to_thread(apply, routing_key, message)
        return []

    return Stage(name="indexer", subscribes=("photo.#", "file.#"), handle=handle, prefetch=prefetch)
