"""Formats people shoot reach ingest and vision: AVIF, BMP, JPEG XL (generated here), camera raw, RAW+JPEG stacks."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from fixtures.dng import write_dng
from services.imaging.opening import register_openers
from services.ingest import examine as ex
from services.ingest.catalog import Catalog
from services.pipeline.layout import thumb_path
from services.vision.decode import decode

SIZES = (320, 64)


@pytest.fixture
def catalog(tmp_path):
    register_openers()
    return Catalog(tmp_path / "ingest.db")


def run(path: Path, catalog: Catalog, tmp_path: Path) -> ex.Examined:
    return ex.examine(path, path.parent, catalog, tmp_path / "thumbs", SIZES)


def similar(a: Image.Image, b: Image.Image) -> float:
    x, y = (np.asarray(i.convert("L").resize((48, 48)), float).ravel() for i in (a, b))
    return float(np.corrcoef(x, y)[0, 1])


@pytest.mark.parametrize("suffix,kind,mime", [(".avif", "AVIF", "image/avif"), (".bmp", "BMP", "image/bmp"),
                                              (".jxl", "JXL", "image/jxl")])
def test_avif_bmp_and_jpeg_xl_are_photos_with_thumbnails_and_pixels(suffix, kind, mime, tmp_path, catalog):
    source = Image.fromarray(data.chelsea())
    path = tmp_path / "media" / f"cat{suffix}"
    path.parent.mkdir()
    source.save(path)
    result = run(path, catalog, tmp_path)
    assert result.kind == ex.NEW, result.reason
    facts = result.record.file
    assert (facts.format, facts.mime, facts.width, facts.height, facts.has_thumbs) == (kind, mime, 451, 300, True)
    with Image.open(thumb_path(tmp_path / "thumbs", result.id, 320)) as thumb:
        assert thumb.size == (320, 213) and similar(thumb, source) > 0.95
    assert similar(decode(path), source) > 0.95


def test_a_camera_raw_alone_is_a_photo_with_its_format_and_thumbnails(tmp_path, catalog):
    (tmp_path / "media").mkdir()
    path = write_dng(tmp_path / "media" / "DSC_0001.DNG", data.chelsea())
    result = run(path, catalog, tmp_path)
    assert result.kind == ex.NEW, result.reason
    facts = result.record.file
    assert (facts.format, facts.mime, facts.width, facts.height) == ("DNG", "image/x-adobe-dng", 450, 300)
    with Image.open(thumb_path(tmp_path / "thumbs", result.id, 64)) as thumb:
        assert max(thumb.size) == 64 and similar(thumb, Image.fromarray(data.chelsea())) > 0.9
    assert similar(decode(path), Image.fromarray(data.chelsea())) > 0.9


def test_a_raw_beside_a_jpeg_of_the_same_name_is_that_photos_raw_file(tmp_path, catalog):
    media = tmp_path / "media"
    media.mkdir()
    jpeg = media / "IMG_0042.JPG"
    Image.fromarray(data.chelsea()).save(jpeg)
    stacked = write_dng(media / "IMG_0042.dng", data.chelsea())
    alone = write_dng(media / "IMG_0043.dng", data.coffee())
    photo = run(jpeg, catalog, tmp_path)
    assert photo.kind == ex.NEW and list(photo.record.file.stack) == [str(stacked)]
    member = run(stacked, catalog, tmp_path)
    assert member.kind == ex.STACKED and str(jpeg) in member.reason and member.record is None
    lone = run(alone, catalog, tmp_path)
    assert lone.kind == ex.NEW and list(lone.record.file.stack) == []


def test_a_broken_raw_fails_with_a_reason_and_the_next_file_goes_on(tmp_path, catalog):
    media = tmp_path / "media"
    media.mkdir()
    broken = media / "DSC_0002.NEF"
    broken.write_bytes(b"MM\x00*" + bytes(4096))
    result = run(broken, catalog, tmp_path)
    assert result.kind == ex.FAILED and "libraw" in result.reason
