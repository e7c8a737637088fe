"""Which files are photos, by extension, and their format and upright size from the header alone."""
from __future__ import annotations

from pathlib import Path

import pillow_heif
import pillow_jxl  # noqa: F401 - registers JPEG XL with Pillow
from PIL import Image

from services.media import raw

PILLOW_FORMATS = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF",
    ".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIF", ".heif": "HEIF", ".hif": "HEIF", ".avif": "AVIF",
    ".bmp": "BMP", ".jxl": "JXL",
}
SUPPORTED = {**PILLOW_FORMATS, **{ext: "RAW" for ext in raw.EXTENSIONS}}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif",
        "TIFF": "image/tiff", "HEIF": "image/heif", "MPO": "image/jpeg", "AVIF": "image/avif",
        "BMP": "image/bmp", "JXL": "image/jxl", "RAW": "image/x-raw"}
ORIENTATION_TAG = 0x0112


def register_openers() -> None:
    """Teach Pillow HEIC/HEIF (AVIF and JPEG XL come with Pillow and pillow-jxl); safe to call more than once."""
    pillow_heif.register_heif_opener()


def is_candidate(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.startswith(".")


def is_raw(path: Path | str) -> bool:
    return Path(path).suffix.lower() in raw.EXTENSIONS


def identify(path: Path) -> tuple[str, int, int]:
    """Format and upright width, height from the header alone (no pixel decoding)."""
    if is_raw(path):
        return ("RAW", *raw.upright_size(path))
    with Image.open(path) as image:
        width, height = image.size
        orientation = header_exif(image).get(ORIENTATION_TAG, 1)
        kind = "HEIF" if image.format == "HEIF" else image.format
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return kind or "UNKNOWN", width, height


def header_exif(image: Image.Image) -> Image.Exif:
    """EXIF without decoding pixels: Pillow's getexif() on a PNG decodes the whole image to look for an eXIf chunk
    after the pixel data, so a PNG's EXIF is read from an eXIf chunk before them (where the PNG spec puts it) only."""
    if image.format != "PNG":
        return image.getexif()
    exif = Image.Exif()
    if image.info.get("exif"):
        exif.load(image.info["exif"])
    return exif
