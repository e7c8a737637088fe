"""`picsift reprocess --stage S`: run one stage again for the photos whose result came from another version."""
from __future__ import annotations

from services.app.registry import SPECS
from services.pipeline.bus import Bus
from services.pipeline.stage import encode, reprocess_key
from services.search.store import RecordStore


async def reprocess(stage: str, store: RecordStore, bus: Bus, force: bool = False) -> dict:
    """Publish a reprocess request for every stale photo; returns how many were asked and the version."""
    spec = SPECS[stage]
    version = spec.version()
    asked = 0
    for record in store.iter_all():
        stale = not record.HasField(stage) or getattr(record, stage).meta.version != version
        request = spec.reprocess_input(record) if force or stale else None
        if request is not None:
            await bus.publish(reprocess_key(stage), encode(request))
            asked += 1
    return {"stage": stage, "version": version, "requested": asked}
