"""What the CLI and the gateway call: the owner's people, brought up to date with the record store first."""
from __future__ import annotations

from pathlib import Path

from services.people.book import PeopleBook
from services.people.settings import PeopleSettings
from services.search.store import RecordStore


def open_book(data_dir: Path, settings: PeopleSettings | None = None) -> PeopleBook:
    return PeopleBook(data_dir / "people.db", (settings or PeopleSettings()).match)


class NamedPeople:
    """One owner's people as the search API asks for them (search.api.PeopleLookup): her names, and a person's
    faces once the store's new faces are placed."""

    def __init__(self, book: PeopleBook, store: RecordStore, owner: str, roots: list[str] | None):
        self.book, self.store, self.owner, self.roots = book, store, owner, roots

    def names(self) -> frozenset[str]:
        return self.book.names(self.owner)

    def faces(self, name: str) -> frozenset[tuple[str, int]]:
        return refreshed(self.book, self.store, self.owner, self.roots).faces_named(self.owner, name)


def refreshed(book: PeopleBook, store: RecordStore, owner: str, roots: list[str] | None) -> PeopleBook:
    """Follow the store's changes, then place the owner's new faces; cheap when nothing changed."""
    book.follow(store.changed_since)
    book.cluster(owner, roots)
    return book
