"""What the CLI and the gateway call: a user's neighbours of a photo, from the book brought up to date with the store
or from the search engine when it keeps the embeddings itself."""
from __future__ import annotations

from pathlib import Path

from services.search.index.port import Index
from services.search.store import RecordStore
from services.similar.book import SimilarBook
from services.similar.settings import SimilarSettings


def open_book(data_dir: Path) -> SimilarBook:
    return SimilarBook(data_dir / "similar.db")


class Neighbours:
    """One user's similar photos as the search API asks for them (search.api.SimilarLookup)."""

    def __init__(self, book: SimilarBook, store: RecordStore, roots: list[str] | None,
                 settings: SimilarSettings | None = None):
        self.book, self.store, self.roots, self.settings = book, store, roots, settings

    def __call__(self, photo: str) -> list[tuple[str, float]] | None:
        self.book.follow(self.store.changed_since)
        return self.book.neighbours(photo, self.roots, neighbour_count(self.settings))


class IndexNeighbours:
    """One user's similar photos from a search engine that keeps the embeddings itself (Elasticsearch's kNN)."""

    def __init__(self, index: Index, roots: list[str] | None, settings: SimilarSettings | None = None):
        self.index, self.roots, self.settings = index, roots, settings

    def __call__(self, photo: str) -> list[tuple[str, float]] | None:
        return self.index.neighbours(photo, self.roots, neighbour_count(self.settings))


def neighbour_count(settings: SimilarSettings | None) -> int:
    """How many neighbours to give, read from the settings only when a search asks for similar photos (a lookup is
    made for every search: reading the environment there cost a third of a search's time on the event loop)."""
    return (settings or SimilarSettings()).count


def lookup(index: Index, book: SimilarBook, store: RecordStore, roots: list[str] | None) -> Neighbours | IndexNeighbours:
    """Her similar photos from the engine when it keeps the embeddings (Elasticsearch), else from the book."""
    return IndexNeighbours(index, roots) if index.holds_vectors else Neighbours(book, store, roots)
