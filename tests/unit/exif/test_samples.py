"""Golden tests over the real camera photos: camera, lens, place, orientation, broken files."""
import json
import time
from pathlib import Path

import pytest

from proto import pb
from services.exif.analyse import analyse
from services.exif.place import Geocoder
from services.media.formats import register_openers

EXPECTED = json.loads((Path(__file__).parent / "expected.json").read_text())


@pytest.fixture(scope="module")
def geocoder():
    register_openers()
    return Geocoder()


def values(result: pb.ExifResult, key: str) -> list[str]:
    return [t.value for t in result.terms if t.key == key]


@pytest.mark.parametrize("name", sorted(EXPECTED["cameras"]))
def test_camera_make_kind_model_and_lens(samples_dir, geocoder, name):
    expected = EXPECTED["cameras"][name]
    result = analyse(samples_dir / name, geocoder)
    assert values(result, "camera") == expected["camera"]
    if "model" in expected:
        assert values(result, "model") == [expected["model"]]
    if "lens" in expected:
        assert expected["lens"] in values(result, "lens")


@pytest.mark.parametrize("name", sorted(EXPECTED["places"]))
def test_gps_photos_are_placed_in_the_right_town_and_country(samples_dir, geocoder, name):
    city, country, continent = EXPECTED["places"][name]
    result = analyse(samples_dir / name, geocoder)
    assert result.has_place
    assert (values(result, "city"), values(result, "continent")) == ([city], [continent])
    assert country in values(result, "country")


def test_west_longitude_is_negative(samples_dir, geocoder):
    place = analyse(samples_dir / "heic" / "IMG_5195.HEIC", geocoder).place
    assert 39.0 < place.lat < 39.1 and -94.3 < place.lon < -94.2


@pytest.mark.parametrize("shape", ["landscape", "portrait"])
def test_eight_orientations_read_to_the_same_upright_size(samples_dir, geocoder, shape):
    from services.exif.reader import read_metadata

    sizes = {(m.width, m.height) for m in (read_metadata(p) for p in (samples_dir / "jpg" / "orientation").glob(
        f"{shape}_*.jpg"))}
    assert len(sizes) == 1


def test_every_sample_ends_with_a_result_in_under_a_second_of_cpu(samples_dir, geocoder):
    geocoder.load()
    outcomes = {}
    for path in sorted(p for p in samples_dir.rglob("*") if p.is_file()):
        started = time.process_time()
        result = analyse(path, geocoder)
        assert time.process_time() - started < 1.0, path
        assert result.meta.outcome != pb.OUTCOME_UNSPECIFIED and result.meta.version
        outcomes[path.relative_to(samples_dir).as_posix()] = result
    assert outcomes["README.rst"].meta.outcome == pb.OUTCOME_FAILED
    assert outcomes["README.rst"].meta.reason.startswith("not a readable image")
    corrupted = outcomes["jpg/corrupted.jpg"]
    assert corrupted.meta.outcome in (pb.OUTCOME_OK, pb.OUTCOME_PARTIAL) and values(corrupted, "camera")
    assert all(r.meta.outcome in (pb.OUTCOME_OK, pb.OUTCOME_PARTIAL) for n, r in outcomes.items()
               if n.endswith((".jpg", ".jpeg", ".HEIC", ".heif", ".tiff")))


def test_downscaled_photo_keeps_exif_dimensions_as_read_but_trusts_pixels(samples_dir, geocoder):
    result = analyse(samples_dir / "jpg" / "Canon_PowerShot_S40.jpg", geocoder)
    assert any("2272x1704" in w and "480x360" in w for w in result.warnings)
