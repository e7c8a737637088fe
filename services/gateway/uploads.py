"""Photos uploaded from the browser, written into a folder of the user's own root: the folder walked one part at a
time from the root's descriptor without following links (and checked on disk to lie inside it), each file streamed
to a hidden temporary name (ingest never reads hidden files) within the size limit, its type checked, then linked
under its own name without replacing a file already there."""
from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path, PurePosixPath

from PIL import Image

from services.media.containment import is_inside
from services.media.decoders import Decoder, DecodeError
from services.media.formats import PILLOW_FORMATS, SUPPORTED, is_raw

DEFAULT_FOLDER = "uploads"
MAX_NAME_BYTES = 255
MAX_FOLDER_PARTS = 32


class UploadError(ValueError):
    """An upload refused, with the HTTP status that says why (400 bad name, 413 too big, 415 not a photo)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def folder_parts(folder: str) -> list[str]:
    """The parts of a folder below a root: relative, no '..', no hidden part (hidden folders are never indexed)."""
    parts = [part for part in PurePosixPath(folder.strip() or DEFAULT_FOLDER).parts if part != "."]
    if folder.startswith("/") or not parts or len(parts) > MAX_FOLDER_PARTS:
        raise UploadError("the folder is a path inside your media folder, like 'uploads' or '2024/trip'")
    for part in parts:
        if part == ".." or part.startswith(".") or "\x00" in part or len(part.encode()) > MAX_NAME_BYTES:
            raise UploadError(f"'{part}' cannot be a folder name here (no '..', no hidden folders)")
    return parts


def format_of(path: str) -> str | None:
    """The format Pillow reads the file as (its openers registered in the decoder process), or None."""
    try:
        with Image.open(path) as image:
            return image.format
    except Exception:  # noqa: BLE001 - any reader error (a bomb, a broken JPEG XL or AVIF) is "not that photo"
        return None


def file_name(name: str) -> str:
    """The uploaded file's own name (no folders), of a type picsift reads."""
    name = PurePosixPath(name.replace("\\", "/")).name.strip()
    if not name or name.startswith(".") or "\x00" in name or len(name.encode()) > MAX_NAME_BYTES - 8:
        raise UploadError("the file needs a name that is not hidden and not too long")
    if PurePosixPath(name).suffix.lower() not in SUPPORTED:
        raise UploadError(f"'{name}' is not a kind of photo picsift reads (see the README's formats)", 415)
    return name


def open_folder(root: str, parts: list[str]) -> int:
    """A descriptor of root/parts..., made where missing, each part opened without following a link and the
    result checked on disk to lie inside the root. The caller closes it."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            try:
                os.mkdir(part, 0o755, dir_fd=fd)
            except FileExistsError:
                pass
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise UploadError(f"'{part}' is a link or a file, not a folder of yours") from None
                raise
            os.close(fd)
            fd = inner
        real = os.readlink(f"/proc/self/fd/{fd}")
        if parts and not is_inside(real, [root]):
            raise UploadError("that folder is not inside your media folder on disk")
        return fd
    except BaseException:
        os.close(fd)
        raise


class Upload:
    """One file being written: write() its bytes in order, then finish() (type check, final name) or abort()."""

    def __init__(self, folder_fd: int, folder: str, name: str, limit: int):
        self.folder_fd, self.folder, self.name, self.limit = folder_fd, folder, name, limit
        self.partial = f".upload-{secrets.token_hex(8)}.part"
        self.fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                          dir_fd=folder_fd)
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise UploadError(f"'{self.name}' is larger than the upload limit of {self.limit // 2**20} MB", 413)
        view = memoryview(chunk)
        while view:
            view = view[os.write(self.fd, view):]

    def finish(self, decoder: Decoder) -> Path:
        """Check it is a photo of its kind (read by the decoder: a worker process with a time limit), then give it
        its name (or 'name (2).jpg' when that is taken)."""
        os.fsync(self.fd)
        os.close(self.fd)
        self.fd = -1
        if not self.size:
            raise UploadError(f"'{self.name}' is empty")
        self._check_type(decoder)
        stem, suffix = os.path.splitext(self.name)
        for n in range(1, 1000):
            final = self.name if n == 1 else f"{stem} ({n}){suffix}"
            try:
                os.link(self.partial, final, src_dir_fd=self.folder_fd, dst_dir_fd=self.folder_fd, follow_symlinks=False)
            except FileExistsError:
                continue
            os.unlink(self.partial, dir_fd=self.folder_fd)
            return Path(self.folder) / final
        raise UploadError(f"too many files named like '{self.name}' in that folder")

    def abort(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        try:
            os.unlink(self.partial, dir_fd=self.folder_fd)
        except FileNotFoundError:
            pass

    def _check_type(self, decoder: Decoder) -> None:
        """What the header says it is must be what its name says (a camera raw is checked by ingest, which reads
        it in a worker process). Read in the decoder's process: a small file can claim a huge image (a JPEG XL is
        decoded whole when opened), and a hostile one can crash its reader."""
        if is_raw(self.name):
            return
        wanted = PILLOW_FORMATS[os.path.splitext(self.name)[1].lower()]
        try:
            found = decoder.run(format_of, os.path.join(self.folder, self.partial))
        except DecodeError as exc:
            raise UploadError(f"'{self.name}' could not be read: {exc}", 415) from None
        if found in ("HEIF", "AVIF") and wanted in ("HEIF", "AVIF"):
            found = wanted
        if found != wanted and not (wanted == "JPEG" and found == "MPO"):
            raise UploadError(f"'{self.name}' is not a {wanted} photo" + (f" (it reads as {found})" if found else ""),
                              415)
