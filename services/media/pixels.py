"""Open any supported photo as a Pillow image: raw files as their upright preview, the rest as Pillow reads them."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from PIL import Image

from services.media import raw
from services.media.formats import is_raw


@contextmanager
def open_image(path: Path | str, raw_file: bool | None = None) -> Iterator[Image.Image]:
    """The image, closed on exit; callers still apply EXIF orientation (a raw preview carries none). `raw_file`:
    whether it is a raw when its name does not tell (a /proc/self/fd path)."""
    if is_raw(path) if raw_file is None else raw_file:
        image = raw.preview(path)
        try:
            yield image
        finally:
            image.close()
        return
    with Image.open(path) as image:
        yield image
