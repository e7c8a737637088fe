"""Which files are photos: by extension first, then by what Pillow can identify from the header."""
from __future__ import annotations

from pathlib import Path

import pillow_heif
from PIL import Image

SUPPORTED = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF",
    ".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIF", ".heif": "HEIF", ".hif": "HEIF",
}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif",
        "TIFF": "image/tiff", "HEIF": "image/heif", "MPO": "image/jpeg"}
ORIENTATION_TAG = 0x0112


def register_openers() -> None:
    """Teach Pillow HEIC/HEIF; safe to call more than once."""
    pillow_heif.register_heif_opener()


def is_candidate(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.startswith(".")


def identify(path: Path) -> tuple[str, int, int]:
    """Format and upright width, height from the header alone (no pixel decoding)."""
    with Image.open(path) as image:
        width, height = image.size
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
        kind = "HEIF" if image.format in ("HEIF", "AVIF") else image.format
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return kind or "UNKNOWN", width, height
