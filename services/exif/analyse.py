"""The exif stage's pure function: a photo's path to its ExifResult with terms (never raises for bad files)."""
from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from proto import pb
from services.exif import rules
from services.exif.place import Geocoder, place_terms, valid_position
from services.exif.reader import Metadata, as_float, as_text, dms_to_degrees, first_int, read_metadata

TIME_FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M", "%Y-%m-%dT%H:%M:%S")
OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")
FOCAL_PLANE_UNIT_MM = {2: 25.4, 3: 10.0, 4: 1.0, 5: 0.001}
FULL_FRAME_DIAGONAL_MM = 43.27


def analyse(path: str | Path, geocoder: Geocoder) -> pb.ExifResult:
    """Read the metadata and turn it into facts and terms; problems become warnings and the outcome."""
    meta = read_metadata(Path(path))
    result = pb.ExifResult(meta=pb.StageMeta(stage="exif", version=rules.RULES_VERSION))
    if not meta.readable:
        return _finish(result, pb.OUTCOME_FAILED, "; ".join(meta.problems))
    tags = meta.tags
    result.make = as_text(tags.get("Image Make"))
    result.model = as_text(tags.get("Image Model"))
    result.lens = as_text(tags.get("EXIF LensModel"))
    result.software = as_text(tags.get("Image Software"))
    result.orientation = first_int(tags.get("Image Orientation")) or 1
    result.focal_length = as_float(tags.get("EXIF FocalLength")) or 0.0
    result.focal_length_35 = focal_35(tags, result.focal_length, meta)
    result.aperture = as_float(tags.get("EXIF FNumber")) or 0.0
    result.exposure_s = as_float(tags.get("EXIF ExposureTime")) or 0.0
    result.iso = first_int(tags.get("EXIF ISOSpeedRatings") or tags.get("EXIF PhotographicSensitivity")) or 0
    flash = first_int(tags.get("EXIF Flash"))
    result.flash = bool(flash is not None and flash & 1)
    for key in ("Image Make", "Image Model", "EXIF LensModel", "Image Software", "EXIF DateTimeOriginal",
                "Image ImageDescription", "Image Artist", "Image Copyright"):
        if as_text(tags.get(key)):
            result.raw[key] = as_text(tags.get(key))[:500]
    result.title = meta.xmp.get("title", "")
    result.description = meta.xmp.get("description", "") or as_text(tags.get("Image ImageDescription"))
    result.keywords.extend(meta.xmp.get("keywords", []))
    result.rating = meta.xmp.get("rating", 0)
    result.warnings.extend(meta.problems)
    _check_dimensions(tags, meta, result)
    lat = dms_to_degrees(tags.get("GPS GPSLatitude"), as_text(tags.get("GPS GPSLatitudeRef")))
    lon = dms_to_degrees(tags.get("GPS GPSLongitude"), as_text(tags.get("GPS GPSLongitudeRef")))
    raw_position = (tags.get("GPS GPSLatitude"), tags.get("GPS GPSLongitude"))
    if (lat is None or lon is None) and any(raw_position):
        result.warnings.append(f"GPS position written but unreadable (latitude {raw_position[0]!s}, "
                               f"longitude {raw_position[1]!s}): no place")
    elif lat is not None or lon is not None:
        place = geocoder.place(lat, lon) if valid_position(lat, lon) else None
        if place is None:
            result.warnings.append(f"GPS position ({lat}, {lon}) is missing, zero or out of range: no place")
        else:
            altitude = as_float(tags.get("GPS GPSAltitude"))
            if altitude is not None:
                below = first_int(tags.get("GPS GPSAltitudeRef")) == 1
                place.altitude, place.has_altitude = -altitude if below else altitude, True
            result.place.CopyFrom(place)
            result.has_place = True
    taken = _taken_at(tags, result)
    result.terms.extend(_terms(result, meta, taken, meta.xmp.get("people", [])))
    problems = [w for w in result.warnings if "unreadable" in w]
    return _finish(result, pb.OUTCOME_PARTIAL if problems else pb.OUTCOME_OK, "; ".join(problems))


def _finish(result: pb.ExifResult, outcome: int, reason: str) -> pb.ExifResult:
    result.meta.outcome, result.meta.reason, result.meta.finished_at = outcome, reason, time.time()
    return result


