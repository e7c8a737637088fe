"""Camera raw through libraw (rawpy): the embedded JPEG preview when it is big enough, else a half-size demosaic."""
from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import rawpy
from PIL import Image

RAW_FORMATS = {".nef": "NEF", ".nrw": "NEF", ".cr2": "CR2", ".cr3": "CR3", ".arw": "ARW", ".dng": "DNG",
               ".orf": "ORF", ".raf": "RAF", ".rw2": "RW2", ".pef": "PEF", ".srw": "SRW"}
RAW_MIME = {"NEF": "image/x-nikon-nef", "CR2": "image/x-canon-cr2", "CR3": "image/x-canon-cr3",
            "ARW": "image/x-sony-arw", "DNG": "image/x-adobe-dng", "ORF": "image/x-olympus-orf",
            "RAF": "image/x-fuji-raf", "RW2": "image/x-panasonic-rw2", "PEF": "image/x-pentax-pef",
            "SRW": "image/x-samsung-srw"}
MIN_PREVIEW_SIDE = 320  # smaller embedded thumbnails (160x120 in IFD0) are too coarse for vision: demosaic instead
FLIP_TO_TRANSPOSE = {3: Image.Transpose.ROTATE_180, 5: Image.Transpose.ROTATE_90, 6: Image.Transpose.ROTATE_270}


class RawError(ValueError):
    """libraw could not read this raw file; the message says why."""


def raw_format(path: Path | str) -> str | None:
    """The raw format by extension ('NEF', 'CR3', ...), None for other files."""
    return RAW_FORMATS.get(Path(path).suffix.lower())


def raw_size(path: Path | str) -> tuple[int, int]:
    """Upright width and height of the developed image, from the header alone."""
    with _open(path) as raw:
        width, height = raw.sizes.width, raw.sizes.height
        return (height, width) if raw.sizes.flip in (5, 6) else (width, height)


def open_raw(path: Path | str, size: int = 0) -> Image.Image:
    """Upright RGB pixels: the embedded JPEG preview (decoded near `size` when given), else a half-size demosaic."""
    with _open(path) as raw:
        flip = raw.sizes.flip
        image = _preview(raw, size)
        if image is None:
            try:
                return Image.fromarray(raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8))
            except (rawpy.LibRawError, MemoryError) as exc:
                raise RawError(f"raw data cannot be developed: {_message(exc)}") from exc
    if flip in FLIP_TO_TRANSPOSE:
        image = image.transpose(FLIP_TO_TRANSPOSE[flip])
        image.info.pop("exif", None)  # the raw's flip is applied; the preview's own tag must not turn it again
    return image


def _preview(raw: rawpy.RawPy, size: int) -> Image.Image | None:
    """The embedded preview, loaded, if it is a decodable one of useful size."""
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawError, MemoryError):
        return None
    try:
        if thumb.format == rawpy.ThumbFormat.JPEG:
            image = Image.open(io.BytesIO(thumb.data))
            if size:
                image.draft("RGB", (size, size))
            image.load()
        else:
            image = Image.fromarray(np.asarray(thumb.data))
    except (OSError, ValueError, SyntaxError, EOFError):
        return None  # a broken preview: the raw data may still develop
    return image if max(image.size) >= MIN_PREVIEW_SIDE else None


@contextmanager
def _open(path: Path | str) -> Iterator[rawpy.RawPy]:
    """rawpy.imread whose errors are RawError with a readable reason."""
    try:
        raw = rawpy.imread(str(path))
    except rawpy.LibRawError as exc:
        raise RawError(f"not a raw file libraw can read: {_message(exc)}") from exc
    with raw:
        yield raw


def _message(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def preview_exif(path: Path | str) -> Image.Exif:
    """The EXIF the camera wrote into the embedded JPEG preview: the route to tags of raws EXIF readers cannot parse."""
    with _open(path) as raw:
        try:
            thumb = raw.extract_thumb()
        except (rawpy.LibRawError, MemoryError):
            return Image.Exif()
    if thumb.format != rawpy.ThumbFormat.JPEG:
        return Image.Exif()
    with Image.open(io.BytesIO(thumb.data)) as image:
        return image.getexif()
