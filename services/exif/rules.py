"""The rules that turn camera facts into words, each in one table a maintainer can read and change.

Bump RULES_VERSION whenever a table changes: photos whose exif result carries an older version are
reprocessed by `picsift reprocess --stage exif`.
"""
from __future__ import annotations

import re

RULES_VERSION = "exif-rules-2"

# Megapixels above the bound -> words (first match wins).
SIZE_BANDS = [(40.0, ("huge",)), (10.0, ("large",)), (1.0, ("medium",)), (0.0, ("small",))]

# c = ISO / aperture^2 * exposure seconds, below the bound -> words (first match wins).
LIGHT_BANDS = [(0.01, ("bright", "outdoors")), (0.1, ("outdoors",)), (5.0, ("indoors",)),
               (20.0, ("night",)), (float("inf"), ("night", "long exposure"))]

# 35 mm equivalent focal length above the bound -> words (first match wins).
LENS_BANDS = [(200.0, ("superzoom", "zoom")), (100.0, ("zoom",)), (40.0, ("portrait",)),
              (20.0, ("wide",)), (0.0, ("wide", "ultrawide"))]

# Local hour from which a part of the day starts (the last one wraps past midnight).
DAY_PARTS = [(5, "morning"), (12, "afternoon"), (17, "evening"), (21, "night")]

# Meteorological seasons by month, northern hemisphere; the southern one is six months on.
NORTHERN_SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
                    6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}
SOUTHERN_OF = {"winter": "summer", "spring": "autumn", "summer": "winter", "autumn": "spring"}

# Camera kind by make and model (case-insensitive regexes on "make model"; first match wins).
CAMERA_KINDS = [
    (r"\biphone\b|\bipad\b|^apple\b", "phone"),
    (r"^(samsung\b.*\b(sm-|galaxy|gt-i))|^google\b|pixel \d|^huawei\b|^xiaomi\b|^oneplus\b|^hmd\b"
     r"|^nokia\b|^motorola\b|^oppo\b|^vivo\b|^lg\b.*\blm-|^sony\b.*\b(xperia|[a-z]\d{4})", "phone"),
    (r"\beos\b(?!.*\b(m\d|r\d*)\b)|^nikon\b.*\bd\d{1,4}[a-z]*\b|^pentax\b.*\bk[-\s]?\d|\bk10d\b|^sony\b.*\b(dslr|slt)"
     r"|^olympus\b.*\be-\d", "DSLR"),
    (r"\beos (m\d*|r\d*)\b|^nikon\b.*\bz ?\d|^sony\b.*\b(ilce|nex)|^fujifilm\b.*\bx-[a-z]\d|^panasonic\b.*\bdmc-g"
     r"|^olympus\b.*\be-m|^leica\b", "mirrorless"),
    (r"^(canon|nikon|sony|fujifilm|fuji|olympus|kodak|eastman kodak|casio|ricoh|panasonic|konica|minolta"
     r"|pentax|samsung|sanyo|polaroid|hp|agfa|toshiba|sigma|reconyx|ww?l)\b", "compact"),
]
CAMERA_KIND_PATTERNS = [(re.compile(p, re.IGNORECASE), kind) for p, kind in CAMERA_KINDS]

# Brand names for the make strings cameras write (the first word otherwise, without company words).
MAKE_BRANDS = {"eastman kodak": "kodak", "konica minolta": "konica minolta", "hmd global": "nokia",
               "research in motion": "blackberry", "asahi optical": "pentax", "fuji photo film": "fujifilm"}
COMPANY_WORDS = {"corporation", "corp", "corp.", "company", "co.", "co.,", "ltd", "ltd.", "inc", "inc.",
                 "imaging", "optical", "digital", "electronics", "photo", "camera"}

# Dates outside this span of years are kept as read but not trusted.
TRUSTED_YEARS = (1971, None)  # None: up to tomorrow


def band(value: float, bands: list[tuple[float, tuple[str, ...]]], strictly_above: bool = True) -> tuple[str, ...]:
    """Words of the first band the value passes."""
    for bound, words in bands:
        if (value > bound) if strictly_above else (value < bound):
            return words
    return bands[-1][1]


def size_words(megapixels: float) -> tuple[str, ...]:
    return band(megapixels, SIZE_BANDS)


def light_words(iso: float, aperture: float, exposure_s: float) -> tuple[str, ...]:
    return band(iso / aperture ** 2 * exposure_s, LIGHT_BANDS, strictly_above=False)


def lens_words(focal_35mm: float) -> tuple[str, ...]:
    return band(focal_35mm, LENS_BANDS)


def day_part(hour: int) -> str:
    part = DAY_PARTS[-1][1]
    for start, name in DAY_PARTS:
        if hour >= start:
            part = name
    return part


def season(month: int, latitude: float | None) -> str:
    """Season of the month where the photo was taken (northern when the place is unknown)."""
    north = NORTHERN_SEASONS[month]
    return SOUTHERN_OF[north] if latitude is not None and latitude < 0 else north


def camera_kind(make: str, model: str) -> str:
    text = f"{make} {model}".strip()
    for pattern, kind in CAMERA_KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return ""


def brand(make: str) -> str:
    """'NIKON CORPORATION' -> 'nikon', 'Eastman Kodak Company' -> 'kodak'."""
    text = " ".join(make.lower().split())
    for prefix, name in MAKE_BRANDS.items():
        if text.startswith(prefix):
            return name
    words = [w for w in text.split() if w not in COMPANY_WORDS]
    return words[0] if words else ""
