"""People from real photos through the real face models: scikit-image's astronaut always, and the labelled test
photos of two face libraries when their `fetch` mirrors are on this machine."""
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from skimage import data

from proto import pb
from services.people.service import open_book, refreshed
from services.people.settings import PeopleSettings
from services.search.store import RecordStore
from services.vision.analyse import VisionModels, find_faces
from services.vision.build import build_models, read_manifest
from services.media.decode import decode
from services.vision.runtime.local import LocalRuntime
from services.vision.settings import VisionSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import people_faces  # noqa: E402


@pytest.fixture(scope="module")
def models():
    settings = VisionSettings()
    build_models(settings.models_dir, progress=lambda line: None)
    return settings.models_dir, VisionModels.load(read_manifest(settings.models_dir)["models"], settings.models_dir,
                                                  5, 0.03)


@pytest.fixture
async def faces_of(models):
    runtime = LocalRuntime(models[0], threads=2)

    async def faces(path: Path) -> pb.Record:
        found = await find_faces(models[1], runtime, decode(path))
        return pb.Record(id=path.stem, paths=[str(path)], file=pb.FileFacts(path=str(path)),
                         vision=pb.VisionResult(faces=found))
    yield faces
    await runtime.close()


@pytest.fixture
def store(tmp_path):
    store = RecordStore(tmp_path / "picsift.db")
    yield store
    store.close()


def astronauts(folder: Path) -> list[Path]:
    """The astronaut as taken, mirrored, smaller on a wider grey photo, and a cup of coffee with no face."""
    folder.mkdir()
    she = Image.fromarray(data.astronaut()).convert("RGB")
    wide = Image.new("RGB", (900, 600), (128, 128, 128))
    wide.paste(she.resize((300, 300)), (420, 150))
    shots = {"taken": she, "mirrored": ImageOps.mirror(she), "small": wide,
             "coffee": Image.fromarray(data.coffee()).convert("RGB"), "again": she.rotate(4)}
    for name, image in shots.items():
        image.save(folder / f"{name}.jpg", quality=92)
    return [folder / f"{name}.jpg" for name in shots]


async def test_the_astronaut_in_three_photos_is_one_person_who_keeps_her_name(tmp_path, faces_of, store):
    *first, again = astronauts(tmp_path / "media")
    for path in first:
        store.merge(await faces_of(path))
    book = open_book(tmp_path, PeopleSettings())
    try:
        (person,) = refreshed(book, store, "", None).people("", None)
        assert (person["faces"], person["photos"]) == (3, 3)
        assert {Path(p["path"]).stem for p in book.photos("", None, person["id"])["photos"]} == {
            "taken", "mirrored", "small"}
        book.name("", person["id"], "Eileen")
        store.merge(await faces_of(again))
        assert refreshed(book, store, "", None).people("", None) == [
            {"id": person["id"], "name": "Eileen", "faces": 4, "photos": 4}]
    finally:
        book.close()


@pytest.mark.skipif(not people_faces.available(), reason="fetch github:serengil/deepface and ageitgey/face_recognition")
async def test_real_labelled_faces_cluster_by_identity(tmp_path, faces_of, store):
    truth = people_faces.write_media(tmp_path / "media")
    for name in truth:
        store.merge(await faces_of(tmp_path / "media" / name))
    book = open_book(tmp_path, PeopleSettings())
    try:
        quality = people_faces.quality(refreshed(book, store, "", None), store, truth)
    finally:
        book.close()
    assert quality["identities"] >= 15
    assert quality["purity"] >= 0.95 and quality["identity_share"] >= 0.75 and quality["name_precision"] >= 0.9
