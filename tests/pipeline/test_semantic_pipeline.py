"""From vision's output to a search hit: the semantic stage and the indexer on the in-memory bus.

Vision is not in this pipeline: the test publishes the photo.vision message the classifier sends for a tabby cat.
"""
import pytest

from proto import pb
from services.pipeline.host import Pipeline
from services.app.wiring import indexer_stage, open_index, store_path
from services.media.formats import register_openers
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import VISION, encode
from services.search.api import SearchService
from services.search.store import RecordStore
from services.semantic.service import build_stage
from services.semantic.settings import SemanticSettings


@pytest.fixture
async def pipeline(tmp_path):
    register_openers()
    settings = PipelineSettings(data_dir=tmp_path / "data")
    store = RecordStore(store_path(settings))
    pipe = Pipeline(settings, InMemoryBus(), store, [indexer_stage(settings, store),
                                                      build_stage(SemanticSettings())])
    await pipe.start()
    yield pipe
    await pipe.stop()


async def test_a_cat_photo_becomes_findable_by_animal_and_pet(pipeline, tmp_path, jpeg_factory):
    path = jpeg_factory(tmp_path / "media" / "garden" / "chelsea.jpg", seed=9)
    record = pb.Record(id="c" * 64, paths=[str(path)])
    record.file.path, record.file.root = str(path), str(tmp_path / "media")
    await pipeline.bus.publish("photo.ingested", encode(record))
    vision = pb.Record(id=record.id, vision=pb.VisionResult(
        classes=[pb.Label(label="tabby", wnid="n02123045", score=0.62, model="mobilenet_v2")],
        meta=pb.StageMeta(stage="vision", version="test", outcome=pb.OUTCOME_OK)))
    await pipeline.bus.publish(VISION, encode(vision))
    await pipeline.bus.join()
    stored = pipeline.store.get(record.id)
    assert stored.semantic.meta.outcome == pb.OUTCOME_OK
    search = SearchService(open_index(pipeline.settings))
    for word in ("animal", "pet", "cat", "feline", "cats"):
        result = search.search_sync(word, [str(tmp_path / "media")], explain=True)
        assert [h["id"] for h in result["hits"]] == [record.id], word
    assert search.search_sync("dog", [str(tmp_path / "media")])["total"] == 0
