"""Camera raw through libraw: DNGs written here (always run) and raws from public test corpora (when fetched)."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from fixtures.dng import write_dng
from services.imaging.raw import RawError, open_raw, preview_exif, raw_size


def correlation(a: Image.Image, b: Image.Image) -> float:
    """How alike two pictures are in shape (brightness curves aside): Pearson r of their grey values."""
    size = (64, 64)
    x = np.asarray(a.convert("L").resize(size), float).ravel()
    y = np.asarray(b.convert("L").resize(size), float).ravel()
    return float(np.corrcoef(x, y)[0, 1])


def test_a_raw_without_preview_is_developed_at_half_size(tmp_path):
    cat = data.chelsea()  # 451 x 300, not square: a swapped side would show
    dng = write_dng(tmp_path / "cat.dng", cat)
    image = open_raw(dng)
    assert image.mode == "RGB" and image.size == (450 // 2, 300 // 2)
    assert correlation(image, Image.fromarray(cat)) > 0.9
    assert correlation(image, Image.fromarray(data.coffee())) < 0.5


def test_the_embedded_preview_is_used_and_turned_upright(tmp_path):
    cat, coffee = data.chelsea(), data.coffee()  # the raw holds the cat; the preview shows the coffee
    preview = np.asarray(Image.fromarray(coffee).resize((400, 300)))
    dng = write_dng(tmp_path / "turned.dng", cat, preview=preview, orientation=6)  # 6: turn 90 degrees clockwise
    image = open_raw(dng)
    assert image.size == (300, 400)
    expected = Image.fromarray(preview).transpose(Image.Transpose.ROTATE_270)
    assert correlation(image, expected) > 0.95
    assert raw_size(dng) == (300, 450)


def test_a_preview_too_small_for_vision_gives_way_to_the_raw_data(tmp_path):
    cat = data.chelsea()
    tiny = np.asarray(Image.fromarray(data.coffee()).resize((160, 120)))
    image = open_raw(write_dng(tmp_path / "tiny.dng", cat, preview=tiny))
    assert image.size == (225, 150) and correlation(image, Image.fromarray(cat)) > 0.9


def test_a_file_libraw_cannot_read_is_a_raw_error_with_the_reason(tmp_path):
    fake = tmp_path / "IMG_0001.CR2"
    fake.write_bytes(b"II*\x00" + bytes(range(256)) * 8)
    with pytest.raises(RawError, match="not a raw file libraw can read"):
        open_raw(fake)


MIRROR = Path("/work/.mirror")
CORPUS_RAWS = [  # (repository, path): small real raws that public test suites ship
    ("photoprism+photoprism", "assets/examples/canon_eos_6d.dng"),
    ("drewnoakes+metadata-extractor-images", "nef/Issue 247-1.nef"),
    ("exiftool+exiftool", "t/images/Panasonic.rw2"),
    ("exiftool+exiftool", "t/images/DNG.dng"),
]


def corpus_file(repo: str, path: str, tmp_path: Path) -> Path:
    """One file out of a fetched bare repository, or a skip when it was not fetched here."""
    import subprocess

    git_dir = MIRROR / repo / "repo"
    if not git_dir.is_dir():
        pytest.skip(f"{repo} not fetched (fetch github:{repo.replace('+', '/')})")
    shown = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], capture_output=True)
    if shown.returncode != 0 or not shown.stdout:
        pytest.skip(f"{path} not in the stored snapshot of {repo}")
    target = tmp_path / Path(path).name
    target.write_bytes(shown.stdout)
    return target


@pytest.mark.parametrize("repo,path", CORPUS_RAWS, ids=[p for _, p in CORPUS_RAWS])
def test_real_camera_raws_give_pixels_and_sizes(repo, path, tmp_path):
    raw = corpus_file(repo, path, tmp_path)
    image = open_raw(raw, 512)
    assert image.mode == "RGB" and min(image.size) >= 64
    width, height = raw_size(raw)
    assert (width > height) == (image.width > image.height)


def test_a_raw_preview_carries_the_camera_exif(tmp_path):
    raw = corpus_file("drewnoakes+metadata-extractor-images", "nef/Issue 247-1.nef", tmp_path)
    assert preview_exif(raw).get(0x010F, "").lower().startswith("nikon")  # the preview's writer: Nikon software
