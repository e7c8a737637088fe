"""Thumbnails keyed by photo id, upright, JPEG; decoded in draft mode so big photos stay cheap. Ingest makes the
small size of every photo; the gateway makes the larger preview of a photo the first time someone opens it."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PIL import Image, ImageOps

from services.media.containment import open_inside
from services.media.content_id import sha256_stream
from services.media.formats import is_raw
from services.media.pixels import open_image
from services.pipeline.layout import thumb_path


class ChangedOnDisk(OSError):
    """The file no longer holds the photo it was indexed as."""


def write_thumbnails(source: Path | str, thumbs_dir: Path, photo_id: str, sizes: tuple[int, ...],
                     raw: bool | None = None, before_keeping: Callable[[], None] | None = None) -> None:
    """Write every size, largest first (each smaller one is made from the previous); `raw`: whether the source is a
    raw file when its name does not say; `before_keeping`: called before each is put in place (it raises to keep
    none)."""
    with open_image(source, raw) as image:
        largest = max(sizes)
        if image.format == "JPEG":
            image.draft("RGB", (largest, largest))
        image.seek(0)
        ImageOps.exif_transpose(image, in_place=True)  # a half-size draft of a 12 MP photo: no copy of it
        upright = image
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGBA").convert("RGB") if "A" in upright.mode or upright.mode == "P" \
                else upright.convert("RGB")
        for size in sorted(sizes, reverse=True):
            upright.thumbnail((size, size), Image.Resampling.LANCZOS)
            target = thumb_path(thumbs_dir, photo_id, size)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.stem}.{os.getpid()}.part")  # two writers never share one
            upright.save(partial, "JPEG", quality=85)  # no optimize pass: twice the encoding for 1.3% fewer bytes
            try:
                if before_keeping:
                    before_keeping()
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            os.replace(partial, target)


def write_preview(path: str, roots: tuple[str, ...], thumbs_dir: Path, photo_id: str, size: int) -> None:
    """One size of the photo at `path`, read through a descriptor checked to be inside `roots` (a link swapped in for
    the file since it was indexed cannot make another user's photo this one's preview), and only while the file
    holds the photo: its content is the id, and nothing wrote to it (its ctime, which no user can set back) from the
    check until the preview is kept. A preview is shared by every user holding the photo: one who changed his copy
    in place must not make theirs."""
    fd = open_inside(path, roots)
    try:
        before = os.fstat(fd)
        with open(f"/proc/self/fd/{fd}", "rb") as f:
            if sha256_stream(f) != photo_id:
                raise ChangedOnDisk(f"{path} has changed since it was indexed: its preview waits for ingest")

        def unchanged() -> None:
            now = os.fstat(fd)
            if (now.st_ctime_ns, now.st_size) != (before.st_ctime_ns, before.st_size):
                raise ChangedOnDisk(f"{path} changed while its preview was made")

        write_thumbnails(f"/proc/self/fd/{fd}", thumbs_dir, photo_id, (size,), raw=is_raw(path),
                         before_keeping=unchanged)
    finally:
        os.close(fd)
