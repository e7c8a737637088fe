"""Downloads: originals saved under their own names, and a selection as a zip streamed while it is read."""
from __future__ import annotations

import re
from urllib.parse import quote

UNSAFE = re.compile(r'[^\x20-\x7e]|["\\]')


def attachment(name: str) -> str:
    """A Content-Disposition saving the file under this name (RFC 6266: an ASCII fallback, then the UTF-8 name)."""
    fallback = UNSAFE.sub("_", name) or "photo"
    return f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(name.encode("utf-8", "surrogateescape"), safe="")}'
