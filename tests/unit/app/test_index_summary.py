"""`index --json` accounting: one outcome per file; stage failures listed under their photo, never counted again."""
from __future__ import annotations

import pytest

from proto import pb
from services.app.index_command import summarize
from services.app.wiring import Pipeline
from services.ingest import examine as ex
from services.pipeline.bus import DeadLetter
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import FILE_FAILED, INGESTED, PATH_ADDED, VISION, encode
from services.search.store import RecordStore

PHOTO, OTHER, OLD = "a" * 64, "b" * 64, "c" * 64


@pytest.fixture
def pipeline(tmp_path):
    store = RecordStore(tmp_path / "picsift.db")
    vision_failed = pb.VisionResult(meta=pb.StageMeta(stage="vision", outcome=pb.OUTCOME_FAILED,
                                                      reason="cannot decode: truncated"))
    store.merge(pb.Record(id=PHOTO, paths=["/m/photo.jpg"], vision=vision_failed))
    yield Pipeline(PipelineSettings(data_dir=tmp_path), InMemoryBus(), store, [])
    store.close()


def letter(queue: str, key: str, message, reason: str) -> tuple[str, DeadLetter]:
    return queue, DeadLetter(queue, key, encode(message), reason, 5)


def test_each_file_has_one_outcome_and_stage_failures_sit_under_their_photo(pipeline):
    results = [ex.Examined(ex.NEW, "/m/photo.jpg", "/m", id=PHOTO),
               ex.Examined(ex.DUPLICATE, "/m/copy.jpg", "/m", id=PHOTO),
               ex.Examined(ex.NEW, "/m/other.jpg", "/m", id=OTHER),
               ex.Examined(ex.FAILED, "/m/broken.jpg", "/m", "not a readable image: truncated", id="d" * 64)]
    dead = [letter("semantic", VISION, pb.Record(id=PHOTO, paths=["/m/photo.jpg"]), "wordnet exploded"),
            letter("indexer", PATH_ADDED, pb.Record(id=PHOTO, paths=["/m/copy.jpg"]), "index locked"),
            letter("exif", INGESTED, pb.Record(id=OTHER, paths=["/m/other.jpg"]), "exif exploded"),
            letter("indexer", FILE_FAILED, pb.FileEvent(path="/m/broken.jpg", id="d" * 64), "index locked"),
            letter("vision", INGESTED, pb.Record(id=OLD, paths=["/m/earlier.jpg"]), "from an earlier run")]

    summary = summarize(results, pipeline, dead)

    assert (summary["indexed"], summary["duplicates"]) == (2, 1)
    assert summary["failed"] == [{"path": "/m/broken.jpg", "reason": "not a readable image: truncated"},
                                 {"path": "/m/earlier.jpg", "reason": "vision: from an earlier run"}]
    assert summary["incomplete"] == [
        {"path": "/m/photo.jpg", "id": PHOTO, "stage": "indexer", "reason": "index locked"},
        {"path": "/m/photo.jpg", "id": PHOTO, "stage": "semantic", "reason": "wordnet exploded"},
        {"path": "/m/photo.jpg", "id": PHOTO, "stage": "vision", "reason": "cannot decode: truncated"},
        {"path": "/m/other.jpg", "id": OTHER, "stage": "exif", "reason": "exif exploded"}]
