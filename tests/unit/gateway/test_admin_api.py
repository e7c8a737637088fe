"""The admin's ops figures and the retry of failed files over HTTP: from the index's aggregations, the record store
and the stage metrics; admins only."""
from __future__ import annotations

import time

from fixtures.gateway import add_photo
from proto import pb
from services.pipeline.metrics import StageMetrics


def failed_file(world, name: str, reason: str) -> str:
    path = world.media / "alice" / name
    path.write_bytes(b"\xff\xd8\xff not a photo")
    world.gateway.store.record_outcome(pb.FileEvent(path=str(path), root=str(world.media), outcome=pb.OUTCOME_FAILED,
                                                    reason=reason, at=time.time()))
    return str(path)


async def test_the_ops_view_counts_photos_stages_failures_and_facets(world, sign_in):
    for seed, (taken, camera) in enumerate((("2019-07-04T10:00:00", "canon"), ("2021-03-01T10:00:00", "canon"),
                                            ("2021-05-01T10:00:00", "nikon")), start=600):
        photo_id = add_photo(world, "alice", f"p{seed}.jpg", seed, taken)
        record = world.gateway.store.get(photo_id)
        record.exif.terms.extend([pb.Term(key="camera", value=camera, source="exif", weight=0.9),
                                  pb.Term(key="year", value=taken[:4], source="exif", weight=1.0)])
        world.gateway.search.index.upsert(world.gateway.store.merge(pb.Record(id=photo_id, exif=record.exif)))
    failed_file(world, "a.jpg", "not a readable image: cannot identify image file 'a.jpg'")
    failed_file(world, "b.jpg", "not a readable image: cannot identify image file 'b.jpg'")
    failed_file(world, "c.png", "empty file (0 bytes)")
    metrics = StageMetrics()
    for outcome, times in (("ok", 5), ("failed", 1)):
        for _ in range(times):
            metrics.count("exif", outcome)
    metrics.seconds.labels("exif").observe(0.25)
    world.gateway.ops.registry = metrics.registry
    await sign_in(world.client, "root")
    ops = await (await world.client.get("/api/admin/ops")).json()
    assert ops["indexed"]["bucket"] == "hour" and sum(p["count"] for p in ops["indexed"]["points"]) == 6
    assert ops["failures"][:2] == [{"stage": "ingest", "reason": "not a readable image", "count": 2},
                                   {"stage": "ingest", "reason": "empty file (0 bytes)", "count": 1}]
    assert ops["facets"]["camera"] == [{"value": "canon", "count": 2}, {"value": "nikon", "count": 1}]
    assert ops["facets"]["year"] == [{"value": "2021", "count": 2}, {"value": "2019", "count": 1}]
    assert ops["messages"]["exif"] == {"ok": 5.0, "failed": 1.0, "seconds": 0.25}
    assert "ingest" in ops["stages"]
    await sign_in(world.client, "alice")
    assert (await world.client.get("/api/admin/ops")).status == 403


async def test_retry_reads_failed_files_again_through_ingest(world, sign_in):
    broken = failed_file(world, "d.jpg", "not a readable image: truncated")
    root = {"X-CSRF-Token": await sign_in(world.client, "root")}
    none = await world.client.post("/api/admin/retry", json={"paths": [broken]}, headers=root)
    assert none.status == 503 and "without the ingest service" in (await none.json())["error"]
    alice = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    assert (await world.client.post("/api/admin/retry", json={"paths": [broken]}, headers=alice)).status == 403


async def test_a_failed_file_mended_on_disk_is_indexed_when_retried(world, world_ingest, sign_in, jpeg_factory):
    broken = failed_file(world, "d.jpg", "not a readable image: truncated")
    root = {"X-CSRF-Token": await sign_in(world.client, "root")}
    still = await world.client.post("/api/admin/retry", json={"paths": [broken, broken]}, headers=root)
    [item] = (await still.json())["items"]
    assert (item["path"], item["outcome"]) == (broken, "failed") and item["reason"].startswith("not a readable image")
    other = await world.client.post("/api/admin/retry", json={"paths": [str(world.media / "bob" / "secret.jpg")]},
                                    headers=root)
    assert other.status == 404 and "not a failed file" in (await other.json())["error"]
    jpeg_factory(world.media / "alice" / "d.jpg", seed=77)  # the owner copied the photo in again
    mended = await world.client.post("/api/admin/retry", json={"paths": [broken]}, headers=root)
    [item] = (await mended.json())["items"]
    assert item["outcome"] == "new"
    await world_ingest.bus.join()
    failed = await (await world.client.get("/api/admin/failed")).json()
    assert broken not in [f["path"] for f in failed["files"]]
    assert world.gateway.store.get(item["id"]).paths == [broken]
