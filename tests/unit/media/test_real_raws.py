"""Real camera raws from public test corpora (fetched, never committed): pixels, sizes and typed outcomes."""
import pytest

from fixtures.corpora import corpus_file
from proto import pb
from services.ingest.catalog import Catalog
from services.ingest.examine import FAILED, NEW, examine
from services.media.formats import identify, register_openers
from services.media.decode import decode

READABLE = [  # (repository, path, upright width x height as libraw reports it)
    ("photoprism/photoprism", "assets/examples/canon_eos_6d.dng", (1224, 816)),   # embedded JPEG preview
    ("drewnoakes/metadata-extractor-images", "nef/Issue 247-1.nef", (1999, 3008)),  # preview; raw data cut off
    ("exiftool/exiftool", "t/images/Panasonic.rw2", (3664, 2754)),  # no usable preview: developed at half size
]
STRIPPED = [  # exiftool's test raws with their image data removed: a header, metadata, no pixels to be had
    "t/images/CanonRaw.cr3", "t/images/Nikon.nef", "t/images/FujiFilm.raf",
]

@pytest.fixture(autouse=True)
def openers():
    register_openers()


@pytest.mark.parametrize("repo, path, size", READABLE, ids=[p for _, p, _ in READABLE])
def test_a_real_raw_becomes_a_photo_vision_can_see(tmp_path, repo, path, size):
    raw = corpus_file(repo, path, tmp_path)
    assert identify(raw) == ("RAW", *size)
    found = examine(raw, tmp_path, Catalog(":memory:"), tmp_path / "thumbs", (256,))
    assert found.kind == NEW and found.record.file.has_thumbs, found.reason
    pixels = decode(raw, 256)
    assert pixels.mode == "RGB" and max(pixels.size) == 256
    assert (pixels.width > pixels.height) == (size[0] > size[1])  # upright as libraw says
    assert pixels.getextrema() != ((0, 0), (0, 0), (0, 0))  # not a blank frame


@pytest.mark.parametrize("path", STRIPPED)
def test_a_raw_without_image_data_is_a_photo_flagged_partial_with_the_reason(tmp_path, path):
    raw = corpus_file("exiftool/exiftool", path, tmp_path)
    found = examine(raw, tmp_path, Catalog(":memory:"), tmp_path / "thumbs", (256,))
    assert found.kind == NEW and not found.record.file.has_thumbs
    assert found.record.ingest.outcome == pb.OUTCOME_PARTIAL and found.reason.startswith("no thumbnail: LibRaw")


def test_a_raw_libraw_cannot_open_fails_alone_with_a_reason(tmp_path):
    raw = corpus_file("exiftool/exiftool", "t/images/CanonRaw.cr2", tmp_path)  # a CR2 cut to its metadata
    found = examine(raw, tmp_path, Catalog(":memory:"), tmp_path / "thumbs", (256,))
    assert (found.kind, found.record) == (FAILED, None) and "LibRawFileUnsupportedError" in found.reason


@pytest.mark.parametrize("repo, path, size", READABLE, ids=[p for _, p, _ in READABLE])
def test_a_real_raws_preview_is_made_through_its_checked_descriptor(tmp_path, repo, path, size):
    """The gateway's first-view preview reads the raw through /proc/self/fd (no suffix): still read as a raw."""
    from PIL import Image

    from services.media.thumbs import write_preview
    from services.pipeline.layout import thumb_path

    raw = corpus_file(repo, path, tmp_path)
    write_preview(str(raw), (str(tmp_path),), tmp_path / "thumbs", "ab" * 32, 400)
    with Image.open(thumb_path(tmp_path / "thumbs", "ab" * 32, 400)) as preview:
        assert max(preview.size) == 400 and (preview.width > preview.height) == (size[0] > size[1])
