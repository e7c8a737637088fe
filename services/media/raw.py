"""Camera raw files through libraw (rawpy): the camera's own JPEG preview when there is one, else a half-size demosaic."""
from __future__ import annotations

import io
from pathlib import Path

import rawpy
from PIL import Image

EXTENSIONS = (".nef", ".nrw", ".cr2", ".cr3", ".arw", ".srf", ".sr2", ".dng", ".orf", ".raf", ".rw2", ".pef",
              ".srw", ".x3f", ".3fr", ".iiq", ".rwl", ".erf", ".kdc", ".mrw", ".mef", ".mos")
PREVIEW_MIN_SIDE = 320  # smaller embedded previews are too coarse for vision: demosaic instead
SWAPS_SIDES = (5, 6)    # libraw's flip codes for a quarter turn


def upright_size(path: Path | str) -> tuple[int, int]:
    """Width and height as the photo is viewed (libraw's flip applied), from the raw's header."""
    with rawpy.imread(str(path)) as raw:
        sizes = raw.sizes
    width, height = sizes.width, sizes.height
    return (height, width) if sizes.flip in SWAPS_SIDES else (width, height)


def preview(path: Path | str) -> Image.Image:
    """An upright RGB image of the raw: its embedded preview when big enough, else libraw's half-size development."""
    with rawpy.imread(str(path)) as raw:
        try:
            thumb = raw.extract_thumb()
        except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
            thumb = None
        image = _thumb_image(thumb) if thumb is not None else None
        if image is not None and min(image.size) >= PREVIEW_MIN_SIDE:
            return _upright(image, raw.sizes.flip)
        return Image.fromarray(raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8))  # flip applied


def _upright(image: Image.Image, flip: int) -> Image.Image:
    """Turn a preview as libraw's flip says; the result carries no EXIF orientation to apply twice."""
    turn = {3: Image.Transpose.ROTATE_180, 5: Image.Transpose.ROTATE_90, 6: Image.Transpose.ROTATE_270}.get(flip)
    rgb = image.convert("RGB")
    rgb.info.pop("exif", None)
    return rgb.transpose(turn) if turn is not None else rgb


def embedded_jpeg(path: Path | str) -> bytes | None:
    """The camera's JPEG preview, which carries the EXIF of raws exifread cannot parse (CR3, RAF)."""
    with rawpy.imread(str(path)) as raw:
        try:
            thumb = raw.extract_thumb()
        except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
            return None
    return thumb.data if thumb.format == rawpy.ThumbFormat.JPEG else None


def _thumb_image(thumb) -> Image.Image | None:
    if thumb.format == rawpy.ThumbFormat.JPEG:
        image = Image.open(io.BytesIO(thumb.data))
        image.load()
        return image
    if thumb.format == rawpy.ThumbFormat.BITMAP:
        return Image.fromarray(thumb.data)
    return None
