"""examine(): one file to one typed outcome, with hashing, dedup and move detection."""
import hashlib
import os
from pathlib import Path

import pytest

from proto import pb
from services.ingest import examine as ex
from services.ingest.catalog import Catalog
from services.media.containment import LINK_FOLDER, LINK_INSIDE, LINK_OUTSIDE
from services.media.content_id import sha256_file
from services.pipeline.layout import thumb_path

SIZES = (320, 64)


def run(path: Path, root: Path, catalog: Catalog, tmp_path: Path) -> ex.Examined:
    return ex.examine(path, root, catalog, tmp_path / "thumbs", SIZES)


def test_sha256_streams_whole_file(tmp_path):
    data = os.urandom(3 * (1 << 20) + 17)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_new_photo_gets_id_facts_terms_and_thumbnails(tmp_path, catalog, jpeg_factory):
    root = tmp_path / "media"
    photo = jpeg_factory(root / "Holidays 2019" / "beach_sunset.jpg", seed=1, size=(400, 300))
    result = run(photo, root, catalog, tmp_path)
    assert result.kind == ex.NEW
    assert result.id == hashlib.sha256(photo.read_bytes()).hexdigest()
    record = result.record
    assert (record.file.width, record.file.height, record.file.format) == (400, 300, "JPEG")
    assert record.ingest.outcome == pb.OUTCOME_OK and record.ingest.version == ex.VERSION
    terms = {(t.key, t.value) for t in record.terms}
    assert {("folder", "holidays 2019"), ("path", "holidays"), ("path", "beach"), ("path", "sunset")} <= terms
    for size in SIZES:
        from PIL import Image

        with Image.open(thumb_path(tmp_path / "thumbs", result.id, size)) as thumb:
            assert max(thumb.size) == size


def test_same_bytes_elsewhere_is_a_duplicate_and_a_vanished_path_a_move(tmp_path, catalog, jpeg_factory):
    root = tmp_path / "media"
    first = jpeg_factory(root / "a.jpg", seed=2)
    copy = root / "b" / "copy.jpg"
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes())
    original = run(first, root, catalog, tmp_path)
    catalog.remember(original.path, original.root, original.bytes, original.mtime_ns, original.id)
    duplicate = run(copy, root, catalog, tmp_path)
    assert (duplicate.kind, duplicate.id) == (ex.DUPLICATE, original.id)
    catalog.forget(str(first))
    moved = run(copy, root, catalog, tmp_path)
    assert (moved.kind, moved.id) == (ex.MOVED, original.id)


def test_unchanged_file_is_not_hashed_again(tmp_path, catalog, jpeg_factory):
    root = tmp_path / "media"
    photo = jpeg_factory(root / "a.jpg", seed=3)
    first = run(photo, root, catalog, tmp_path)
    catalog.remember(first.path, first.root, first.bytes, first.mtime_ns, first.id)
    assert run(photo, root, catalog, tmp_path).kind == ex.UNCHANGED
    jpeg_factory(photo, seed=4)
    os.utime(photo, ns=(first.mtime_ns + 10**9, first.mtime_ns + 10**9))
    changed = run(photo, root, catalog, tmp_path)
    assert changed.kind == ex.NEW and changed.id != first.id


@pytest.mark.parametrize("name, content, kind, reason", [
    ("notes.txt", b"hello", ex.SKIPPED, "unsupported file type '.txt'"),
    ("empty.jpg", b"", ex.FAILED, "empty file (0 bytes)"),
    ("text.jpg", b"this is not a jpeg at all", ex.FAILED, "not a readable image"),
    ("odd ☃ name's [1].png", b"\x89PNG\r\n\x1a\n broken", ex.FAILED, "not a readable image"),
])
def test_bad_files_get_typed_outcomes(tmp_path, catalog, name, content, kind, reason):
    path = tmp_path / name
    path.write_bytes(content)
    result = run(path, tmp_path, catalog, tmp_path)
    assert result.kind == kind
    assert result.reason.startswith(reason)


def test_truncated_jpeg_is_ingested_without_thumbnail(tmp_path, catalog, jpeg_factory):
    photo = jpeg_factory(tmp_path / "whole.jpg", seed=5, size=(300, 200))
    cut = tmp_path / "cut.jpg"
    data = photo.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    result = run(cut, tmp_path, catalog, tmp_path)
    assert result.kind == ex.NEW
    assert result.record.ingest.outcome == pb.OUTCOME_PARTIAL
    assert result.record.ingest.reason.startswith("no thumbnail")


def test_vanished_files_and_links_of_any_kind(tmp_path, catalog, samples_dir):
    assert run(tmp_path / "gone.jpg", tmp_path, catalog, tmp_path).reason == "file vanished before it could be read"
    root = tmp_path / "media"
    root.mkdir()
    (root / "loop1.jpg").symlink_to(root / "loop2.jpg")
    (root / "loop2.jpg").symlink_to(root / "loop1.jpg")
    (root / "dangling.jpg").symlink_to(root / "nowhere.jpg")
    (root / "elsewhere.jpg").symlink_to(samples_dir / "jpg" / "Canon_40D.jpg")  # another user's photo, say
    (root / "mine.jpg").write_bytes((samples_dir / "jpg" / "Canon_40D.jpg").read_bytes())
    (root / "again.jpg").symlink_to(root / "mine.jpg")
    outcomes = {name: run(root / name, root, catalog, tmp_path) for name in
                ("loop1.jpg", "dangling.jpg", "elsewhere.jpg", "again.jpg", "mine.jpg")}
    assert {n: (o.kind, o.reason) for n, o in outcomes.items() if n != "mine.jpg"} == {
        "loop1.jpg": (ex.SKIPPED, LINK_INSIDE), "dangling.jpg": (ex.SKIPPED, LINK_INSIDE),
        "elsewhere.jpg": (ex.SKIPPED, LINK_OUTSIDE), "again.jpg": (ex.SKIPPED, LINK_INSIDE)}
    assert outcomes["mine.jpg"].kind == ex.NEW  # the file itself, at its own path


