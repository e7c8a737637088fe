"""One way to open any supported photo as a Pillow image: camera raw through libraw, everything else through Pillow."""
from __future__ import annotations

from pathlib import Path

import pillow_heif
import pillow_jxl  # noqa: F401 - importing it registers the JPEG XL plugin with Pillow
from PIL import Image

from services.imaging.raw import open_raw, raw_format


def register_openers() -> None:
    """Teach Pillow HEIC/HEIF (JPEG XL registers on import); safe to call more than once."""
    pillow_heif.register_heif_opener()


def open_image(path: Path | str, size: int = 0) -> Image.Image:
    """The photo's first frame; JPEGs (and raw previews) are decoded near `size` when it is given.

    Use it as a context manager, as Image.open: a raw's pixels are already loaded and upright.
    """
    if raw_format(path):
        return open_raw(path, size)
    image = Image.open(path)
    if size and image.format == "JPEG":
        image.draft("RGB", (size, size))
    return image
