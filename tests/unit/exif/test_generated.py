"""Photos written by the test with chosen EXIF: every band boundary, four hemispheres, time and season rules."""
import struct
import zlib
from fractions import Fraction

import piexif
import pytest
from PIL import Image

from proto import pb
from services.exif import rules
from services.exif.analyse import analyse
from services.exif.place import Geocoder


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


def rational(x: float) -> tuple[int, int]:
    f = Fraction(x).limit_denominator(100000)
    return f.numerator, f.denominator


def dms(degrees: float) -> tuple:
    d = abs(degrees)
    whole, minutes = int(d), int((d - int(d)) * 60)
    seconds = round(((d - whole) * 60 - minutes) * 60, 4)
    return ((whole, 1), (minutes, 1), rational(seconds))


def photo(path, size=(64, 48), taken=None, iso=None, aperture=None, exposure=None, focal35=None, gps=None,
          offset=None):
    exif = {"0th": {piexif.ImageIFD.Make: b"Canon", piexif.ImageIFD.Model: b"Canon EOS 5D"}, "Exif": {}, "GPS": {}}
    if taken:
        exif["Exif"][piexif.ExifIFD.DateTimeOriginal] = taken.encode()
    if offset:
        exif["Exif"][piexif.ExifIFD.OffsetTimeOriginal] = offset.encode()
    if iso:
        exif["Exif"][piexif.ExifIFD.ISOSpeedRatings] = iso
    if aperture:
        exif["Exif"][piexif.ExifIFD.FNumber] = rational(aperture)
    if exposure:
        exif["Exif"][piexif.ExifIFD.ExposureTime] = rational(exposure)
    if focal35:
        exif["Exif"][piexif.ExifIFD.FocalLengthIn35mmFilm] = focal35
    if gps:
        lat, lon = gps
        exif["GPS"] = {piexif.GPSIFD.GPSLatitudeRef: b"S" if lat < 0 else b"N", piexif.GPSIFD.GPSLatitude: dms(lat),
                       piexif.GPSIFD.GPSLongitudeRef: b"W" if lon < 0 else b"E", piexif.GPSIFD.GPSLongitude: dms(lon)}
    Image.new("RGB", size, (120, 80, 40)).save(path, "JPEG", exif=piexif.dump(exif))
    return path


def words(result, key):
    return [t.value for t in result.terms if t.key == key]


@pytest.mark.parametrize("city, lat, lon, country, continent, january_season", [
    ("miami", 25.7743, -80.1937, "united states", "north america", "winter"),
    ("sydney", -33.8678, 151.2073, "australia", "oceania", "summer"),
    ("buenos aires", -34.6132, -58.3772, "argentina", "south america", "summer"),
    ("tokyo", 35.6895, 139.6917, "japan", "asia", "winter"),
])
def test_four_hemispheres_place_and_season(tmp_path, geocoder, city, lat, lon, country, continent, january_season):
    result = analyse(photo(tmp_path / "p.jpg", taken="2021:01:15 13:00:00", gps=(lat, lon)), geocoder)
    assert (result.place.lat, result.place.lon) == pytest.approx((lat, lon), abs=1e-3)
    assert words(result, "city") == [city] and country in words(result, "country")
    assert words(result, "continent") == [continent]
    assert words(result, "season") == [january_season]


@pytest.mark.parametrize("gps", [(0.0, 0.0), (91.0, 10.0), (10.0, 181.0)])
def test_zero_or_out_of_range_positions_have_no_place(tmp_path, geocoder, gps):
    result = analyse(photo(tmp_path / "p.jpg", gps=gps), geocoder)
    assert not result.has_place and not words(result, "city")
    assert any("no place" in w for w in result.warnings)


@pytest.mark.parametrize("iso, aperture, exposure, expected", [
    (100, 10.0, 0.0099, ["bright", "outdoors"]),   # c = 0.0099
    (100, 10.0, 0.01, ["outdoors"]),               # c = 0.01, the boundary
    (100, 10.0, 0.1, ["indoors"]),                 # c = 0.1
    (100, 1.0, 0.0499, ["indoors"]),               # c = 4.99
    (100, 1.0, 0.05, ["night"]),                   # c = 5
    (100, 1.0, 0.2, ["night", "long exposure"]),   # c = 20
])
def test_light_bands(tmp_path, geocoder, iso, aperture, exposure, expected):
    result = analyse(photo(tmp_path / "p.jpg", iso=iso, aperture=aperture, exposure=exposure), geocoder)
    assert words(result, "light") == expected


