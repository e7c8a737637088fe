"""Which files are photos: by extension first, then by what the header says (Pillow, or libraw for camera raw)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from services.imaging.opening import register_openers
from services.imaging.raw import RAW_FORMATS, RAW_MIME, raw_format, raw_size

SUPPORTED = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF",
    ".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIF", ".heif": "HEIF", ".hif": "HEIF",
    ".avif": "AVIF", ".bmp": "BMP", ".jxl": "JXL", **RAW_FORMATS,
}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif",
        "TIFF": "image/tiff", "HEIF": "image/heif", "MPO": "image/jpeg", "AVIF": "image/avif",
        "BMP": "image/bmp", "JXL": "image/jxl", **RAW_MIME}
ORIENTATION_TAG = 0x0112

__all__ = ["MIME", "SUPPORTED", "identify", "is_candidate", "register_openers"]


def is_candidate(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.startswith(".")


def identify(path: Path) -> tuple[str, int, int]:
    """Format and upright width, height from the header alone (no pixel decoding)."""
    kind = raw_format(path)
    if kind:
        return (kind, *raw_size(path))
    with Image.open(path) as image:
        width, height = image.size
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
        kind = image.format
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return kind or "UNKNOWN", width, height
