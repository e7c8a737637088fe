"""Terms every photo gets from where it lives: folder names below the media root, file name words, file date."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from proto import pb

WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def path_terms(path: Path, root: Path, mtime: float) -> list[pb.Term]:
    """Folders as whole names and as words; file-name words; year and month of the file's time."""
    relative = path.relative_to(root)
    terms: list[pb.Term] = []
    seen: set[tuple[str, str]] = set()

    def add(key: str, value: str, weight: float) -> None:
        if value and (key, value) not in seen:
            seen.add((key, value))
            terms.append(pb.Term(key=key, value=value, source="path", weight=weight))

    for folder in relative.parts[:-1]:
        add("folder", folder.lower(), 1.0)
        for word in WORD.findall(folder.lower()):
            add("path", word, 0.8)
    for word in WORD.findall(relative.stem.lower()):
        add("path", word, 0.5)
    when = datetime.fromtimestamp(mtime, tz=timezone.utc)
    terms.append(pb.Term(key="file_year", value=str(when.year), source="file", weight=0.3))
    terms.append(pb.Term(key="file_month", value=when.strftime("%B").lower(), source="file", weight=0.3))
    return terms
