"""The photo id: SHA-256 of the whole file, streamed in large blocks."""
import hashlib
import os
from pathlib import Path

BLOCK = 1 << 20


def sha256_file(path: Path) -> str:
    """A link as the last part of the path is not followed (OSError ELOOP): ingest never reads through links."""
    digest = hashlib.sha256()
    with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW)) as f:
        while block := f.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()
