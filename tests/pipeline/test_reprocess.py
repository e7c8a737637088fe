"""Reprocessing after a version change touches only the stale photos and only that stage (and what follows it): a
photo analysed before vision gave embeddings gets one, and similar photos find it."""
from PIL import Image
from skimage import data

from proto import pb
from services.app.index_command import index_paths
from services.app.registry import SPECS
from services.app.reprocess import reprocess
from services.app.wiring import embedded_pipeline
from services.ingest.settings import IngestSettings
from services.pipeline.settings import PipelineSettings
from services.similar.service import Neighbours, open_book
from services.vision.build import build_models
from services.vision.settings import VisionSettings


async def test_only_stale_vision_results_run_again(tmp_path):
    build_models(VisionSettings().models_dir, progress=lambda line: None)
    media = tmp_path / "media"
    media.mkdir()
    for name in ("chelsea", "coffee"):
        Image.fromarray(getattr(data, name)()).save(media / f"{name}.jpg", quality=90)
    settings = PipelineSettings(data_dir=tmp_path / "data")
    await index_paths([media], settings, IngestSettings())
    pipeline = embedded_pipeline(settings)
    await pipeline.start()
    try:
        store = pipeline.store
        stale_id = store.id_for_path(str(media / "chelsea.jpg"))
        fresh_id = store.id_for_path(str(media / "coffee.jpg"))
        before = {i: store.get(i) for i in (stale_id, fresh_id)}
        old = pb.VisionResult()
        old.CopyFrom(before[stale_id].vision)
        old.meta.version = "vision-4:mobilenet_v2@1"  # made before photos had embeddings
        old.ClearField("embedding")
        store.merge(pb.Record(id=stale_id, vision=old))
        book = open_book(settings.data_dir)
        assert Neighbours(book, store, None)(fresh_id) == []  # the old photo is nothing like anything yet
        result = await reprocess("vision", store, pipeline.bus)
        await pipeline.bus.join()
        after = {i: store.get(i) for i in (stale_id, fresh_id)}
        alike = Neighbours(book, store, None)(fresh_id)
        book.close()
    finally:
        await pipeline.stop()
    assert result["requested"] == 1
    assert after[stale_id].vision.meta.version == SPECS["vision"].version()
    assert after[stale_id].vision.meta.finished_at > before[stale_id].vision.meta.finished_at
    assert after[stale_id].semantic.meta.finished_at > before[stale_id].semantic.meta.finished_at  # follows vision
    assert len(after[stale_id].vision.embedding) == 1280 * 2 and [p for p, _ in alike] == [stale_id]
    assert after[stale_id].exif == before[stale_id].exif  # other stages untouched
    assert after[fresh_id] == before[fresh_id]
