"""A raw's stack lead is found from a folder listing kept per folder change: never stale, never listed per raw."""
import os
import time

from services.ingest import stacks
from services.ingest.stacks import stack_lead

AN_HOUR_AGO = time.time() - 3600


def settle(folder) -> None:
    """Make the folder look unchanged for an hour, so its listing is kept."""
    os.utime(folder, (AN_HOUR_AGO, AN_HOUR_AGO))


def test_a_raw_is_stacked_with_the_photo_of_its_name_in_any_letter_case(tmp_path):
    for name in ("img_0042.CR3", "IMG_0042.jpg", "IMG_0042.xmp", "IMG_0043.NEF", "IMG_0044.JPG"):
        (tmp_path / name).write_bytes(b"x")
    settle(tmp_path)
    assert stack_lead(tmp_path / "img_0042.CR3") == tmp_path / "IMG_0042.jpg"
    assert stack_lead(tmp_path / "IMG_0043.NEF") is None
    assert stack_lead(tmp_path / "IMG_0044.JPG") is None  # only a raw joins a stack


def test_a_jpeg_added_after_the_folder_was_listed_is_seen(tmp_path):
    raw = tmp_path / "DSC_0001.NEF"
    raw.write_bytes(b"x")
    settle(tmp_path)
    assert stack_lead(raw) is None
    (tmp_path / "DSC_0001.JPG").write_bytes(b"x")
    settle(tmp_path)  # even when the folder's new mtime is old again, it differs from the listed one
    os.utime(tmp_path, (AN_HOUR_AGO + 1, AN_HOUR_AGO + 1))
    assert stack_lead(raw) == tmp_path / "DSC_0001.JPG"


def test_a_folder_changing_right_now_is_listed_afresh_each_time(tmp_path):
    raw = tmp_path / "DSC_0002.ARW"
    raw.write_bytes(b"x")
    mtime = tmp_path.stat().st_mtime_ns
    assert stack_lead(raw) is None
    (tmp_path / "DSC_0002.JPG").write_bytes(b"x")
    os.utime(tmp_path, ns=(mtime, mtime))  # a change within the same mtime tick as the first listing
    assert stack_lead(raw) == tmp_path / "DSC_0002.JPG"


def test_one_listing_serves_every_raw_of_a_settled_folder(tmp_path):
    for i in range(20):
        (tmp_path / f"R{i}.DNG").write_bytes(b"x")
    settle(tmp_path)
    stacks._leads_by_stem.cache_clear()
    for i in range(20):
        stack_lead(tmp_path / f"R{i}.DNG")
    info = stacks._leads_by_stem.cache_info()
    assert (info.misses, info.hits) == (1, 19)
