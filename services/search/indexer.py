"""The indexer stage: merges every photo.* part and file.* outcome into the record store and the index."""
from __future__ import annotations

from google.protobuf.message import Message

from proto import pb
from services.pipeline.stage import FILE_REMOVED, Outgoing, Stage
from services.pipeline.stages import INDEXER, INDEXER_KEYS
from services.search.group_writer import GroupWriter
from services.search.index.port import Index
from services.search.store import RecordStore


def build_indexer(store: RecordStore, index: Index | None = None, prefetch: int = 32) -> Stage:
    """A stage with no output: its effect is the merged record in the store and in the search index. Messages
    handled concurrently are written as groups, one at a time and in arrival order, so a photo's newest merge is
    always the one its index entry ends with."""

    def write(group: list[tuple[str, Message]]) -> None:
        merged: dict[str, pb.Record] = {}
        parts: list[pb.Record] = []
        for routing_key, message in group:  # in order; consecutive photo parts go in one store transaction
            if isinstance(message, pb.Record):
                parts.append(message)
                continue
            merged.update((r.id, r) for r in store.merge_many(parts))
            parts = []
            if routing_key == FILE_REMOVED:
                store.remove_path(message.path, message.id)
            else:
                store.record_outcome(message)
        merged.update((r.id, r) for r in store.merge_many(parts))
        if index is not None and merged:
            index.upsert_many(list(merged.values()))

    writer: GroupWriter[tuple[str, Message]] = GroupWriter(write)

    async def handle(routing_key: str, message: Message) -> list[Outgoing]:
        await writer.write((routing_key, message))
        return []

    return Stage(name=INDEXER, subscribes=INDEXER_KEYS, handle=handle, prefetch=prefetch,
                 close=index.close if index is not None else lambda: None)