def test_a_file_reached_through_a_linked_folder_is_not_followed_a_linked_root_is_fine(tmp_path, catalog,
                                                                                       samples_dir):
    theirs = tmp_path / "alice"
    (theirs / "trip").mkdir(parents=True)
    (theirs / "trip" / "hers.jpg").write_bytes((samples_dir / "jpg" / "Canon_40D.jpg").read_bytes())
    root = tmp_path / "bob"
    (root / "deep").mkdir(parents=True)
    (root / "deep" / "link").symlink_to(theirs, target_is_directory=True)
    found = run(root / "deep" / "link" / "trip" / "hers.jpg", root, catalog, tmp_path)
    assert (found.kind, found.reason) == (ex.SKIPPED, LINK_FOLDER)
    linked_root = tmp_path / "alice-root"  # a media root may itself be a link: below it is the folder itself
    linked_root.symlink_to(theirs, target_is_directory=True)
    assert run(linked_root / "trip" / "hers.jpg", linked_root, catalog, tmp_path).kind == ex.NEW


def test_permission_error_reason():
    assert ex.os_reason(PermissionError(13, "Permission denied")) == "permission denied"


@pytest.mark.parametrize("shape, upright", [("landscape", (600, 450)), ("portrait", (450, 600))])
def test_all_eight_orientations_give_the_same_upright_dimensions(samples_dir, catalog, tmp_path, shape, upright):
    rotated = samples_dir / "jpg" / "orientation"
    files = sorted(rotated.glob(f"{shape}_*.jpg"))
    sizes = {(r.record.file.width, r.record.file.height) for r in (run(p, rotated, catalog, tmp_path) for p in files)}
    assert len(files) == 8 and sizes == {upright}


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".heic", ".heif", ".tif", ".tiff")


def test_every_sample_file_gets_its_outcome(samples_dir, catalog, tmp_path):
    """Every real photo of the set (all distinct bytes) is a new photo; the documentation beside them is skipped."""
    files = [p for p in samples_dir.rglob("*") if p.is_file()]
    results = {Path(r.path): r for r in (run(p, samples_dir, catalog, tmp_path) for p in files)}
    assert len(results) == len(files) > 100
    images = {p for p in files if p.suffix.lower() in IMAGE_SUFFIXES}
    assert {p for p, r in results.items() if r.kind == ex.NEW} == images
    assert all(results[p].reason.startswith("unsupported file type") for p in set(files) - images)
    assert all(results[p].kind == ex.SKIPPED for p in set(files) - images)
    heic = [r for p, r in results.items() if p.suffix.lower() in (".heic", ".heif")]
    tiff = [r for p, r in results.items() if p.suffix.lower() in (".tif", ".tiff")]
    assert heic and all(r.record.file.format == "HEIF" for r in heic)
    assert tiff and all(r.record.file.format == "TIFF" and r.record.file.width > 0 for r in tiff)


def test_a_raw_beside_a_broken_jpeg_is_a_photo_of_its_own_not_hidden_in_a_stack(tmp_path, catalog, samples_dir):
    from PIL import Image

    from fixtures.raw import write_dng

    with Image.open(samples_dir / "jpg" / "Canon_40D.jpg") as picture:
        raw = write_dng(tmp_path / "IMG_0007.DNG", picture.convert("RGB").resize((320, 240)))
    (tmp_path / "IMG_0007.JPG").write_bytes(b"\xff\xd8\xff not really a jpeg")
    result = run(raw, tmp_path, catalog, tmp_path)
    assert (result.kind, result.record.file.format, list(result.record.paths)) == (ex.NEW, "RAW", [str(raw)])


class SwappingDecoder:
    """Swaps the file for a link to another user's photo just before it is decoded (the race a check leaves)."""

    def __init__(self, target: Path):
        self.target = target

    def run(self, function, path, *args):
        path.unlink()
        path.symlink_to(self.target)
        return ex.IN_PROCESS.run(function, path, *args)


def test_a_file_swapped_for_a_link_while_read_is_not_indexed_and_leaves_no_thumbnail(tmp_path, catalog, samples_dir,
                                                                                   jpeg_factory):
    root = tmp_path / "media"
    mine = jpeg_factory(root / "mine.jpg", seed=7, size=(320, 240))
    examined = ex.examine(mine, root, catalog, tmp_path / "thumbs", SIZES,
                          SwappingDecoder(samples_dir / "jpg" / "Canon_40D.jpg"))
    assert (examined.kind, examined.reason) == (ex.FAILED, ex.CHANGED_WHILE_READ)
    assert not list((tmp_path / "thumbs").rglob("*.jpg"))  # no thumbnail of the other user's photo is kept


def test_hashing_never_reads_through_a_link(tmp_path):
    (tmp_path / "real.jpg").write_bytes(b"x" * 10)
    (tmp_path / "link.jpg").symlink_to(tmp_path / "real.jpg")
    with pytest.raises(OSError):
        sha256_file(tmp_path / "link.jpg")
