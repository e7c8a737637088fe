"""A RAW+JPEG pair is one photo with both files, shown once in the gallery and in search; a raw alone is a photo."""
from PIL import Image
from skimage import data

from fixtures.dng import write_dng
from services.app.wiring import Pipeline, make_ingest, open_index, store_path
from services.ingest.settings import IngestSettings
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.settings import PipelineSettings
from services.search.api import SearchService
from services.search.indexer import build_indexer
from services.search.record_view import record_to_dict
from services.search.store import RecordStore


async def test_a_raw_and_its_jpeg_are_one_photo_listed_and_found_once(tmp_path):
    media = tmp_path / "media" / "lake"
    media.mkdir(parents=True)
    Image.fromarray(data.chelsea()).save(media / "IMG_0042.JPG")
    raw = write_dng(media / "IMG_0042.DNG", data.chelsea())
    write_dng(media / "IMG_0043.DNG", data.coffee())
    settings = PipelineSettings(data_dir=tmp_path / "data")
    store, index = RecordStore(store_path(settings)), open_index(settings)
    pipeline = Pipeline(settings, InMemoryBus(), store, [build_indexer(store, index)])
    await pipeline.start()
    try:
        results = await make_ingest(settings, IngestSettings(stable_seconds=0), pipeline.bus).scan([media.parent])
        await pipeline.bus.join()
        listed = {record.file.path.rsplit("/", 1)[1]: record for record in store.list()}
        hits = SearchService(index).search_sync("lake", None)["hits"]
    finally:
        await pipeline.stop()
    assert sorted((r.path.rsplit("/", 1)[1], r.kind) for r in results) == [
        ("IMG_0042.DNG", "stacked"), ("IMG_0042.JPG", "new"), ("IMG_0043.DNG", "new")]
    assert sorted(listed) == ["IMG_0042.JPG", "IMG_0043.DNG"]
    shown = record_to_dict(listed["IMG_0042.JPG"])
    assert shown["file"]["stack"] == [str(raw)] and shown["paths"] == [str(media / "IMG_0042.JPG")]
    assert listed["IMG_0043.DNG"].file.format == "DNG"
    assert sorted(hit["path"].rsplit("/", 1)[1] for hit in hits) == ["IMG_0042.JPG", "IMG_0043.DNG"]
