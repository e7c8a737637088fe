"""One user's view of a photo whose bytes other users may hold too: a path, and the folder and file-name words
made from it, belong to that path; a user sees only those under her own roots."""
from __future__ import annotations

import re
from pathlib import PurePath

from proto import pb
from services.search.store import under_roots

PATH_KEYS = frozenset({"folder", "path"})  # the terms ingest makes from where a file lives
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def own_paths(paths, roots: tuple[str, ...]) -> list[str]:
    return sorted(p for p in paths if under_roots(p, roots))


def path_words(paths: list[str]) -> set[str]:
    """Every folder name and word the user's own paths could have given a term."""
    words: set[str] = set()
    for path in paths:
        for part in PurePath(path.lower()).parts:
            words.add(part)
            words.update(WORD.findall(part))
            words.update(WORD.findall(PurePath(part).stem))
    return words


def is_own_term(key: str, value: str, words: set[str]) -> bool:
    return key not in PATH_KEYS or value in words


def photo_view(view: dict, record: pb.Record, roots: tuple[str, ...]) -> dict:
    """GET /api/photos/{id}: paths, the file's own path and root, and path terms cut to the user's."""
    mine = own_paths(record.paths, roots)
    words = path_words(mine)
    view["paths"], view["path"] = mine, mine[0]
    view["stack"] = own_paths(view.get("stack", ()), roots)  # a raw beside another user's copy is hers
    if not under_roots(view["file"].get("path", ""), roots):
        view["file"]["path"] = mine[0]
        view["file"]["root"] = next((r for r in roots if under_roots(mine[0], (r,))), "")
    view["terms"] = [t for t in view["terms"] if is_own_term(t["key"], t["value"], words)]
    return view


def hit_view(hit: dict, paths: list[str]) -> dict:
    """A search hit: matched terms and explain lines from other users' paths are dropped."""
    if not any(m.split(":", 1)[0] in PATH_KEYS for m in hit["matched"]):
        return hit  # nothing matched through a path (explain lines are about the matched terms)
    words = path_words(paths)
    hit["matched"] = [m for m in hit["matched"] if is_own_term(*m.split(":", 1), words)]
    if "explain" in hit:
        hit["explain"] = [e for e in hit["explain"] if is_own_term(e["key"], e["value"], words)]
    return hit