@pytest.mark.parametrize("focal, expected", [
    (201, ["superzoom", "zoom"]), (200, ["zoom"]), (101, ["zoom"]), (100, ["portrait"]), (41, ["portrait"]),
    (40, ["wide"]), (21, ["wide"]), (20, ["wide", "ultrawide"]),
])
def test_lens_bands(tmp_path, geocoder, focal, expected):
    result = analyse(photo(tmp_path / "p.jpg", focal35=focal), geocoder)
    assert [w for w in words(result, "lens")] == expected


@pytest.mark.parametrize("megapixels, expected", [(40.01, "huge"), (40.0, "large"), (10.01, "large"),
                                                   (10.0, "medium"), (1.01, "medium"), (1.0, "small")])
def test_size_band_rule(megapixels, expected):
    assert rules.size_words(megapixels) == (expected,)


@pytest.mark.parametrize("size, expected", [((1000, 1000), "small"), ((1001, 1000), "medium")])
def test_size_from_real_pixels(tmp_path, geocoder, size, expected):
    assert words(analyse(photo(tmp_path / "p.jpg", size=size), geocoder), "size") == [expected]


@pytest.mark.parametrize("clock, part", [("04:59:59", "night"), ("05:00:00", "morning"), ("11:59:59", "morning"),
                                          ("12:00:00", "afternoon"), ("17:00:00", "evening"),
                                          ("21:00:00", "night")])
def test_part_of_day_from_local_time(tmp_path, geocoder, clock, part):
    result = analyse(photo(tmp_path / "p.jpg", taken=f"2019:07:06 {clock}", offset="-04:00"), geocoder)
    assert words(result, "daytime") == [part]
    assert result.taken_at == f"2019-07-06T{clock}-04:00" and result.tz_offset == "-04:00"
    assert words(result, "weekday") == ["saturday"] and words(result, "month") == ["july"]


@pytest.mark.parametrize("month, north, south", [(3, "spring", "autumn"), (6, "summer", "winter"),
                                                  (9, "autumn", "spring"), (12, "winter", "summer")])
def test_seasons_flip_south_of_the_equator(tmp_path, geocoder, month, north, south):
    taken = f"2020:{month:02}:10 10:00:00"
    assert words(analyse(photo(tmp_path / "n.jpg", taken=taken, gps=(48.85, 2.35)), geocoder), "season") == [north]
    assert words(analyse(photo(tmp_path / "s.jpg", taken=taken, gps=(-33.87, 151.2)), geocoder), "season") == [south]


@pytest.mark.parametrize("taken", ["1970:01:01 00:00:00", "2999:01:01 12:00:00"])
def test_implausible_dates_are_kept_but_not_trusted(tmp_path, geocoder, taken):
    result = analyse(photo(tmp_path / "p.jpg", taken=taken), geocoder)
    assert result.taken_at.startswith(taken[:4]) and not result.taken_at_trusted
    assert not words(result, "year") and any("not trusted" in w for w in result.warnings)


def test_no_exif_still_gets_size_terms(tmp_path, geocoder):
    Image.new("RGB", (1200, 1000)).save(tmp_path / "plain.png")
    result = analyse(tmp_path / "plain.png", geocoder)
    assert result.meta.outcome == pb.OUTCOME_OK and words(result, "size") == ["medium"]


def test_decompression_bomb_limit_stays_on_and_is_reported(tmp_path, geocoder):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    (tmp_path / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                                        + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    result = analyse(tmp_path / "bomb.png", geocoder)
    assert result.meta.outcome == pb.OUTCOME_FAILED
    assert "decompression bomb" in result.meta.reason


def test_zero_over_zero_seconds_count_as_zero(tmp_path, geocoder):
    """A Nikon D5000 writes seconds as 0/0: the position is degrees and minutes, not lost."""
    path = tmp_path / "d5000.jpg"
    exif = {"0th": {piexif.ImageIFD.Make: b"NIKON CORPORATION", piexif.ImageIFD.Model: b"NIKON D5000"},
            "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (0, 0)),
                    piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (21, 1), (0, 0))}}
    Image.new("RGB", (64, 48)).save(path, "JPEG", exif=piexif.dump(exif))
    result = analyse(path, geocoder)
    assert (result.place.lat, result.place.lon) == pytest.approx((48 + 51 / 60, 2 + 21 / 60))
    assert words(result, "city") == ["paris"]


def test_an_unreadable_position_leaves_a_warning(tmp_path, geocoder):
    path = tmp_path / "bad-gps.jpg"
    exif = {"GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 0), (51, 1), (0, 1)),
                    piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (21, 1), (0, 1))}}
    Image.new("RGB", (64, 48)).save(path, "JPEG", exif=piexif.dump(exif))
    result = analyse(path, geocoder)
    assert not result.has_place
    assert any("GPS position written but unreadable" in w for w in result.warnings)
