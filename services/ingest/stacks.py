"""RAW+JPEG stacks: a raw beside a JPEG or HEIF of the same name stem is that photo's raw file, not a photo alone."""
from __future__ import annotations

from pathlib import Path

from services.imaging.raw import RAW_FORMATS, raw_format

PRIMARY_SUFFIXES = (".jpg", ".jpeg", ".heic", ".heif", ".hif")  # what cameras and phones write beside a raw


def stack_primary(path: Path) -> Path | None:
    """For a raw file, the JPEG or HEIF it was shot with (same folder and stem), if there is one."""
    if not raw_format(path):
        return None
    return next(iter(_siblings(path, PRIMARY_SUFFIXES)), None)


def stack_members(path: Path) -> list[str]:
    """For a JPEG or HEIF, the raw files shot with it, sorted by name."""
    if path.suffix.lower() not in PRIMARY_SUFFIXES:
        return []
    return sorted(str(p) for p in _siblings(path, tuple(RAW_FORMATS)))


def _siblings(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Files beside path with the same stem and one of the suffixes, in either letter case."""
    found = []
    for suffix in suffixes:
        for spelled in dict.fromkeys((suffix, suffix.upper())):
            sibling = path.with_suffix(spelled)
            if sibling != path and sibling.is_file():
                found.append(sibling)
    return found
