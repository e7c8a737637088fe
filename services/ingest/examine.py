"""One file to one typed outcome: new photo, duplicate, move, unchanged, skipped or failed (never raises)."""
from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from proto import SCHEMA_VERSION, pb
from services.ingest.catalog import Catalog
from services.ingest.decoding import decode_photo, describe
from services.media.decoders import IN_PROCESS, DecodeError, Decoder
from services.media.formats import MIME, identify, is_candidate
from services.media.containment import link_reason
from services.media.content_id import sha256_file
from services.ingest.stacks import stack_lead
from services.ingest.terms import path_terms
from services.pipeline.layout import thumb_path

VERSION = "ingest-1"
CHANGED_WHILE_READ = ("the file was replaced while it was read (by a link or another file): not indexed; it is read "
                      "again once it settles")
NEW, DUPLICATE, MOVED, UNCHANGED, SKIPPED, FAILED, REMOVED, STACKED = (
    "new", "duplicate", "moved", "unchanged", "skipped", "failed", "removed", "stacked")


@dataclass
class Examined:
    """What ingest found out about one path, and the record to publish for it, if any."""

    kind: str
    path: str
    root: str
    reason: str = ""
    id: str = ""
    record: pb.Record | None = field(default=None, repr=False)
    bytes: int = 0
    mtime_ns: int = 0

    @property
    def is_photo(self) -> bool:
        return self.kind in (NEW, DUPLICATE, MOVED, STACKED)


def examine(path: Path, root: Path, catalog: Catalog, thumbs_dir: Path, thumb_sizes: tuple[int, ...],
            decoder: Decoder = IN_PROCESS) -> Examined:
    """Hash, identify and thumbnail one file; every failure becomes a reason users can read.

    The catalog is only read here: the caller remembers the file once its message is published.
    """
    spath, sroot = shown_path(path), shown_path(root)
    if spath != str(path):
        return Examined(SKIPPED, spath, sroot, "the name is not valid UTF-8 (shown escaped): rename it to index it")
    if not is_candidate(path):
        return Examined(SKIPPED, spath, sroot, f"unsupported file type '{path.suffix.lower() or path.name}'")
    try:
        if reason := link_reason(path, root):
            return Examined(SKIPPED, spath, sroot, reason)
        stat = path.lstat()
        if not S_ISREG(stat.st_mode):
            return Examined(SKIPPED, spath, sroot, "not a regular file")
        if stat.st_size == 0:
            return Examined(FAILED, spath, sroot, "empty file (0 bytes)")
        seen = catalog.seen(spath)
        if seen and seen.size == stat.st_size and seen.mtime_ns == stat.st_mtime_ns:
            return Examined(UNCHANGED, spath, sroot, id=seen.id)
        lead = stack_lead(path)
        if lead is not None and is_readable(lead, decoder):
            return _stacked(path, root, lead, catalog, stat)
        photo_id = sha256_file(path)
    except OSError as exc:
        return Examined(FAILED, spath, sroot, os_reason(exc))
    known = catalog.is_known(photo_id)
    try:
        (kind, width, height), no_thumbs = decoder.run(
            decode_photo, path, thumbs_dir, photo_id, () if known else thumb_sizes)
    except DecodeError as exc:
        return Examined(FAILED, spath, sroot, str(exc), id=photo_id)
    except Exception as exc:  # noqa: BLE001 - whatever a decoder raises is this file's failure, never the scan's
        return Examined(FAILED, spath, sroot, f"not a readable image: {describe(exc)}", id=photo_id)
    if not same_file(path, stat):  # swapped (for a link to another user's photo, say) while it was read
        if not known:
            for size in thumb_sizes:
                thumb_path(thumbs_dir, photo_id, size).unlink(missing_ok=True)
        return Examined(FAILED, spath, sroot, CHANGED_WHILE_READ)

    facts = pb.FileFacts(root=sroot, path=spath, size=stat.st_size, mtime=stat.st_mtime, format=kind,
                         mime=MIME.get(kind, "application/octet-stream"), width=width, height=height)
    others = catalog.other_paths(photo_id, spath)
    record = pb.Record(id=photo_id, paths=[spath], schema=SCHEMA_VERSION)
    record.terms.extend(path_terms(path, root, stat.st_mtime))
    if known:
        record.file.CopyFrom(facts)
        return Examined(DUPLICATE if others else MOVED, spath, sroot, id=photo_id, record=record,
                        bytes=stat.st_size, mtime_ns=stat.st_mtime_ns)
    meta = pb.StageMeta(stage="ingest", version=VERSION, outcome=pb.OUTCOME_OK, finished_at=time.time())
    facts.has_thumbs = bool(thumb_sizes) and not no_thumbs
    if no_thumbs:
        meta.outcome, meta.reason = pb.OUTCOME_PARTIAL, no_thumbs
    record.file.CopyFrom(facts)
    record.ingest.CopyFrom(meta)
    return Examined(NEW, spath, sroot, meta.reason, id=photo_id, record=record, bytes=stat.st_size,
                    mtime_ns=stat.st_mtime_ns)


def same_file(path: Path, before: os.stat_result) -> bool:
    """Whether the path still names the regular file it named before (same device and inode)."""
    try:
        now = path.lstat()
    except OSError:
        return False
    return S_ISREG(now.st_mode) and (now.st_dev, now.st_ino) == (before.st_dev, before.st_ino)


def is_readable(lead: Path, decoder: Decoder) -> bool:
    """Only a photo ingest can read leads a stack: a raw beside a broken JPEG is shown on its own, not hidden."""
    try:
        decoder.run(identify, lead)
    except Exception:  # noqa: BLE001 - whatever the lead's header raises, it fails on its own and the raw stands alone
        return False
    return True


def _stacked(path: Path, root: Path, lead: Path, catalog: Catalog, stat: os.stat_result) -> Examined:
    """A raw shown once, with its JPEG: the lead photo's record gains the raw's path in its stack."""
    seen = catalog.seen(str(lead))
    lead_stat = lead.stat()
    fresh = seen and seen.size == lead_stat.st_size and seen.mtime_ns == lead_stat.st_mtime_ns
    lead_id = seen.id if fresh else sha256_file(lead)
    record = pb.Record(id=lead_id, stack=[str(path)], schema=SCHEMA_VERSION)
    return Examined(STACKED, str(path), str(root), f"shown with {lead.name}", id=lead_id, record=record,
                    bytes=stat.st_size, mtime_ns=stat.st_mtime_ns)


def shown_path(path: Path | str) -> str:
    """A path as text users and storage can hold: bytes that are not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def os_reason(exc: OSError) -> str:
    """A reason a user understands for a file that could not be read."""
    if isinstance(exc, FileNotFoundError):
        return "file vanished before it could be read"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "a symbolic link (or a loop of them): not followed"
    return f"cannot read file: {exc.strerror or exc}"


def file_event(examined: Examined) -> pb.FileEvent:
    outcome = {SKIPPED: pb.OUTCOME_SKIPPED, FAILED: pb.OUTCOME_FAILED}.get(examined.kind, pb.OUTCOME_UNSPECIFIED)
    return pb.FileEvent(path=examined.path, root=examined.root, outcome=outcome, reason=examined.reason,
                        id=examined.id, at=time.time())


def is_stable(path: Path, seconds: float) -> bool:
    """True once size and mtime hold still for the given time (a half-written file is not yet stable)."""
    try:
        before = os.stat(path)
        if seconds > 0:
            time.sleep(seconds)
        after = os.stat(path)
    except OSError:
        return True  # vanished or unreadable: examine() gives it its outcome
    return (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
