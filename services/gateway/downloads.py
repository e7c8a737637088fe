"""Downloads: originals saved under their own names, and a selection as a zip streamed while it is read."""
from __future__ import annotations

import mimetypes
import os
import re
import shutil
import time
import zipfile
from pathlib import PurePath
from typing import Callable
from urllib.parse import quote

UNSAFE = re.compile(r'[^\x20-\x7e]|["\\]')


def attachment(name: str, kind: str = "attachment") -> str:
    """A Content-Disposition saving the file under this name (RFC 6266: an ASCII fallback, then the UTF-8 name);
    kind "inline" shows it in the browser, still saved under its name."""
    fallback = UNSAFE.sub("_", name) or "photo"
    return f'{kind}; filename="{fallback}"; filename*=UTF-8\'\'{quote(name.encode("utf-8", "surrogateescape"), safe="")}'


def media_type(name: str) -> str:
    """The file's media type by its name (a HEIF's .hif is no AVIF); raws without one are bytes."""
    if name.lower().endswith(".hif"):
        return "image/heif"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def unique_names(paths: list[str]) -> list[str]:
    """Each file's own name, with " (2)", " (3)"… before the extension where names repeat."""
    seen: dict[str, int] = {}
    names = []
    for path in paths:
        name = PurePath(path).name or "photo"
        count = seen[name.lower()] = seen.get(name.lower(), 0) + 1
        if count > 1:
            stem, suffix = PurePath(name).stem, PurePath(name).suffix
            name = f"{stem} ({count}){suffix}"
        names.append(name)
    return names


class Sink:
    """A write-only file for zipfile (it writes data descriptors when it cannot seek) whose bytes go, in chunks, to a
    consumer that may stop it (a client gone away)."""

    CHUNK = 256 * 1024

    def __init__(self, put: Callable[[bytes], None]):
        self._put, self._buffer, self.stopped = put, bytearray(), False

    def write(self, data) -> int:
        if self.stopped:
            raise OSError("the download was stopped")
        self._buffer += data
        if len(self._buffer) >= self.CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            chunk, self._buffer = bytes(self._buffer), bytearray()
            self._put(chunk)


def write_zip(sink: Sink, entries: list[tuple[str, Callable[[], int]]]) -> list[str]:
    """Store each file (photos are compressed already) as it is read from the descriptor its opener gives; a file
    that cannot be opened now is left out and named in a last entry. Returns the names left out."""
    missing = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, opener in entries:
            try:
                source = os.fdopen(opener(), "rb")
            except OSError:
                missing.append(name)
                continue
            with source:
                stat = os.fstat(source.fileno())
                info = zipfile.ZipInfo(name, time.localtime(max(stat.st_mtime, 315532800))[:6])
                info.file_size = stat.st_size
                with archive.open(info, "w", force_zip64=stat.st_size > 2**31) as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
        if missing:
            archive.writestr("not-included.txt", "These photos could not be read when the zip was made:\n" +
                             "".join(f"{name}\n" for name in missing))
    sink.flush()
    return missing
