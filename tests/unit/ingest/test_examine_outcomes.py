"""examine()'s other outcomes, each with the exact record, reason and event expected from the file: stacked raws,
files changed while read, odd names and file kinds, the facts of a new photo and a duplicate, and is_stable."""
import errno
import hashlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from fixtures.raw import write_dng
from proto import SCHEMA_VERSION, pb
from services.ingest import examine as ex
from services.media.containment import LINK_OUTSIDE
from services.pipeline.layout import thumb_path

SIZES = (320, 64)
SAMPLE = Path("jpg") / "Canon_40D.jpg"  # 100 x 68, EXIF orientation 1 (upright as stored)


def run(path: Path, root: Path, catalog, tmp_path: Path, sizes=SIZES, decoder=ex.IN_PROCESS) -> ex.Examined:
    return ex.examine(path, root, catalog, tmp_path / "thumbs", sizes, decoder)


def remember(catalog, examined: ex.Examined) -> None:
    catalog.remember(examined.path, examined.root, examined.bytes, examined.mtime_ns, examined.id)


def thumbnails(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "thumbs").rglob("*.*"))


def test_a_new_photo_carries_the_facts_of_its_file(samples_dir, catalog, tmp_path):
    photo = samples_dir / SAMPLE
    stat = photo.stat()
    with Image.open(photo) as image:
        assert image.getexif().get(0x0112, 1) == 1
        width, height = image.size
    started = time.time()
    result = run(photo, samples_dir, catalog, tmp_path)
    finished = time.time()
    record = result.record
    assert (result.kind, result.path, result.root, result.reason, result.is_photo) == (
        ex.NEW, str(photo), str(samples_dir), "", True)
    assert result.id == record.id == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (result.bytes, result.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert (list(record.paths), list(record.stack), record.schema) == ([str(photo)], [], SCHEMA_VERSION)
    assert record.file == pb.FileFacts(root=str(samples_dir), path=str(photo), size=stat.st_size, mtime=stat.st_mtime,
                                       format="JPEG", mime="image/jpeg", width=width, height=height, has_thumbs=True)
    assert (record.ingest.stage, record.ingest.version, record.ingest.outcome, record.ingest.reason) == (
        "ingest", ex.VERSION, pb.OUTCOME_OK, "")
    assert started <= record.ingest.finished_at <= finished
    assert thumbnails(tmp_path) == sorted(thumb_path(tmp_path / "thumbs", result.id, size) for size in SIZES)


def test_a_photo_asked_for_no_thumbnails_is_whole_without_them(samples_dir, catalog, tmp_path):
    result = run(samples_dir / SAMPLE, samples_dir, catalog, tmp_path, sizes=())
    assert (result.kind, result.record.file.has_thumbs, result.record.ingest.outcome) == (ex.NEW, False, pb.OUTCOME_OK)
    assert thumbnails(tmp_path) == []


def test_a_photo_without_thumbnail_says_why_in_its_outcome(samples_dir, catalog, tmp_path):
    data = (samples_dir / SAMPLE).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(cut_in_half(data))
    result = run(cut, tmp_path, catalog, tmp_path)
    assert (result.kind, result.record.file.has_thumbs, result.record.ingest.outcome) == (
        ex.NEW, False, pb.OUTCOME_PARTIAL)
    assert result.reason == result.record.ingest.reason and result.reason.startswith("no thumbnail: ")
    assert thumbnails(tmp_path) == []


def test_a_duplicate_is_published_with_its_file_facts_and_its_thumbnails_are_not_made_again(samples_dir, catalog,
                                                                                             tmp_path):
    root = tmp_path / "media"
    first = root / "a" / "one.jpg"
    copy = root / "b" / "two.jpg"
    for path in (first, copy):
        path.parent.mkdir(parents=True)
        path.write_bytes((samples_dir / SAMPLE).read_bytes())
    remember(catalog, run(first, root, catalog, tmp_path))
    shutil.rmtree(tmp_path / "thumbs")
    duplicate = run(copy, root, catalog, tmp_path)
    stat = copy.stat()
    assert (duplicate.kind, duplicate.path, duplicate.root, duplicate.reason, duplicate.is_photo) == (
        ex.DUPLICATE, str(copy), str(root), "", True)
    assert (duplicate.bytes, duplicate.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    record = duplicate.record
    assert (list(record.paths), record.file.path, record.file.size, record.file.width) == ([str(copy)], str(copy),
                                                                                          stat.st_size, 100)
    assert ("folder", "b") in {(t.key, t.value) for t in record.terms}
    assert not record.HasField("ingest")  # the photo's analysis stands; only a path was added
    assert thumbnails(tmp_path) == []


def test_a_touched_file_is_read_again_and_a_rewritten_one_of_the_same_age_too(catalog, tmp_path, jpeg_factory):
    photo = jpeg_factory(tmp_path / "a.jpg", seed=11)
    first = run(photo, tmp_path, catalog, tmp_path)
    remember(catalog, first)
    later = first.mtime_ns + 5 * 10**9
    os.utime(photo, ns=(later, later))  # same bytes, same size, a new time
    touched = run(photo, tmp_path, catalog, tmp_path)
    assert (touched.kind, touched.id, touched.mtime_ns) == (ex.MOVED, first.id, later)
    jpeg_factory(photo, seed=12, size=(97, 64))
    os.utime(photo, ns=(first.mtime_ns, first.mtime_ns))  # new bytes, another size, the remembered time
    assert photo.stat().st_size != first.bytes
    rewritten = run(photo, tmp_path, catalog, tmp_path)
    assert (rewritten.kind, rewritten.id) == (ex.NEW, hashlib.sha256(photo.read_bytes()).hexdigest())


def stack_of(folder: Path, samples_dir: Path) -> tuple[Path, Path]:
    """A camera's pair: IMG_0008.JPG (a real photo) and IMG_0008.DNG beside it."""
    lead = folder / "IMG_0008.JPG"
    folder.mkdir(parents=True, exist_ok=True)
    lead.write_bytes((samples_dir / SAMPLE).read_bytes())
    with Image.open(lead) as picture:
        raw = write_dng(folder / "IMG_0008.DNG", picture.convert("RGB").resize((64, 48)))
    return lead, raw


def test_a_raw_beside_its_readable_jpeg_joins_the_jpegs_stack(samples_dir, catalog, tmp_path):
    root = tmp_path / "media"
    lead, raw = stack_of(root, samples_dir)
    result = run(raw, root, catalog, tmp_path)
    stat = raw.stat()
    assert (result.kind, result.path, result.root, result.reason, result.is_photo) == (
        ex.STACKED, str(raw), str(root), "shown with IMG_0008.JPG", True)
    assert result.id == hashlib.sha256(lead.read_bytes()).hexdigest()
    assert result.record == pb.Record(id=result.id, stack=[str(raw)], schema=SCHEMA_VERSION)  # no path of its own
    assert (result.bytes, result.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert thumbnails(tmp_path) == []


def test_a_stacked_raw_takes_its_leads_id_from_the_catalog_while_the_lead_is_unchanged(samples_dir, catalog, tmp_path):
    """The lead's id is the one ingest published for it: the catalog's while size and time are those it saw."""
    root = tmp_path / "media"
    lead, raw = stack_of(root, samples_dir)
    published = run(lead, root, catalog, tmp_path)
    remember(catalog, published)
    data = bytearray(lead.read_bytes())
    data[-10] ^= 0x01  # a byte of the picture changed, size and time kept: to ingest, the lead is unchanged
    stat = lead.stat()
    lead.write_bytes(bytes(data))
    os.utime(lead, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run(raw, root, catalog, tmp_path).id == published.id != hashlib.sha256(data).hexdigest()
    later = stat.st_mtime_ns + 10**9
    os.utime(lead, ns=(later, later))  # now it changed: hashed again
    assert run(raw, root, catalog, tmp_path).id == hashlib.sha256(data).hexdigest()


class ChangedAfterDecoding:
    """Decodes in process, then changes the file as another program might while ingest reads it."""

    def __init__(self, change):
        self.change = change

    def run(self, function, path, *args):
        result = ex.IN_PROCESS.run(function, path, *args)
        self.change(path)
        return result


def cut_in_half(data: bytes) -> bytes:
    """A JPEG with its headers whole and its picture cut: readable, but no thumbnail can be made of it."""
    scan = data.rindex(b"\xff\xda")  # the picture's start of scan, after the headers (and EXIF's thumbnail)
    return data[: (scan + len(data)) // 2]


@pytest.mark.parametrize("change", ["replaced", "removed", "replaced before its thumbnails were made"])
def test_a_file_replaced_or_removed_while_read_is_not_indexed_and_leaves_no_thumbnail(samples_dir, catalog, tmp_path,
                                                                                      jpeg_factory, change):
    other = jpeg_factory(tmp_path / "other.jpg", seed=13)
    changes = {"removed": lambda path: path.unlink()}
    photo = tmp_path / "media" / "mine.jpg"
    photo.parent.mkdir()
    data = (samples_dir / SAMPLE).read_bytes()
    photo.write_bytes(cut_in_half(data) if change.endswith("made") else data)
    result = run(photo, photo.parent, catalog, tmp_path,
                 decoder=ChangedAfterDecoding(changes.get(change, lambda path: os.replace(other, path))))
    assert (result.kind, result.path, result.root, result.reason, result.record) == (
        ex.FAILED, str(photo), str(photo.parent), ex.CHANGED_WHILE_READ, None)
    assert thumbnails(tmp_path) == []


def test_a_known_photo_changed_while_read_keeps_its_thumbnails(samples_dir, catalog, tmp_path, jpeg_factory):
    root = tmp_path / "media"
    root.mkdir()
    first, copy = root / "first.jpg", root / "copy.jpg"
    for path in (first, copy):
        path.write_bytes((samples_dir / SAMPLE).read_bytes())
    known = run(first, root, catalog, tmp_path)
    remember(catalog, known)
    other = jpeg_factory(tmp_path / "other.jpg", seed=14)
    result = run(copy, root, catalog, tmp_path, decoder=ChangedAfterDecoding(lambda path: os.replace(other, path)))
    assert (result.kind, result.reason) == (ex.FAILED, ex.CHANGED_WHILE_READ)
    assert thumbnails(tmp_path) == sorted(thumb_path(tmp_path / "thumbs", known.id, size) for size in SIZES)


def test_a_name_that_is_not_utf8_is_skipped_and_shown_escaped(samples_dir, catalog, tmp_path):
    photo = tmp_path / os.fsdecode(b"caf\xe9.jpg")
    photo.write_bytes((samples_dir / SAMPLE).read_bytes())
    result = run(photo, tmp_path, catalog, tmp_path)
    assert (result.kind, result.path, result.root, result.is_photo) == (
        ex.SKIPPED, f"{tmp_path}/caf\\xe9.jpg", str(tmp_path), False)
    assert result.reason == "the name is not valid UTF-8 (shown escaped): rename it to index it"
    assert ex.shown_path(tmp_path / "café ☃.jpg") == f"{tmp_path}/café ☃.jpg"


@pytest.mark.parametrize("name, shown", [("Notes.TXT", ".txt"), ("README", "README"), ("clip.mov", ".mov")])
def test_an_unsupported_file_names_its_type(catalog, tmp_path, name, shown):
    (tmp_path / name).write_bytes(b"not a photo")
    result = run(tmp_path / name, tmp_path, catalog, tmp_path)
    assert (result.kind, result.reason) == (ex.SKIPPED, f"unsupported file type '{shown}'")


@pytest.mark.parametrize("make", [os.mkfifo, os.mkdir])
def test_a_pipe_or_folder_with_a_photos_name_is_not_a_regular_file(catalog, tmp_path, make):
    path = tmp_path / "photo.jpg"
    make(path)
    result = run(path, tmp_path, catalog, tmp_path)  # a pipe is never opened: nothing blocks on it
    assert (result.kind, result.path, result.root, result.reason) == (ex.SKIPPED, str(path), str(tmp_path),
                                                                      "not a regular file")


def test_a_link_is_skipped_under_its_own_path(samples_dir, catalog, tmp_path):
    link = tmp_path / "media" / "theirs.jpg"
    link.parent.mkdir()
    link.symlink_to(samples_dir / SAMPLE)
    result = run(link, link.parent, catalog, tmp_path)
    assert (result.kind, result.path, result.root, result.reason) == (ex.SKIPPED, str(link), str(link.parent),
                                                                      LINK_OUTSIDE)


def test_every_kind_of_read_error_gets_its_reason(tmp_path):
    def error_of(action) -> OSError:
        with pytest.raises(OSError) as caught:
            action()
        return caught.value

    (tmp_path / "link.jpg").symlink_to(tmp_path / "link.jpg")
    looped = error_of(lambda: os.open(tmp_path / "link.jpg", os.O_RDONLY | os.O_NOFOLLOW))
    folder = error_of(lambda: open(tmp_path, "rb"))
    gone = error_of(lambda: open(tmp_path / "gone.jpg", "rb"))
    assert (looped.errno, folder.errno) == (errno.ELOOP, errno.EISDIR)
    assert [ex.os_reason(e) for e in (looped, folder, gone)] == [
        "a symbolic link (or a loop of them): not followed", "cannot read file: Is a directory",
        "file vanished before it could be read"]


def test_file_events_carry_the_outcome_of_what_is_not_a_photo(catalog, tmp_path, jpeg_factory):
    (tmp_path / "notes.txt").write_bytes(b"hello")
    (tmp_path / "empty.jpg").write_bytes(b"")
    photo = jpeg_factory(tmp_path / "a.jpg", seed=15)
    remember(catalog, run(photo, tmp_path, catalog, tmp_path))
    started = time.time()
    examined = [run(tmp_path / name, tmp_path, catalog, tmp_path) for name in ("notes.txt", "empty.jpg", "a.jpg")]
    events = [ex.file_event(e) for e in examined]
    finished = time.time()
    assert [(e.kind, e.is_photo) for e in examined] == [(ex.SKIPPED, False), (ex.FAILED, False),
                                                        (ex.UNCHANGED, False)]
    assert [(e.path, e.root, e.outcome, e.reason, e.id) for e in events] == [
        (str(tmp_path / "notes.txt"), str(tmp_path), pb.OUTCOME_SKIPPED, "unsupported file type '.txt'", ""),
        (str(tmp_path / "empty.jpg"), str(tmp_path), pb.OUTCOME_FAILED, "empty file (0 bytes)", ""),
        (str(photo), str(tmp_path), pb.OUTCOME_UNSPECIFIED, "", hashlib.sha256(photo.read_bytes()).hexdigest())]
    assert all(started <= e.at <= finished for e in events)


def test_a_file_still_being_written_is_not_stable_and_a_still_or_vanished_one_is(tmp_path):
    path = tmp_path / "coming.jpg"
    path.write_bytes(b"\xff\xd8")
    assert ex.is_stable(path, 0) and ex.is_stable(path, 0.05)
    assert ex.is_stable(tmp_path / "gone.jpg", 0.05)  # examine() gives it its outcome
    done = threading.Event()

    def write_on():
        with open(path, "ab") as growing:
            while not done.is_set():
                growing.write(b"x")
                growing.flush()
                done.wait(0.005)

    writer = threading.Thread(target=write_on)
    writer.start()
    try:
        assert not ex.is_stable(path, 0.2)  # it grows all the while the check waits
    finally:
        done.set()
        writer.join()
    assert ex.is_stable(path, 0.05)


def test_only_found_photos_count_as_photos():
    photos = {ex.NEW, ex.DUPLICATE, ex.MOVED, ex.STACKED}
    for kind in (*photos, ex.UNCHANGED, ex.SKIPPED, ex.FAILED, ex.REMOVED):
        assert ex.Examined(kind, "/p.jpg", "/").is_photo is (kind in photos)


def test_a_photo_in_a_format_under_another_name_keeps_its_format_and_claims_no_image_mime(samples_dir, catalog,
                                                                                         tmp_path):
    misnamed = tmp_path / "scan.jpg"
    with Image.open(samples_dir / SAMPLE) as picture:
        picture.save(misnamed, "PPM")  # a real picture, but a netpbm file, not a JPEG
    result = run(misnamed, tmp_path, catalog, tmp_path)
    assert (result.kind, result.record.file.format, result.record.file.mime) == (ex.NEW, "PPM",
                                                                                "application/octet-stream")
    assert (result.record.file.width, result.record.file.height) == (100, 68)


def test_a_file_that_is_no_picture_or_vanished_fails_under_its_path(catalog, tmp_path):
    broken = tmp_path / "media" / "text.jpg"
    broken.parent.mkdir()
    broken.write_bytes(b"this is not a jpeg at all")
    result = run(broken, broken.parent, catalog, tmp_path)
    assert (result.kind, result.path, result.root, result.id, result.record) == (
        ex.FAILED, str(broken), str(broken.parent), hashlib.sha256(broken.read_bytes()).hexdigest(), None)
    assert result.reason.startswith("not a readable image: UnidentifiedImageError")
    gone = run(broken.parent / "gone.jpg", broken.parent, catalog, tmp_path)
    assert (gone.kind, gone.path, gone.root, gone.reason) == (
        ex.FAILED, str(broken.parent / "gone.jpg"), str(broken.parent), "file vanished before it could be read")
