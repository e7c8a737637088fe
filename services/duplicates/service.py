"""What the CLI and the gateway call: the owner's groups of near-copies, brought up to date with the store first."""
from __future__ import annotations

from pathlib import Path

from services.duplicates.book import DuplicatesBook
from services.duplicates.settings import DuplicatesSettings
from services.search.store import RecordStore


def open_book(data_dir: Path, settings: DuplicatesSettings | None = None) -> DuplicatesBook:
    settings = settings or DuplicatesSettings()
    return DuplicatesBook(data_dir / "duplicates.db", settings.phash, settings.dhash)


def groups(book: DuplicatesBook, store: RecordStore, roots: list[str] | None) -> dict:
    """Follow the store's changes, then the groups of photos under the roots (None: the whole library)."""
    book.follow(store.changed_since)
    return {"groups": book.groups(roots)}
