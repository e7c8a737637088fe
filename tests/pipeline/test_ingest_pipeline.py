"""The in-memory pipeline over a temp media tree, drained with join(): nothing is lost, all is typed."""
from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
from PIL import Image

from services.app.host import IngestEntrypoint
from services.app.index_command import index_paths
from services.pipeline.bus import Delivery, Disposition
from services.pipeline.host import Pipeline
from services.pipeline.stage import INGESTED, decode
from services.app.wiring import make_ingest, store_path
from services.ingest.settings import IngestSettings
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.settings import PipelineSettings
from services.search.indexer import build_indexer
from services.search.store import RecordStore
from tests.fixtures.raw import write_dng
from fixtures.waiting import until


@pytest.fixture
def settings(tmp_path):
    return PipelineSettings(data_dir=tmp_path / "data")


@pytest.fixture
async def pipeline(settings):
    store = RecordStore(store_path(settings))
    pipe = Pipeline(settings, InMemoryBus(), store, [build_indexer(store)])
    await pipe.start()
    yield pipe
    await pipe.stop()


@pytest.fixture
def media(tmp_path, jpeg_factory):
    root = tmp_path / "media"
    for i in range(6):
        jpeg_factory(root / f"trip {i % 2}" / f"img_{i}.jpg", seed=i)
    (root / "copies").mkdir()
    (root / "copies" / "same.jpg").write_bytes((root / "trip 0" / "img_0.jpg").read_bytes())
    (root / "notes.txt").write_text("not a photo")
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    (root / "empty.png").write_bytes(b"")
    (root / "loop").symlink_to(root, target_is_directory=True)
    return root


async def test_scan_indexes_every_file_with_a_typed_outcome(pipeline, media, settings):
    ingest = make_ingest(settings, IngestSettings(stable_seconds=0), pipeline.bus)
    results = await ingest.scan([media])
    await pipeline.bus.join()
    kinds = sorted(r.kind for r in results)
    assert kinds == ["duplicate", "failed", "failed", "new", "new", "new", "new", "new", "new",
                     "skipped", "skipped"]
    store = pipeline.store
    assert store.count() == 6
    copy_id = store.id_for_path(str(media / "copies" / "same.jpg"))
    assert sorted(store.get(copy_id).paths) == [str(media / "copies" / "same.jpg"), str(media / "trip 0" / "img_0.jpg")]
    outcomes = {o.path: (o.outcome, o.reason) for o in store.outcomes()}
    assert outcomes[str(media / "empty.png")] == ("failed", "empty file (0 bytes)")
    assert outcomes[str(media / "broken.jpg")][1].startswith("not a readable image")
    assert outcomes[str(media / "notes.txt")] == ("skipped", "unsupported file type '.txt'")
    assert outcomes[str(media / "loop")] == ("skipped", "symbolic link to a folder: not followed")


async def test_rescan_moves_keep_id_deletes_leave_and_redelivery_changes_nothing(pipeline, media, settings):
    analysed = []  # every request for analysis (what the analysis stages consume)

    async def probe(delivery: Delivery) -> Disposition:
        analysed.append(decode(delivery.routing_key, delivery.body).id)
        return Disposition()

    await pipeline.bus.subscribe("analysis-probe", [INGESTED], probe, prefetch=10)
    ingest = make_ingest(settings, IngestSettings(stable_seconds=0), pipeline.bus)
    await ingest.scan([media])
    await pipeline.bus.join()
    assert len(analysed) == 6
    store = pipeline.store
    moved_from, moved_to = media / "trip 1" / "img_1.jpg", media / "moved" / "img_1.jpg"
    photo_id = store.id_for_path(str(moved_from))
    before = store.get(photo_id)
    moved_to.parent.mkdir()
    os.rename(moved_from, moved_to)
    gone_id = store.id_for_path(str(media / "trip 1" / "img_3.jpg"))
    (media / "trip 1" / "img_3.jpg").unlink()
    results = await ingest.scan([media])
    await pipeline.bus.join()
    assert sorted(r.kind for r in results if r.kind != "unchanged") == [
        "failed", "failed", "moved", "removed", "removed", "skipped", "skipped"]
    after = store.get(photo_id)
    assert list(after.paths) == [str(moved_to)]
    assert after.ingest == before.ingest and after.file.width == before.file.width
    assert store.get(gone_id) is None and store.count() == 5
    assert len(analysed) == 6  # a move is a new path for what was analysed, never analysed again
    again = await ingest.scan([media])
    await pipeline.bus.join()
    assert {r.kind for r in again} <= {"unchanged", "failed", "skipped"}
    assert store.count() == 5


