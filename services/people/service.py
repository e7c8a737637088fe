"""What the CLI and the gateway call: the owner's people, brought up to date with the record store first."""
from __future__ import annotations

from pathlib import Path

from services.people.book import PeopleBook
from services.people.settings import PeopleSettings
from services.search.store import RecordStore


def open_book(data_dir: Path, settings: PeopleSettings | None = None) -> PeopleBook:
    return PeopleBook(data_dir / "people.db", (settings or PeopleSettings()).match)


def refreshed(book: PeopleBook, store: RecordStore, owner: str, roots: list[str] | None) -> PeopleBook:
    """Follow the store's changes, then place the owner's new faces; cheap when nothing changed."""
    book.follow(store.changed_since)
    book.cluster(owner, roots)
    return book
