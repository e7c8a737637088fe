"""Thumbnails are upright whatever the EXIF orientation: the samples' eight orientations of one landscape photo (each
showing its number) make one picture, each size within its box."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from services.media.thumbs import write_thumbnails
from services.pipeline.layout import thumb_path

SIZES = (80, 320)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_gives_the_upright_picture(samples_dir, tmp_path, orientation):
    thumbs = {}
    for number in (1, orientation):
        write_thumbnails(samples_dir / "jpg" / "orientation" / f"landscape_{number}.jpg", tmp_path, f"{number:064}",
                         SIZES)
        thumbs[number] = [Image.open(thumb_path(tmp_path, f"{number:064}", size)) for size in SIZES]
    for upright, turned, size in zip(thumbs[1], thumbs[orientation], SIZES):
        assert turned.size == upright.size and max(upright.size) == size and upright.width > upright.height
        difference = np.abs(np.asarray(turned, np.int16) - np.asarray(upright, np.int16)).mean()
        assert difference < 25   # the number each one shows apart (~15), one picture (mirrored or turned: 44-62)