async def test_watch_picks_up_a_file_only_once_it_is_complete_and_sees_deletes(pipeline, tmp_path, settings,
                                                                              jpeg_factory):
    root = tmp_path / "watched"
    root.mkdir()
    ingest = make_ingest(settings, IngestSettings(stable_seconds=1.0, poll=True, poll_interval_ms=100),
                         pipeline.bus)
    stop, watching = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(ingest.watch([root], stop, watching))
    await asyncio.wait_for(watching.wait(), 20)
    data = jpeg_factory(tmp_path / "source.jpg", seed=42, size=(640, 480)).read_bytes()
    target = root / "arriving.jpg"

    def slow_copy() -> None:
        with open(target, "wb") as f:
            f.write(data[: len(data) // 2])
            f.flush()
            time.sleep(0.2)
            f.write(data[len(data) // 2:])

    await asyncio.to_thread(slow_copy)
    store = pipeline.store

    async def indexed() -> bool:
        await pipeline.bus.join()
        return store.id_for_path(str(target)) is not None

    await until(indexed)
    photo = store.get(store.id_for_path(str(target)))
    assert photo is not None and photo.file.size == len(data)
    assert photo.ingest.reason == ""
    target.unlink()

    async def forgotten() -> bool:
        await pipeline.bus.join()
        return store.id_for_path(str(target)) is None

    await until(forgotten)
    assert store.count() == 0 and store.outcomes() == []
    stop.set()
    await asyncio.wait_for(watcher, 10)


async def test_a_file_written_while_the_first_scan_runs_is_seen(pipeline, media, settings, tmp_path, jpeg_factory):
    """`up` watches before it scans: a file that lands after the scan listed the folder is still indexed."""
    late, source = media / "late.jpg", jpeg_factory(tmp_path / "late-source.jpg", seed=77)

    def write_late_once_the_scan_has_listed(examined) -> None:
        if not late.exists():
            late.write_bytes(source.read_bytes())

    ingest = make_ingest(settings, IngestSettings(stable_seconds=0.2, poll_interval_ms=100), pipeline.bus,
                         on_outcome=write_late_once_the_scan_has_listed)
    stop = asyncio.Event()
    running = asyncio.create_task(IngestEntrypoint(ingest, [media]).run(stop))

    async def indexed() -> bool:
        await pipeline.bus.join()
        return pipeline.store.id_for_path(str(late)) is not None

    try:
        await until(indexed)
    finally:
        stop.set()
        await running
        ingest.close()


async def test_index_command_summary_over_the_sample_photos(samples_dir, tmp_path):
    summary = await index_paths([samples_dir], PipelineSettings(data_dir=tmp_path / "d"), IngestSettings())
    files = {str(p) for p in samples_dir.rglob("*") if p.is_file()}
    listed = [item["path"] for item in summary["skipped"] + summary["failed"]]
    assert len(listed) == len(set(listed)) and set(listed) <= files  # each named once, each a real file
    accounted = summary["indexed"] + summary["duplicates"] + summary["stacked"] + len(listed)
    assert accounted == len(files)  # exactly one outcome per file
    assert summary["indexed"] > 90
    assert {item["path"] for item in summary["incomplete"]} <= files
    assert all(item["reason"] for item in summary["skipped"] + summary["failed"])


async def test_a_full_disk_pauses_ingest_and_says_so_then_it_resumes(pipeline, media, settings):
    ingest_settings = IngestSettings(stable_seconds=0, min_free_bytes=1 << 62, disk_check_seconds=0.05)
    ingest = make_ingest(settings, ingest_settings, pipeline.bus)
    scan = asyncio.create_task(ingest.scan([media]))
    await until(lambda: ingest.state_file.is_file() and json.loads(ingest.state_file.read_text())["paused"])
    assert "disk almost full" in json.loads(ingest.state_file.read_text())["reason"]
    assert not scan.done() and pipeline.store.count() == 0
    ingest_settings.min_free_bytes = 0
    await asyncio.wait_for(scan, 30)
    await pipeline.bus.join()
    assert pipeline.store.count() == 6 and not json.loads(ingest.state_file.read_text())["paused"]


async def test_a_raw_beside_its_jpeg_is_one_photo_with_both_files(tmp_path, samples_dir):
    """RAW+JPEG from one shot are a stack: shown once, both files listed; a lone raw is a photo of its own."""
    media = tmp_path / "media"
    media.mkdir()
    jpeg = media / "IMG_0042.JPG"
    jpeg.write_bytes((samples_dir / "jpg" / "gps" / "DSCN0010.jpg").read_bytes())
    with Image.open(jpeg) as picture:
        stacked = write_dng(media / "IMG_0042.DNG", picture.reduce(4))
        lone = write_dng(media / "IMG_0043.DNG", picture.reduce(4).transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    settings = PipelineSettings(data_dir=tmp_path / "d")
    summary = await index_paths([media], settings, IngestSettings())
    assert (summary["indexed"], summary["stacked"], summary["failed"]) == (2, 1, [])
    store = RecordStore(store_path(settings))
    by_path = {r.file.path: r for r in store.iter_all()}
    assert set(by_path) == {str(jpeg), str(lone)}
    assert list(by_path[str(jpeg)].stack) == [str(stacked)] and not by_path[str(lone)].stack
    store.close()

    stacked.unlink()
    summary = await index_paths([media], settings, IngestSettings())
    assert summary["removed"] == 1
    store = RecordStore(store_path(settings))
    assert not store.get(by_path[str(jpeg)].id).stack
    store.close()


async def test_a_link_to_a_folder_made_while_watching_is_not_followed(pipeline, tmp_path, settings, jpeg_factory):
    # Bob links Alice's folder into his while picsift watches both: her photos must not become his (the scan never
    # followed such a link; the watcher listed it).
    media = tmp_path / "media"
    alice, bob = media / "alice", media / "bob"
    alice.mkdir(parents=True)
    bob.mkdir()
    jpeg_factory(alice / "hers.jpg", seed=7, size=(320, 240))
    ingest = make_ingest(settings, IngestSettings(stable_seconds=0.2, poll=True, poll_interval_ms=100), pipeline.bus)
    await ingest.scan([media])
    await pipeline.bus.join()
    stop, watching = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(ingest.watch([media], stop, watching))
    await asyncio.wait_for(watching.wait(), 20)
    (bob / "link").symlink_to(alice, target_is_directory=True)
    jpeg_factory(bob / "his.jpg", seed=8, size=(320, 240))  # a file after the link: once it is in, so was the link
    store = pipeline.store

    async def seen() -> bool:
        await pipeline.bus.join()
        return store.id_for_path(str(bob / "his.jpg")) is not None and any(
            o.path == str(bob / "link") for o in store.outcomes())

    await until(seen)
    stop.set()
    await asyncio.wait_for(watcher, 10)
    assert {o.path: (o.outcome, o.reason) for o in store.outcomes()}[str(bob / "link")] == \
        ("skipped", "symbolic link to a folder: not followed")
    assert store.id_for_path(str(bob / "link" / "hers.jpg")) is None
    assert sorted(p for r in store.iter_all() for p in r.paths) == [str(alice / "hers.jpg"), str(bob / "his.jpg")]
