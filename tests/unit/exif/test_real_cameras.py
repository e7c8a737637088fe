"""EXIF and GPS of real camera files from public corpora, checked against what other readers (exiftool,
metadata-extractor) say about the same file; plus minutes and seconds missing altogether."""
import piexif
import pytest
from PIL import Image

from fixtures.corpora import corpus_file
from services.exif.analyse import analyse
from services.exif.place import Geocoder


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


def test_missing_minutes_and_seconds_count_as_zero(tmp_path, geocoder):
    path = tmp_path / "short-gps.jpg"
    exif = {"GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1),),
                    piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((21, 1), (0, 0))}}
    Image.new("RGB", (32, 24)).save(path, "JPEG", exif=piexif.dump(exif))
    result = analyse(path, geocoder)
    assert result.has_place and (result.place.lat, result.place.lon) == pytest.approx((48.0, 21.0))


def test_a_real_nikon_d5000_position_written_with_0_over_0_seconds(tmp_path, geocoder):
    path = corpus_file("drewnoakes/metadata-extractor-images", "jpg/Nikon D5000.jpg", tmp_path)
    result = analyse(path, geocoder)
    # metadata-extractor's reading (jpg/metadata/java/Nikon D5000.jpg.txt): 48° 53' 19.41" N, 21° 2' 35.7" E
    assert result.has_place and not [w for w in result.warnings if "GPS" in w]
    assert result.place.lat == pytest.approx(48 + 53 / 60 + 19.41 / 3600, abs=1e-5)
    assert result.place.lon == pytest.approx(21 + 2 / 60 + 35.7 / 3600, abs=1e-4)


def test_a_canon_cr3_is_read_from_its_metadata_boxes(tmp_path, geocoder):
    path = corpus_file("exiftool/exiftool", "t/images/CanonRaw.cr3", tmp_path)
    result = analyse(path, geocoder)
    # exiftool's reading of the same file (t/CanonRaw_9.out)
    assert (result.make, result.model, result.lens) == ("Canon", "Canon EOS M50", "EF-M15-45mm f/3.5-6.3 IS STM")
    assert (result.taken_at, result.iso, result.aperture) == ("2018-02-21T12:08:56+00:00", 12800, 3.5)


@pytest.mark.parametrize("repo, path, make, model, taken", [  # as each corpus's own reference output says
    # (metadata-extractor's nef/metadata/java/*.txt, photoprism's canon_eos_6d.json, exiftool's t/Panasonic_4.out)
    ("drewnoakes/metadata-extractor-images", "nef/Issue 247-1.nef", "NIKON CORPORATION", "NIKON D70s",
     "2010-03-01T21:50:21"),
    ("photoprism/photoprism", "assets/examples/canon_eos_6d.dng", "Canon", "Canon EOS 6D", "2019-06-06T07:29:51"),
    ("exiftool/exiftool", "t/images/Panasonic.rw2", "Panasonic", "DMC-LX3", "2008-08-06T15:21:56"),
])
def test_real_raws_give_their_camera_and_date(tmp_path, geocoder, repo, path, make, model, taken):
    result = analyse(corpus_file(repo, path, tmp_path), geocoder)
    assert (result.make, result.model, result.taken_at[:19]) == (make, model, taken)
