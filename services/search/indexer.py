"""The indexer stage: merges every photo.* part and file.* outcome into the record store."""
from __future__ import annotations

import asyncio
from google.protobuf.message import Message

from proto import pb
from services.pipeline.stage import FILE_REMOVED, Outgoing, Stage
from services.search.index.port import Index
from services.search.store import RecordStore


def build_indexer(store: RecordStore, index: Index | None = None, prefetch: int = 32) -> Stage:
    """A stage with no output: its effect is the merged record in the store and in the search index."""

    def apply(routing_key: str, message: Message) -> None:
        if routing_key == FILE_REMOVED:
            store.remove_path(message.path)
        elif isinstance(message, pb.FileEvent):
            store.record_outcome(message)
        else:
            merged = store.merge(message)
            if index is not None:
                index.upsert(merged)

    async def handle(routing_key: str, message: Message) -> list[Outgoing]:
        await asyncio.to_thread(apply, routing_key, message)
        return []

    return Stage(name="indexer", subscribes=("photo.#", "file.#"), handle=handle, prefetch=prefetch)
