"""The indexer's write per photo is one ordered step: concurrent stage parts, in any order, always end complete."""
from __future__ import annotations

import asyncio
import random

import pytest

from fixtures.records import stage_parts
from services.search.index import snapshot
from services.search.index.bitmap import BitmapIndex
from services.search.index.port import index_terms
from services.search.indexer import build_indexer
from services.search.store import RecordStore

PHOTOS, ROUNDS = 200, 5


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_parts_in_random_order_always_end_complete(tmp_path, round_):
    db_path = tmp_path / "picsift.db"
    store = RecordStore(db_path)
    index = BitmapIndex(store)
    stage = build_indexer(store, index)
    rng = random.Random(round_)
    deliveries = []
    for n in range(PHOTOS):  # one photo's parts side by side, so they race each other
        mine = stage_parts(f"{round_:02d}{n:062d}", n)
        mine += rng.sample(mine, 2)  # redeliveries
        rng.shuffle(mine)
        deliveries += mine

    async def deliver_all():
        await asyncio.gather(*(stage.handle(key, msg) for key, msg in deliveries))

    asyncio.run(deliver_all())
    index.save()
    saved, _ = snapshot.load(snapshot.snapshot_dir(db_path))  # the index as written to disk, read on its own
    incomplete = []
    for n in range(PHOTOS):
        photo_id = f"{round_:02d}{n:062d}"
        stored = store.get(photo_id)
        assert stored is not None
        assert stored.exif.terms and stored.vision.classes and stored.semantic.terms and stored.terms
        expected = {(t.key, t.value) for t in index_terms(stored)}
        if saved.terms_held(photo_id) != expected:
            incomplete.append(photo_id)
    index.close()
    store.close()
    assert incomplete == [], f"{len(incomplete)} of {PHOTOS} photos lost index terms"
