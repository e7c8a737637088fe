"""The indexer stage: merges every photo.* part and file.* outcome into the record store and the index."""
from __future__ import annotations

import asyncio
import threading
import zlib

from google.protobuf.message import Message

from proto import pb
from services.pipeline.stage import FILE_REMOVED, Outgoing, Stage
from services.pipeline.stages import INDEXER, INDEXER_KEYS
from services.search.index.port import Index
from services.search.store import RecordStore

LOCK_STRIPES = 64


class PhotoLocks:
    """One lock per photo id (striped): a photo's merge and its index entry are written as one ordered step."""

    def __init__(self, stripes: int = LOCK_STRIPES):
        self._locks = [threading.Lock() for _ in range(stripes)]

    def __call__(self, photo_id: str) -> threading.Lock:
        return self._locks[zlib.crc32(photo_id.encode()) % len(self._locks)]


def build_indexer(store: RecordStore, index: Index | None = None, prefetch: int = 32) -> Stage:
    """A stage with no output: its effect is the merged record in the store and in the search index."""
    lock_for = PhotoLocks()

    def apply(routing_key: str, message: Message) -> None:
        if routing_key == FILE_REMOVED:
            store.remove_path(message.path, message.id)
        elif isinstance(message, pb.FileEvent):
            store.record_outcome(message)
        else:
            with lock_for(message.id):  # else an older merge could reach the index after a newer one
                merged = store.merge(message)
                if index is not None:
                    index.upsert(merged)

    async def handle(routing_key: str, message: Message) -> list[Outgoing]:
        await asyncio.to_thread(apply, routing_key, message)
        return []

    return Stage(name=INDEXER, subscribes=INDEXER_KEYS, handle=handle, prefetch=prefetch,
                 close=index.close if index is not None else lambda: None)
