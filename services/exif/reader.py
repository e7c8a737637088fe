"""Reads what a photo's metadata says (EXIF, XMP, header facts) from the bytes that hold it, never the pixels."""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import exifread
from defusedxml import ElementTree
from PIL import Image
from PIL.ExifTags import GPSTAGS, TAGS

from services.exif.cr3 import cr3_ifds
from services.media import raw
from services.media.formats import header_exif, is_raw

log = logging.getLogger(__name__)
logging.getLogger("exifread").setLevel(logging.ERROR)  # it logs every malformed tag it skips
XMP_SCAN_BYTES = 512 * 1024
ROTATED = (5, 6, 7, 8)


@dataclass
class Metadata:
    """Everything read, with what went wrong while reading it."""

    tags: dict = field(default_factory=dict)        # exifread tag name -> values
    xmp: dict = field(default_factory=dict)         # title, description, keywords, rating, people
    width: int = 0                                  # pixels after orientation
    height: int = 0
    format: str = ""
    problems: list[str] = field(default_factory=list)
    readable: bool = True                           # False: not an image Pillow can identify


def read_metadata(path: Path) -> Metadata:
    meta = Metadata()
    try:
        with open(path, "rb") as f:
            meta.tags = exif_tags(f)
        if not meta.tags and is_raw(path):  # CR3, RAF...: exifread cannot parse them
            meta.tags = _raw_tags(path)
    except Exception as exc:  # noqa: BLE001 - exifread and libraw raise anything on malformed files
        meta.problems.append(f"EXIF unreadable: {type(exc).__name__}: {exc}")
    if is_raw(path):
        _read_raw_header(path, meta)
    else:
        _read_header(path, meta)
    try:
        meta.xmp = read_xmp(path)
    except Exception as exc:  # noqa: BLE001 - malformed XMP must not lose the rest
        meta.problems.append(f"XMP unreadable: {type(exc).__name__}: {exc}")
    return meta


def exif_tags(stream) -> dict:
    tags = exifread.process_file(stream, details=False)
    return {name: tag.values for name, tag in tags.items() if hasattr(tag, "values")}


def _read_raw_header(path: Path, meta: Metadata) -> None:
    """Size as viewed, from libraw (Pillow would read only a raw's small preview)."""
    try:
        meta.format, (meta.width, meta.height) = "RAW", raw.upright_size(path)
    except Exception as exc:  # noqa: BLE001 - libraw raises its own error types
        meta.readable = False
        meta.problems.append(f"not a readable raw file: {type(exc).__name__}: {exc}")


def _read_header(path: Path, meta: Metadata) -> None:
    try:
        with Image.open(path) as image:
            meta.format = image.format or ""
            meta.width, meta.height = image.size
            if not meta.tags:
                meta.tags = _pillow_tags(image)
    except Image.DecompressionBombError as exc:
        meta.readable = False
        meta.problems.append(f"refused as a decompression bomb: {exc}")
    except Exception as exc:  # noqa: BLE001 - Pillow raises several types for broken headers
        meta.readable = False
        meta.problems.append(f"not a readable image: {exc}")
    if meta.readable and first_int(meta.tags.get("Image Orientation")) in ROTATED:
        meta.width, meta.height = meta.height, meta.width


def _pillow_tags(image: Image.Image) -> dict:
    """Pillow's EXIF (HEIF through pillow-heif) under exifread's names, for files exifread cannot parse."""
    exif = header_exif(image)
    return {**_named(exif, "Image"), **_named(exif.get_ifd(0x8769), "EXIF"), **_named(exif.get_ifd(0x8825), "GPS")}


def _raw_tags(path: Path) -> dict:
    """A raw's tags where exifread found none: a CR3's own metadata boxes, else the camera's JPEG preview."""
    ifds = cr3_ifds(path)
    if ifds:
        return {name: value for prefix, ifd in ifds.items() for name, value in _named(ifd, prefix).items()}
    preview = raw.embedded_jpeg(path)
    return exif_tags(io.BytesIO(preview)) if preview else {}


def _named(ifd, prefix: str) -> dict:
    """One IFD's tags as exifread names them ('EXIF FNumber'), values as exifread gives them (lists)."""
    names = GPSTAGS if prefix == "GPS" else TAGS
    tags = {}
    for key, value in ifd.items():
        name = names.get(key)
        if name:
            tags[f"{prefix} {name}"] = list(value) if isinstance(value, tuple) else \
                value if isinstance(value, (list, str)) else [value]
    return tags


XMP_NS = {
    "x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
    "mwg-rs": "http://www.metadataworkinggroup.com/schemas/regions/",
    "MP": "http://ns.microsoft.com/photo/1.2/", "MPRI": "http://ns.microsoft.com/photo/1.2/t/RegionInfo#",
    "MPReg": "http://ns.microsoft.com/photo/1.2/t/Region#",
}


def read_xmp(path: Path) -> dict:
    """Title, description, keywords, rating and named people from the XMP packet, if there is one."""
    with open(path, "rb") as f:
        head = f.read(XMP_SCAN_BYTES)
    start = head.find(b"<x:xmpmeta")
    end = head.find(b"</x:xmpmeta>", start)
    if start < 0 or end < 0:
        return {}
    root = ElementTree.fromstring(head[start:end + len("</x:xmpmeta>")])
    ns = XMP_NS

    def texts(xpath: str) -> list[str]:
        return [e.text.strip() for e in root.iterfind(xpath, ns) if e.text and e.text.strip()]

    rating = [d.get(f"{{{ns['xmp']}}}Rating") for d in root.iterfind(".//rdf:Description", ns)]
    rating += texts(".//xmp:Rating")
    people = [d.get(f"{{{ns['mwg-rs']}}}Name") or d.get(f"{{{ns['MPReg']}}}PersonDisplayName")
              for d in root.iterfind(".//rdf:Description", ns)]
    people += texts(".//mwg-rs:Name") + texts(".//MPReg:PersonDisplayName")
    return {
        "title": " ".join(texts(".//dc:title//rdf:li")),
        "description": " ".join(texts(".//dc:description//rdf:li")),
        "keywords": texts(".//dc:subject//rdf:li"),
        "rating": next((int(float(r)) for r in rating if r and re.fullmatch(r"-?\d+(\.\d+)?", r)), 0),
        "people": sorted({p for p in people if p}),
    }


def as_float(value) -> float | None:
    """A number from an exifread value (Ratio lists, ints, strings); None for missing or 0/0."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None or isinstance(value, (bytes, str)) and not str(value).strip():
        return None
    try:
        if hasattr(value, "numerator") and hasattr(value, "denominator"):
            return None if value.denominator == 0 else float(Fraction(value.numerator, value.denominator))
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def first_int(value) -> int | None:
    number = as_float(value)
    return int(number) if number is not None else None


def as_text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return ""
    return str(value).replace("\x00", "").strip() if value is not None else ""


def dms_to_degrees(values, ref: str) -> float | None:
    """Degrees, minutes, seconds and N/S/E/W to signed degrees (S and W negative).

    Missing or 0/0 minutes and seconds count as 0 (a Nikon D5000 writes 0/0 seconds); degrees must be readable.
    """
    if not isinstance(values, (list, tuple)) or not values:
        return None
    parts = [as_float(v) for v in list(values)[:3]]
    if parts[0] is None:
        return None
    parts = [p or 0.0 for p in parts] + [0.0] * (3 - len(parts))
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    return -degrees if ref.strip().upper()[:1] in ("S", "W") else degrees
