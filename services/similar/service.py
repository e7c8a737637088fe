"""What the CLI and the gateway call: a user's neighbours of a photo, the book brought up to date with the store."""
from __future__ import annotations

from pathlib import Path

from services.search.store import RecordStore
from services.similar.book import SimilarBook
from services.similar.settings import SimilarSettings


def open_book(data_dir: Path) -> SimilarBook:
    return SimilarBook(data_dir / "similar.db")


class Neighbours:
    """One user's similar photos as the search API asks for them (search.api.SimilarLookup)."""

    def __init__(self, book: SimilarBook, store: RecordStore, roots: list[str] | None,
                 settings: SimilarSettings | None = None):
        self.book, self.store, self.roots = book, store, roots
        self.count = (settings or SimilarSettings()).count

    def __call__(self, photo: str) -> list[tuple[str, float]] | None:
        self.book.follow(self.store.changed_since)
        return self.book.neighbours(photo, self.roots, self.count)
