"""Canon CR3 keeps its EXIF in ISO-media boxes exifread does not read: CMT1 (IFD0), CMT2 (EXIF), CMT4 (GPS)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

HEAD_BYTES = 64 * 1024  # the CMT boxes sit in the moov box's Canon uuid, within the first few KiB
BOXES = {b"CMT1": "Image", b"CMT2": "EXIF", b"CMT4": "GPS"}


def cr3_ifds(path: Path) -> dict[str, Image.Exif]:
    """Each CMT box's TIFF block as Pillow EXIF, keyed by the exifread prefix its tags take."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    if head[4:12] != b"ftypcrx ":
        return {}
    ifds = {}
    for box, prefix in BOXES.items():
        at = head.find(box)
        if at < 4:
            continue
        size = int.from_bytes(head[at - 4:at], "big")
        exif = Image.Exif()
        exif.load(head[at + 4:at - 4 + size])
        ifds[prefix] = exif
    return ifds