def focal_35(tags: dict, focal: float, meta: Metadata) -> float:
    """The 35 mm equivalent: as recorded, else from the focal plane resolution (the sensor's size)."""
    recorded = as_float(tags.get("EXIF FocalLengthIn35mmFilm"))
    if recorded:
        return recorded
    xres, yres = as_float(tags.get("EXIF FocalPlaneXResolution")), as_float(tags.get("EXIF FocalPlaneYResolution"))
    unit = FOCAL_PLANE_UNIT_MM.get(first_int(tags.get("EXIF FocalPlaneResolutionUnit")) or 2)
    width = as_float(tags.get("EXIF ExifImageWidth")) or meta.width
    height = as_float(tags.get("EXIF ExifImageLength")) or meta.height
    if not (focal and xres and yres and width and height):
        return 0.0
    diagonal = ((width / xres * unit) ** 2 + (height / yres * unit) ** 2) ** 0.5
    return round(focal * FULL_FRAME_DIAGONAL_MM / diagonal, 1) if diagonal > 1 else 0.0


def _check_dimensions(tags: dict, meta: Metadata, result: pb.ExifResult) -> None:
    width, height = first_int(tags.get("EXIF ExifImageWidth")), first_int(tags.get("EXIF ExifImageLength"))
    if width and height and {width, height} != {meta.width, meta.height}:
        result.warnings.append(f"EXIF says {width}x{height} but the image has {meta.width}x{meta.height} "
                               "pixels: the pixels are trusted")


def _taken_at(tags: dict, result: pb.ExifResult) -> datetime | None:
    """The recorded local time, kept as read; trusted only when it is a plausible date."""
    raw = as_text(tags.get("EXIF DateTimeOriginal")) or as_text(tags.get("Image DateTime"))
    if not raw:
        return None
    offset = as_text(tags.get("EXIF OffsetTimeOriginal")) or as_text(tags.get("EXIF OffsetTime"))
    if OFFSET.match(offset):
        result.tz_offset = offset
    for fmt in TIME_FORMATS:
        try:
            taken = datetime.strptime(raw[:19], fmt)
            break
        except ValueError:
            continue
    else:
        result.warnings.append(f"date taken {raw!r} is not a date")
        return None
    result.taken_at = taken.isoformat() + (result.tz_offset or "")
    first_year, _ = rules.TRUSTED_YEARS
    if taken.year < first_year or taken.date() > date.today() + timedelta(days=1):
        result.warnings.append(f"date taken {taken.isoformat()} is implausible: kept but not trusted")
        return None
    result.taken_at_trusted = True
    return taken


def _terms(result: pb.ExifResult, meta: Metadata, taken: datetime | None, people: list[str]) -> list[pb.Term]:
    terms: list[pb.Term] = []

    def add(key: str, value: str, weight: float = 1.0, source: str = "exif") -> None:
        value = value.strip().lower()
        if value and not any(t.key == key and t.value == value for t in terms):
            terms.append(pb.Term(key=key, value=value, source=source, weight=weight))

    megapixels = meta.width * meta.height / 1e6
    for word in rules.size_words(megapixels):
        add("size", word, 0.6)
    if result.make:
        add("camera", rules.brand(result.make), 0.9)
        add("make", result.make, 0.9)
    if result.model:
        add("model", result.model, 0.9)
    kind = rules.camera_kind(result.make, result.model)
    if kind:
        add("camera", kind, 0.7)
    if result.lens:
        add("lens", result.lens, 0.7)
    if result.focal_length_35:
        for word in rules.lens_words(result.focal_length_35):
            add("lens", word, 0.6)
    if result.iso and result.aperture and result.exposure_s:
        for word in rules.light_words(result.iso, result.aperture, result.exposure_s):
            add("light", word, 0.6)
    if result.flash:
        add("light", "flash", 0.6)
    if result.software:
        add("software", result.software, 0.5)
    if taken is not None:
        latitude = result.place.lat if result.has_place else None
        add("year", str(taken.year))
        add("month", taken.strftime("%B"))
        add("season", rules.season(taken.month, latitude), 0.8)
        add("weekday", taken.strftime("%A"), 0.5)
        add("daytime", rules.day_part(taken.hour), 0.7)
    for keyword in result.keywords:
        add("keyword", keyword)
    for name in people:
        add("person", name)
    for text in (result.title, result.description):
        for word in re.findall(r"[^\W\d_]{2,}", text.lower()):
            add("caption", word, 0.8)
    if result.has_place:
        for term in place_terms(result.place):
            add(term.key, term.value, term.weight, "place")
    return terms
