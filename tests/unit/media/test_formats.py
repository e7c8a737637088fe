"""Every format the README lists is read: raw through libraw, AVIF, BMP and JPEG XL through Pillow."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from skimage import data

from services.exif.reader import read_metadata
from services.ingest.catalog import Catalog
from services.ingest.examine import NEW, examine
from services.media.formats import identify, register_openers
from services.media.decode import decode
from tests.fixtures.raw import write_dng

# A landscape picture (wider than tall), so a quarter turn shows in the sizes.
PICTURE = Image.fromarray(data.astronaut()[:384, :, :])


@pytest.fixture(autouse=True)
def openers():
    register_openers()


@pytest.mark.parametrize("suffix, pillow_format, kind", [
    (".avif", "AVIF", "AVIF"), (".bmp", "BMP", "BMP"), (".jxl", "JXL", "JXL")])
def test_avif_bmp_and_jpeg_xl_become_photos_with_thumbnails_and_pixels(tmp_path, suffix, pillow_format, kind):
    path = tmp_path / f"astronaut{suffix}"
    PICTURE.save(path, pillow_format)
    assert identify(path) == (kind, 512, 384)
    found = examine(path, tmp_path, Catalog(":memory:"), tmp_path / "thumbs", (128,))
    assert found.kind == NEW and found.record.file.has_thumbs, found.reason
    pixels = decode(path, 64)
    assert pixels.size == (64, 48) and colour_gap(pixels, PICTURE) < 12


def colour_gap(image: Image.Image, reference: Image.Image) -> float:
    """The largest difference of mean red, green or blue between two pictures."""
    means = [np.asarray(i.convert("RGB"), float).mean(axis=(0, 1)) for i in (image, reference)]
    return float(np.abs(means[0] - means[1]).max())


@pytest.mark.parametrize("preview", [False, True], ids=["demosaic", "embedded-preview"])
def test_a_camera_raw_is_read_through_libraw(tmp_path, preview):
    path = write_dng(tmp_path / "IMG_0001.DNG", PICTURE, preview=preview, make="Picsift", model="Bayer 1")
    assert identify(path) == ("RAW", 512, 384)
    found = examine(path, tmp_path, Catalog(":memory:"), tmp_path / "thumbs", (128,))
    assert found.kind == NEW and found.record.file.has_thumbs and found.record.file.mime == "image/x-raw"
    pixels = decode(path, 64)
    assert pixels.size == (64, 48)
    if preview:  # the camera's own rendering is used, not a development of the mosaic
        assert colour_gap(pixels, PICTURE) < 12
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height, meta.problems) == ("RAW", 512, 384, [])
    assert str(meta.tags.get("Image Make")).strip() == "Picsift"


def test_a_raw_turned_a_quarter_is_upright(tmp_path):
    path = write_dng(tmp_path / "turned.dng", PICTURE, orientation=6)
    assert identify(path) == ("RAW", 384, 512)
    assert decode(path, 64).size == (48, 64)


def test_a_broken_raw_is_a_failed_outcome_not_a_crash(tmp_path):
    good = write_dng(tmp_path / "good.dng", PICTURE).read_bytes()
    broken = tmp_path / "broken.nef"
    broken.write_bytes(good[:200])
    found = examine(broken, tmp_path, Catalog(":memory:"), tmp_path / "thumbs", (128,))
    assert found.kind == "failed" and found.reason


def test_a_png_is_identified_from_its_header_alone(tmp_path):
    """Orientation from the eXIf chunk before the pixels; the pixels themselves are never decoded (here: broken)."""
    exif = Image.Exif()
    exif[0x0112] = 6  # turned a quarter
    turned, plain = tmp_path / "turned.png", tmp_path / "plain.png"
    PICTURE.save(turned, "PNG", exif=exif.tobytes())
    PICTURE.save(plain, "PNG")
    for path, size in ((turned, (384, 512)), (plain, (512, 384))):
        payload = bytearray(path.read_bytes())
        start = payload.index(b"IDAT") + 4
        payload[start + 16:start + 4000] = bytes(3984)  # the pixel data broken, the header intact
        path.write_bytes(bytes(payload))
        assert identify(path) == ("PNG", *size)
