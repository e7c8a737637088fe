"""Searches in reader processes answer as the gateway's own index does, see later writes, and outlive a killed
reader."""
from __future__ import annotations

import asyncio
import os
import signal

from proto import pb
from services.search.api import SearchService
from services.search.index.bitmap import BitmapIndex
from services.search.pool import ReaderPool
from services.search.store import RecordStore


def photo(photo_id: str, *labels: str) -> pb.Record:
    record = pb.Record(id=photo_id, paths=[f"/m/{photo_id}.jpg"])
    record.file.path, record.file.root, record.file.mtime = record.paths[0], "/m", 1_000_000 + len(photo_id)
    record.terms.extend(pb.Term(key="label", value=label, source="classifier", weight=0.9) for label in labels)
    return record


def test_readers_answer_like_the_index_see_writes_and_survive_a_killed_reader(tmp_path):
    path = tmp_path / "p.db"
    store = RecordStore(path)
    store.merge_many([photo("a1", "zebra", "lion"), photo("a2", "zebra"), photo("a3", "tiger")])
    local = SearchService(BitmapIndex.open(path))
    own = BitmapIndex.open(path)
    own.close()  # closed: only the readers can answer
    pooled = SearchService(own, ReaderPool(BitmapIndex.open, str(path), 2))

    async def scenario() -> None:
        for text in ("zebra", "zebra lion", "tiger or lion", "-zebra"):
            assert await pooled.search(text, ["/m"], explain=True) == local.search_sync(text, ["/m"], explain=True)
        assert await pooled.suggest("zeb", ["/m"]) == await local.suggest("zeb", ["/m"])
        store.merge(photo("a4", "zebra"))  # written after the readers opened the index
        assert {hit["id"] for hit in (await pooled.search("zebra", ["/m"]))["hits"]} == {"a1", "a2", "a4"}
        for pid in list(pooled.readers._executor._processes):  # a reader killed, as by the OOM killer
            os.kill(pid, signal.SIGKILL)
        assert (await pooled.search("tiger", ["/m"]))["total"] == 1

    asyncio.run(scenario())
    pooled.readers.close()
    local.close()
    store.close()
