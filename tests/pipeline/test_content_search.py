"""Disk to search hit by content: ingest, exif, vision (real MobileNetV2), semantic and the indexer in process."""
import pytest
from PIL import Image
from skimage import data

from services.app.index_command import index_paths
from services.app.wiring import open_index
from services.ingest.settings import IngestSettings
from services.pipeline.settings import PipelineSettings
from services.search.api import SearchService
from services.vision.build import build_models
from services.vision.settings import VisionSettings


@pytest.fixture(scope="module", autouse=True)
def models():
    build_models(VisionSettings().models_dir, progress=lambda line: None)


async def test_photos_are_found_by_what_is_in_them(tmp_path):
    media = tmp_path / "media" / "holiday"
    media.mkdir(parents=True)
    for name in ("chelsea", "coffee", "astronaut"):
        Image.fromarray(getattr(data, name)()).convert("RGB").save(media / f"img_{name[:2]}.jpg", quality=92)
    settings = PipelineSettings(data_dir=tmp_path / "data")
    summary = await index_paths([media.parent], settings, IngestSettings())
    assert summary["indexed"] == 3 and summary["failed"] == []
    search = SearchService(open_index(settings))
    roots = [str(tmp_path / "media")]

    def found(query):
        return [hit["path"].rsplit("/", 1)[1] for hit in search.search_sync(query, roots)["hits"]]

    for query in ("cat", "animal", "pet", "feline"):
        assert found(query) == ["img_ch.jpg"], query
    for query in ("espresso", "coffee", "drink"):
        assert found(query) == ["img_co.jpg"], query
    assert set(found("holiday")) == {"img_ch.jpg", "img_co.jpg", "img_as.jpg"}
    for query in ("happy woman", "smiling lady", "woman faces:1", "happy woman in her 30ies"):
        assert found(query) == ["img_as.jpg"], query
    assert found("sad woman") == []
    assert found("cup") == ["img_co.jpg"] and "img_as.jpg" in found("person")
