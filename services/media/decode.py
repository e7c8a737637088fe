"""Decode once, upright, RGB, at about the size analysis needs (JPEG draft mode keeps big photos cheap)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from services.media.formats import is_raw
from services.media.pixels import open_image

DECODE_SIZE = 512


class DecodeError(ValueError):
    """An image that cannot become pixels, with why."""


def decode(path: Path | str, size: int = DECODE_SIZE, shrink: bool = True, long_side: bool = False) -> Image.Image:
    """First frame, EXIF orientation applied, RGB (CMYK, 16-bit, palette and alpha converted), its long side at most
    `size` px (shrink False: as decoded, a JPEG at the draft scale just above `size`); a JPEG's quantisation tables
    kept in info["quantization"]. The draft is the smallest whose sides are both at least `size` px, or with
    `long_side` the smallest whose long side is (of a 12 MP photo at 1000 px: the quarter-size draft, not the half)."""
    image = drafted(path, size, long_side)
    return shrunk(image, size) if shrink else image


def draft_size(path: Path | str, size: int, long_side: bool = False) -> tuple[int, int]:
    """The size (before orientation) drafted() decodes the photo at for `size`: decodes whose drafts match are the same
    pixels. Read from the header; (0, 0) for raws (their preview is decoded whole)."""
    if is_raw(path):
        return (0, 0)
    try:
        with Image.open(path) as image:
            if image.format == "JPEG":
                image.draft("RGB", draft_box(image.size, size, long_side))
            return image.size
    except Exception as exc:  # noqa: BLE001 - as in drafted(): any decoder error is the file's
        raise DecodeError(f"cannot decode: {type(exc).__name__}: {exc}") from exc


def draft_box(full: tuple[int, int], size: int, long_side: bool) -> tuple[int, int]:
    """The box a JPEG's draft must cover: `size` both ways, or `size` on the long side in the photo's proportions
    (rounded up, so the draft's long side is never below `size`)."""
    if not long_side:
        return (size, size)
    longest = max(full)
    return (-(-size * full[0] // longest), -(-size * full[1] // longest))


def drafted(path: Path | str, size: int, long_side: bool = False) -> Image.Image:
    """The photo as decode() describes it, at the smallest JPEG draft scale still at least `size` px (other formats
    whole)."""
    try:
        with open_image(path) as image:
            if image.format == "JPEG":
                image.draft("RGB", draft_box(image.size, size, long_side))
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("I;16", "I;16B", "I;16L", "I"):
                upright = upright.point(lambda v: v * (1 / 256)).convert("L")
            rgb = upright.convert("RGBA").convert("RGB") if upright.mode in ("P", "LA", "PA") else upright.convert("RGB")
            if getattr(image, "quantization", None):  # a JPEG's tables tell the quality it was saved at
                rgb.info["quantization"] = image.quantization
    except Image.DecompressionBombError as exc:
        raise DecodeError(f"refused as a decompression bomb: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - decoders (Pillow, libheif, libraw) raise many types
        raise DecodeError(f"cannot decode: {type(exc).__name__}: {exc}") from exc
    if rgb.width < 1 or rgb.height < 1:
        raise DecodeError("the image has no pixels")
    return rgb


def shrunk(image: Image.Image, size: int) -> Image.Image:
    """The image itself, its long side brought down to at most `size` px."""
    image.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return image
