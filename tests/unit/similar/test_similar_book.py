"""The similar-photos book over a real record store: neighbours by embedding, adds, changes and removals followed
from the store, per-user scoping, the graph path and the exact path agreeing."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from proto import embedding, pb
from services.search.store import RecordStore
from services.similar import book as similar_book
from services.similar.service import Neighbours, open_book
from services.similar.settings import SimilarSettings

RNG = np.random.default_rng(11)
CATS, CARS = RNG.standard_normal(1280), RNG.standard_normal(1280)
ALICE, BOB = "/media/alice", "/media/bob"


def look(kind: np.ndarray, noise: float) -> bytes:
    """A photo of that kind: the kind's vector plus noise (more noise, less alike)."""
    return embedding.pack(kind + noise * RNG.standard_normal(1280))


def photo(photo_id: str, path: str, vector: bytes | None) -> pb.Record:
    record = pb.Record(id=photo_id, paths=[path], file=pb.FileFacts(path=path))
    if vector is not None:
        record.vision.CopyFrom(pb.VisionResult(embedding=vector))
    return record


@pytest.fixture
def opened(tmp_path):
    """A record store and the similar book beside it."""
    store, book = RecordStore(tmp_path / "picsift.db"), open_book(tmp_path)
    yield store, book
    book.close()
    store.close()


def library(store):
    cat = look(CATS, 0.1)
    store.merge_many([photo("cat", f"{ALICE}/cat.jpg", cat), photo("cat-close", f"{ALICE}/a/cat2.jpg", look(CATS, 0.3)),
                      photo("cat-far", f"{ALICE}/a/cat3.jpg", look(CATS, 1.0)),
                      photo("car", f"{ALICE}/car.jpg", look(CARS, 0.3)),
                      photo("bob-cat", f"{BOB}/cat.jpg", look(CATS, 0.05)),
                      photo("pending", f"{ALICE}/new.jpg", None)])


def test_neighbours_are_ranked_by_similarity_within_her_roots(opened):
    store, book = opened
    library(store)
    mine = Neighbours(book, store, [ALICE], SimilarSettings(count=10))
    found = mine("cat")
    assert [p for p, _ in found] == ["cat-close", "cat-far", "car"]  # not the photo itself, not bob's
    similarity = [s for _, s in found]
    assert similarity == sorted(similarity, reverse=True) and similarity[0] > 0.9 and abs(similarity[-1]) < 0.2
    assert [p for p, _ in Neighbours(book, store, None, SimilarSettings(count=2))("cat")] == ["bob-cat", "cat-close"]
    assert Neighbours(book, store, [BOB])("cat") is None  # she may not name a photo she cannot see
    assert Neighbours(book, store, [ALICE])("no-such-photo") is None
    assert mine("pending") == []  # hers, no embedding yet
    assert Neighbours(book, store, [])("cat") is None


def test_adds_changes_and_removals_follow_the_store(opened):
    store, book = opened
    library(store)
    mine = Neighbours(book, store, [ALICE])
    assert [p for p, _ in mine("cat")][:1] == ["cat-close"]
    store.merge(photo("pending", f"{ALICE}/new.jpg", look(CATS, 0.05)))  # vision caught up
    assert [p for p, _ in mine("cat")][:1] == ["pending"]
    store.merge(photo("pending", f"{ALICE}/new.jpg", look(CARS, 0.05)))  # vision ran again, saw otherwise
    assert [p for p, _ in mine("car")][:1] == ["pending"] and mine("cat")[-1][0] in ("pending", "car")
    store.remove_path(f"{ALICE}/a/cat2.jpg", "cat-close")
    assert "cat-close" not in [p for p, _ in mine("cat")]
    assert mine("cat-close") is None


def test_another_process_sees_what_one_followed(tmp_path, opened):
    store, _ = opened
    library(store)
    first = open_book(tmp_path)
    assert [p for p, _ in Neighbours(first, store, [ALICE])("cat")][:1] == ["cat-close"]
    second = open_book(tmp_path)  # opened after: loads its graph from the table
    store.merge(photo("pending", f"{ALICE}/new.jpg", look(CATS, 0.05)))
    assert [p for p, _ in Neighbours(first, store, [ALICE])("cat")][:1] == ["pending"]
    assert [p for p, _ in Neighbours(second, store, [ALICE])("cat")][:1] == ["pending"]  # first moved the feed on
    first.close()
    second.close()


def test_the_graph_finds_what_exact_comparison_finds_within_a_small_share(opened, monkeypatch):
    """Many photos, hers a tenth of them: through the HNSW graph (oversampled for her share) the same neighbours
    as comparing her photos one by one, and the same similarity."""
    store, book = opened
    kinds = RNG.standard_normal((20, 1280))
    records = [photo(f"p{i:04d}", f"{ALICE if i % 10 == 0 else BOB}/{i}.jpg", look(kinds[i % 20], 0.8))
               for i in range(2000)]
    store.merge_many(records)
    exact = Neighbours(book, store, [ALICE], SimilarSettings(count=10))("p0000")
    monkeypatch.setattr(similar_book, "EXACT_FACTOR", 0)
    graph = Neighbours(book, store, [ALICE], SimilarSettings(count=10))("p0000")
    assert len(exact) == 10 and all(p.startswith("p") and int(p[1:]) % 10 == 0 for p, _ in graph)
    assert len({p for p, _ in exact} & {p for p, _ in graph}) >= 9
    assert [p for p, _ in exact][:3] == [p for p, _ in graph][:3]
    assert dict(exact).items() & dict(graph).items()


def test_a_process_holding_a_graph_still_loads_the_vision_runtime(tmp_path):
    """usearch loaded before ONNX Runtime crashes the process on the latter's import (services/pipeline/hnsw.py):
    a gateway holding the book, then vision's first photo, in one `picsift up`."""
    code = ("import sys; from pathlib import Path; from services.similar.service import open_book; "
            "open_book(Path(sys.argv[1])).close(); import onnxruntime")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])})
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_book_that_filed_many_saves_its_graph_for_the_next_process(tmp_path, opened, monkeypatch):
    """Closing after many additions saves the graph beside the book; the next process starts from it and adds only
    what was filed after; a graph saved for another book (the file deleted and made again) is never read."""
    store, book = opened
    monkeypatch.setattr(similar_book, "SAVE_AFTER", 3)
    library(store)
    before = Neighbours(book, store, [ALICE])("cat")
    book.close()
    (saved,) = tmp_path.glob("similar.db.graph-*")
    store.merge(photo("pending", f"{ALICE}/new.jpg", look(CATS, 0.05)))
    again = open_book(tmp_path)
    after = Neighbours(again, store, [ALICE])("cat")
    assert after[0][0] == "pending" and after[1:] == before
    again.close()
    for path in tmp_path.glob("similar.db*"):
        if path != saved:
            path.unlink()
    store.merge(photo("cat-close", f"{ALICE}/a/cat2.jpg", look(CARS, 0.05)))  # seen again: a car after all
    fresh = open_book(tmp_path)  # a new book: the old graph is not its own
    assert [p for p, _ in Neighbours(fresh, store, [ALICE])("car")][:1] == ["cat-close"]
    monkeypatch.setattr(similar_book, "SAVE_AFTER", 10**6)
    fresh.close()  # saves nothing: the next process reads the table, never the other book's graph
    later = open_book(tmp_path)
    assert [p for p, _ in Neighbours(later, store, [ALICE])("car")][:1] == ["cat-close"]
    later.close()
