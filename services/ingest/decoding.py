"""What ingest decodes of a new file, run in a decoder (services/media/decoders.py): its format and size, and the
thumbnails made at ingest."""
from __future__ import annotations

from pathlib import Path

from services.media.formats import identify
from services.media.thumbs import write_thumbnails


def decode_photo(path: Path, thumbs_dir: Path, photo_id: str, sizes: tuple[int, ...]) -> tuple[tuple, str]:
    """Identify the image, then write its thumbnails: ((format, width, height), why there are none or '')."""
    facts = identify(path)
    if not sizes:
        return facts, ""
    try:
        write_thumbnails(path, thumbs_dir, photo_id, sizes)
    except Exception as exc:  # noqa: BLE001 - any decoder error leaves a photo without thumbnails, not a crash
        return facts, f"no thumbnail: {describe(exc)}"
    return facts, ""


def describe(exc: BaseException) -> str:
    """A decoder's error in one line, with its type when the message alone says little."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

