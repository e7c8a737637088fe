"""GPS written with 0/0 or missing minutes and seconds, unreadable positions as warnings; EXIF read from raws."""
import subprocess
from pathlib import Path

import piexif
import pytest
from PIL import Image
from skimage import data

from fixtures.dng import write_dng
from proto import pb
from services.exif.analyse import analyse
from services.exif.place import Geocoder

MIRROR = Path("/work/.mirror")


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


def gps_photo(path: Path, latitude: tuple, longitude: tuple) -> Path:
    """A JPEG whose GPS rationals are written exactly as given (0/0 included)."""
    gps = {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: latitude,
           piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: longitude}
    Image.new("RGB", (32, 24), "gray").save(path, exif=piexif.dump({"0th": {}, "Exif": {}, "GPS": gps}))
    return path


def test_zero_over_zero_seconds_count_as_zero(tmp_path, geocoder):
    path = gps_photo(tmp_path / "d5000.jpg", ((48, 1), (53, 1), (0, 0)), ((21, 1), (2, 1), (0, 0)))
    result = analyse(path, geocoder)
    assert result.has_place, list(result.warnings)
    assert result.place.lat == pytest.approx(48 + 53 / 60) and result.place.lon == pytest.approx(21 + 2 / 60)
    assert not [w for w in result.warnings if "GPS" in w]


def test_missing_minutes_and_seconds_count_as_zero(tmp_path, geocoder):
    path = gps_photo(tmp_path / "short.jpg", ((48, 1), (0, 0)), ((21, 1),))
    result = analyse(path, geocoder)
    assert result.has_place and (result.place.lat, result.place.lon) == pytest.approx((48.0, 21.0))


def test_unreadable_degrees_leave_a_warning_and_no_place(tmp_path, geocoder):
    path = gps_photo(tmp_path / "broken.jpg", ((0, 0), (53, 1), (0, 0)), ((0, 0), (2, 1), (0, 0)))
    result = analyse(path, geocoder)
    assert not result.has_place
    assert [w for w in result.warnings if w.startswith("GPS latitude") and "cannot be read" in w]
    assert [w for w in result.warnings if w.startswith("GPS longitude") and "cannot be read" in w]


def mirrored(repo: str, path: str, tmp_path: Path) -> Path:
    git_dir = MIRROR / repo / "repo"
    shown = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], capture_output=True) \
        if git_dir.is_dir() else None
    if shown is None or shown.returncode != 0 or not shown.stdout:
        pytest.skip(f"{repo}:{path} not fetched here (fetch github:{repo.replace('+', '/')})")
    target = tmp_path / Path(path).name
    target.write_bytes(shown.stdout)
    return target


def test_a_real_nikon_d5000_position_with_0_over_0_seconds(tmp_path, geocoder):
    path = mirrored("drewnoakes+metadata-extractor-images", "jpg/Nikon D5000.jpg", tmp_path)
    result = analyse(path, geocoder)
    # metadata-extractor's own reading of this file (jpg/metadata/java/Nikon D5000.jpg.txt): 48° 53' 19.41", 21° 2' 35.7"
    assert result.has_place
    assert result.place.lat == pytest.approx(48 + 53 / 60 + 19.41 / 3600, abs=1e-5)
    assert result.place.lon == pytest.approx(21 + 2 / 60 + 35.7 / 3600, abs=1e-4)


def test_exif_of_a_dng_comes_from_the_raw(tmp_path, geocoder):
    dng = write_dng(tmp_path / "IMG_0001.DNG", data.chelsea(), make="Pentax", model="K-1")
    result = analyse(dng, geocoder)
    assert (result.make, result.model) == ("Pentax", "K-1")
    assert ("camera", "pentax") in {(t.key, t.value) for t in result.terms}
    assert result.meta.outcome == pb.OUTCOME_OK and (result.meta.reason, list(result.warnings)) == ("", [])


def test_exif_of_a_real_nef_with_its_camera_and_date(tmp_path, geocoder):
    nef = mirrored("drewnoakes+metadata-extractor-images", "nef/Issue 247-1.nef", tmp_path)
    result = analyse(nef, geocoder)
    assert (result.make, result.model) == ("NIKON CORPORATION", "NIKON D70s")
    assert result.taken_at.startswith("2010-03-01T21:50:21")


def test_exif_of_a_canon_cr3_from_its_metadata_boxes(tmp_path, geocoder):
    cr3 = mirrored("exiftool+exiftool", "t/images/CanonRaw.cr3", tmp_path)
    result = analyse(cr3, geocoder)
    # exiftool's own reading of this file (t/CanonRaw_9.out)
    assert (result.make, result.model, result.lens) == ("Canon", "Canon EOS M50", "EF-M15-45mm f/3.5-6.3 IS STM")
    assert (result.taken_at, result.iso) == ("2018-02-21T12:08:56+00:00", 12800)
