"""Containment by real paths: what a user's media folder holds is what lies inside it on disk, not what its names
say. Symbolic links are never followed: a link could lead to another user's photos or to the thumbnail store."""
from __future__ import annotations

import os
from pathlib import Path

LINK_OUTSIDE = "symbolic link leading outside the media root: not followed"
LINK_INSIDE = "symbolic link within the media root: not followed (its target is indexed at its own path)"
LINK_TO_FOLDER = "symbolic link to a folder: not followed"
LINK_FOLDER = "inside a symbolic link to a folder: not followed"


class OutsideRoots(OSError):
    """The file is not, on disk, inside the roots it was asked for under."""


def is_inside(path: str, roots: list[str] | tuple[str, ...]) -> bool:
    """Whether a real path lies below one of the roots, each root taken at its own real path."""
    return any(path.startswith(os.path.realpath(root).rstrip("/") + "/") for root in roots)


def link_reason(path: Path, root: Path) -> str | None:
    """Why a file is not followed (it is a symbolic link, leading out of the root or not; or a folder between the root
    and it is one), or None."""
    if path.is_symlink():
        return LINK_INSIDE if is_inside(os.path.realpath(path), [str(root)]) else LINK_OUTSIDE
    try:
        below = path.parent.relative_to(root)
    except ValueError:
        return None
    if Path(os.path.realpath(path.parent)) != Path(os.path.realpath(root)) / below:
        return LINK_FOLDER  # a link to another user's folder made under hers: its files are not hers
    return None


def open_inside(path: str, roots: list[str] | tuple[str, ...]) -> int:
    """A read-only descriptor of the file, checked after it is open: no link as its last part (O_NOFOLLOW), and
    the file the descriptor holds (Linux's /proc/self/fd) inside the roots, so no link swapped in between a check
    and the open can lead elsewhere. The caller closes it."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if not is_inside(os.readlink(f"/proc/self/fd/{fd}"), roots):
            raise OutsideRoots(f"{path} is not inside the user's media folders on disk")
        return fd
    except BaseException:
        os.close(fd)
        raise


def exposing_root(data_dir: Path, roots: list[Path]) -> Path | None:
    """The media root the data folder (thumbnails of every user's photos) would be indexed from, if any: one it lies
    inside, except below a hidden folder (hidden folders are never indexed)."""
    data = Path(os.path.realpath(data_dir))
    for root in roots:
        real = Path(os.path.realpath(root))
        if data == real or real in data.parents:
            if not any(part.startswith(".") for part in data.relative_to(real).parts):
                return root
    return None
