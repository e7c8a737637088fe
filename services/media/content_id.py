"""The photo id: SHA-256 of the whole file, streamed in large blocks (ingest names photos by it; the gateway checks
a file still holds the photo before making its preview)."""
import hashlib
import os
from pathlib import Path
from typing import BinaryIO

BLOCK = 1 << 20


def sha256_file(path: Path) -> str:
    """A link as the last part of the path is not followed (OSError ELOOP): ingest never reads through links."""
    with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW)) as f:
        return sha256_stream(f)


def sha256_stream(f: BinaryIO) -> str:
    """The id of what the open file holds, read from where it stands to its end."""
    digest = hashlib.sha256()
    while block := f.read(BLOCK):
        digest.update(block)
    return digest.hexdigest()
