"""Which photo a camera raw is stacked with: a folder is listed once per change, not once per raw in it."""
from __future__ import annotations

import os
import time
from functools import lru_cache
from pathlib import Path

from services.media.formats import is_candidate, is_raw

FOLDERS_REMEMBERED = 256
SETTLED_NS = 2_000_000_000  # a folder changed this recently may change again within its mtime's granularity


def stack_lead(path: Path) -> Path | None:
    """The JPEG (or other non-raw photo) beside a camera raw with the same name: the raw joins its stack."""
    if not is_raw(path):
        return None
    folder = path.parent
    mtime_ns = folder.stat().st_mtime_ns
    settled = time.time_ns() - mtime_ns > SETTLED_NS
    list_leads = _leads_by_stem if settled else _leads_by_stem.__wrapped__
    return list_leads(str(folder), mtime_ns).get(path.stem.lower())


@lru_cache(maxsize=FOLDERS_REMEMBERED)
def _leads_by_stem(folder: str, mtime_ns: int) -> dict[str, Path]:
    """Each lower-case name stem in the folder to its first non-raw photo by name; keyed by the folder's mtime,
    which every added, removed or renamed entry changes, so a stale listing is never used."""
    leads: dict[str, Path] = {}
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = Path(entry.path)
            if is_candidate(path) and not is_raw(path) and entry.is_file():
                leads.setdefault(path.stem.lower(), path)
    return leads
