"""Faces for the people page: a square around a face box (with room for hair and chin), cut from the photo's
largest thumbnail, which the boxes are relative to (both are of the upright image)."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

MARGIN = 1.6  # the square's side, in face-box sides
SIZE = 192  # pixels of the crop's side


def box_area(box: list[float]) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def face_crop(thumb: Path, box: list[float], size: int = SIZE) -> bytes:
    """A size x size JPEG of the face; the square is moved, never squeezed, to stay inside the picture."""
    with Image.open(thumb) as image:
        width, height = image.size
        x1, y1, x2, y2 = (min(max(v, 0.0), 1.0) for v in box)
        side = min(max((x2 - x1) * width, (y2 - y1) * height, 1.0) * MARGIN, width, height)
        left = min(max((x1 + x2) / 2 * width - side / 2, 0.0), width - side)
        top = min(max((y1 + y2) / 2 * height - side / 2, 0.0), height - side)
        face = image.convert("RGB").crop((round(left), round(top), round(left + side), round(top + side)))
        out = io.BytesIO()
        face.resize((size, size), Image.Resampling.LANCZOS).save(out, "JPEG", quality=85)
    return out.getvalue()
