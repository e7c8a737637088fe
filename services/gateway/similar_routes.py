"""Similar photos for the search API: the signed-in user's photos most like one of hers (`similar:ID`)."""
from __future__ import annotations

from aiohttp import web

from services.gateway.resources import kept_open
from services.gateway.security import session_of
from services.similar.book import SimilarBook
from services.similar.service import Neighbours, IndexNeighbours, lookup, open_book

SIMILAR = web.AppKey("similar", SimilarBook)


def open_similar(gateway):
    """The similar-photos book, opened beside the record store and closed with the app."""
    return kept_open(SIMILAR, lambda: open_book(gateway.data_dir))


def lookup_for(request: web.Request) -> Neighbours | IndexNeighbours:
    """The search API's similar-photos lookup for the signed-in user: neighbours among her photos only."""
    from services.gateway.app import gw

    gateway = gw(request)
    return lookup(gateway.search.index, request.app[SIMILAR], gateway.store, list(session_of(request).user.roots))
