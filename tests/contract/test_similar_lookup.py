"""One contract for a user's similar photos over both places embeddings are kept: the similar book beside the record
store (usearch; the embedded default) and Elasticsearch's `dense_vector` kNN (the distributed mode), and `similar:ID`
through the search API on each. Elasticsearch here is noida-db, a stand-in (see tests/fixtures/elastic.py)."""
from __future__ import annotations

import uuid

import numpy as np
import pytest

from proto import embedding, pb
from services.search.api import SearchService
from services.search.index.bitmap import BitmapIndex
from services.search.index.elastic import ElasticIndex
from services.search.store import RecordStore
from services.similar.service import lookup, open_book

ALICE, BOB = "/media/alice", "/media/bob"
RNG = np.random.default_rng(21)
BEACH, CITY = np.abs(RNG.standard_normal(1280)), np.abs(RNG.standard_normal(1280))



def look(kind: np.ndarray, noise: float) -> bytes:
    """A photo of that kind (the further from it, the less alike), as vision packs it (features are never negative)."""
    return embedding.pack(np.maximum(kind + noise * RNG.standard_normal(1280), 0))


# (id, path, packed embedding): bob's beach is the nearest of all to a1; a5 has none yet
PHOTOS = [("a1", f"{ALICE}/beach/1.jpg", look(BEACH, 0.2)), ("a2", f"{ALICE}/beach/2.jpg", look(BEACH, 0.5)),
          ("a3", f"{ALICE}/beach/3.jpg", look(BEACH, 1.0)), ("a4", f"{ALICE}/city/4.jpg", look(CITY, 0.3)),
          ("b1", f"{BOB}/beach.jpg", look(BEACH, 0.1)), ("a5", f"{ALICE}/new.jpg", b"")]


def record(photo_id: str, path: str, packed: bytes) -> pb.Record:
    r = pb.Record(id=photo_id, paths=[path])
    r.file.path, r.file.root = path, path.rsplit("/", 1)[0]
    r.terms.append(pb.Term(key="folder", value=path.split("/")[3].removesuffix(".jpg"), source="path", weight=1.0))
    r.vision.embedding = packed
    return r


@pytest.fixture(params=["bitmap", "elasticsearch"])
def library(request, tmp_path):
    """(search service, a lookup factory for roots) over the photos, on the parametrized engine."""
    store = RecordStore(tmp_path / "picsift.db")
    book = open_book(tmp_path)
    if request.param == "bitmap":
        index = BitmapIndex(store)
    else:
        index = ElasticIndex(request.getfixturevalue("elastic_url"), f"test-{uuid.uuid4().hex[:10]}", refresh=True)
    index.upsert_many([store.merge(record(*photo)) for photo in PHOTOS])
    yield SearchService(index), lambda roots: lookup(index, book, store, roots)
    index.close()
    book.close()
    store.close()


def test_neighbours_are_hers_most_alike_first(library):
    _, lookup_for = library
    alice, everyone = lookup_for([ALICE]), lookup_for(None)
    mine = alice("a1")
    assert [p for p, _ in mine] == ["a2", "a3", "a4"]  # not itself, not bob's, the city last
    similarity = [s for _, s in mine]
    assert similarity == sorted(similarity, reverse=True) and similarity[0] > 0.8 > similarity[-1]
    assert [p for p, _ in everyone("a1")][:2] == ["b1", "a2"]
    assert alice("b1") is None and alice("nobody") is None  # she may not name a photo she cannot see
    assert alice("a5") == []  # hers, no embedding yet
    assert lookup_for([BOB])("b1") == []  # his only photo: nothing like it among his


def test_the_engines_give_the_cosine_similarity(library):
    """Within what int8 vectors in the graph keep of it."""
    _, lookup_for = library
    asked = embedding.unpack(PHOTOS[0][2])
    expected = {photo: float(embedding.unpack(packed) @ asked) for photo, _, packed in PHOTOS[1:4]}
    assert dict(lookup_for([ALICE])("a1")) == pytest.approx(expected, abs=0.01)


def test_similar_id_through_the_search_api(library):
    service, lookup_for = library
    found = service.search_sync("similar:a1", [ALICE], similar=lookup_for([ALICE]))
    assert [h["id"] for h in found["hits"]] == ["a2", "a3", "a4"] and found["total"] == 3
    assert [h["id"] for h in service.search_sync("similar:a1 folder:beach", [ALICE],
                                                 similar=lookup_for([ALICE]))["hits"]] == ["a2", "a3"]
    assert service.search_sync("similar:b1", [ALICE], similar=lookup_for([ALICE]))["total"] == 0


def test_an_elasticsearch_index_made_before_embeddings_gains_the_field(elastic_url, tmp_path):
    """Opening an index made without `embedding` adds the dense_vector (adding a field is allowed), so reprocessed
    photos can be found by `similar:`."""
    from elasticsearch import Elasticsearch

    from services.search.index.elastic import MAPPINGS

    name = f"test-{uuid.uuid4().hex[:10]}"
    older = {**MAPPINGS, "properties": {k: v for k, v in MAPPINGS["properties"].items() if k != "embedding"}}
    with Elasticsearch(elastic_url) as client:
        client.indices.create(index=name, mappings=older)
    store, book = RecordStore(tmp_path / "picsift.db"), open_book(tmp_path)
    index = ElasticIndex(elastic_url, name, refresh=True)
    index.upsert_many([store.merge(record(*photo)) for photo in PHOTOS])
    assert [p for p, _ in lookup(index, book, store, [ALICE])("a1")] == ["a2", "a3", "a4"]
    index.close()
    book.close()
    store.close()
