"""Decode once, upright, RGB, at about the size analysis needs (JPEG draft mode keeps big photos cheap)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from services.media.pixels import open_image

DECODE_SIZE = 512


class DecodeError(ValueError):
    """An image that cannot become pixels, with why."""


def decode(path: Path | str, size: int = DECODE_SIZE) -> Image.Image:
    """First frame, EXIF orientation applied, RGB (CMYK, 16-bit, palette and alpha converted); a JPEG's
    quantisation tables kept in info["quantization"]."""
    try:
        with open_image(path) as image:
            if image.format == "JPEG":
                image.draft("RGB", (size, size))
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
    rgb.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return rgb
