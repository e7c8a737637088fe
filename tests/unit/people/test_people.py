"""People per owner over a real record store: clustering, naming, merging, scoping, restart and reprocess."""
import numpy as np
import pytest

from proto import embedding, pb
from services.people.book import PersonError
from services.people.service import open_book, refreshed
from services.people.settings import PeopleSettings
from services.search.store import RecordStore

RNG = np.random.default_rng(7)
ANNA, TOM, EVE = (RNG.standard_normal(1024) for _ in range(3))


def look(person: np.ndarray, noise: float = 0.3) -> bytes:
    """A face of that person: her identity plus a little noise (cosine to her identity about 0.96)."""
    return embedding.pack(person + noise * RNG.standard_normal(1024))


def photo(photo_id: str, path: str, *faces: bytes, box=(0.1, 0.1, 0.3, 0.3)) -> pb.Record:
    return pb.Record(id=photo_id, paths=[path], file=pb.FileFacts(path=path), vision=pb.VisionResult(faces=[
        pb.Face(box=pb.Box(x1=box[0] + i * 0.4, y1=box[1], x2=box[2] + i * 0.4, y2=box[3]), embedding=face)
        for i, face in enumerate(faces)]))


@pytest.fixture
def store(tmp_path):
    store = RecordStore(tmp_path / "picsift.db")
    yield store
    store.close()


@pytest.fixture
def book(tmp_path):
    book = open_book(tmp_path, PeopleSettings())
    yield book
    book.close()


def add(store, *records):
    for record in records:
        store.merge(record)


def listed(book, store, owner="", roots=None):
    return refreshed(book, store, owner, roots).people(owner, roots)


def test_faces_of_one_person_become_one_unnamed_person_and_a_lone_face_none(book, store):
    add(store, photo("a1", "/m/a1.jpg", look(ANNA)), photo("a2", "/m/a2.jpg", look(ANNA), look(TOM)),
        photo("a3", "/m/a3.jpg", look(ANNA)), photo("t1", "/m/t1.jpg", look(TOM)), photo("e1", "/m/e1.jpg", look(EVE)))
    people = listed(book, store)
    assert [(p["name"], p["faces"], p["photos"]) for p in people] == [(None, 3, 3), (None, 2, 2)]
    shown = book.photos("", None, people[1]["id"])
    assert [(p["id"], p["face"]) for p in shown["photos"]] == [("a2", 1), ("t1", 0)]


def test_naming_and_a_name_in_use_merges(book, store):
    add(store, photo("a1", "/m/a1.jpg", look(ANNA)), photo("a2", "/m/a2.jpg", look(ANNA)),
        photo("t1", "/m/t1.jpg", look(TOM)), photo("t2", "/m/t2.jpg", look(TOM)))
    first, second = listed(book, store)
    assert book.name("", first["id"], "  Anna  ") == {"id": first["id"], "name": "Anna"}
    merged = book.name("", second["id"], "anna")
    assert merged == {"id": first["id"], "name": "Anna"}
    assert [(p["id"], p["name"], p["faces"]) for p in book.people("", None)] == [(first["id"], "Anna", 4)]
    with pytest.raises(PersonError):
        book.photos("", None, second["id"])
    with pytest.raises(PersonError):
        book.name("", first["id"], "   ")


def test_merge_keeps_the_survivors_name_else_takes_the_other(book, store):
    add(store, *(photo(f"{w}{i}", f"/m/{w}{i}.jpg", look(p)) for w, p in (("a", ANNA), ("t", TOM), ("e", EVE))
                 for i in range(2)))
    a, t, e = sorted(listed(book, store), key=lambda p: p["id"])
    book.name("", a["id"], "Anna")
    assert book.merge("", a["id"], t["id"]) == {"id": t["id"], "name": "Anna"}
    book.name("", e["id"], "Eve")
    assert book.merge("", t["id"], e["id"]) == {"id": e["id"], "name": "Eve"}
    assert [(p["name"], p["faces"]) for p in book.people("", None)] == [("Eve", 6)]
    with pytest.raises(PersonError):
        book.merge("", e["id"], e["id"])


def test_a_new_photo_joins_the_named_person_without_renaming(book, store):
    add(store, photo("a1", "/m/a1.jpg", look(ANNA)), photo("a2", "/m/a2.jpg", look(ANNA)))
    (anna,) = listed(book, store)
    book.name("", anna["id"], "Anna")
    add(store, photo("a3", "/m/a3.jpg", look(ANNA)), photo("a4", "/m/a4.jpg", look(ANNA)))
    assert listed(book, store) == [{"id": anna["id"], "name": "Anna", "faces": 4, "photos": 4}]


def test_owners_see_people_of_their_roots_only_and_names_are_theirs(book, store):
    add(store, photo("a1", "/alice/a1.jpg", look(ANNA)), photo("a2", "/alice/a2.jpg", look(ANNA)),
        photo("a3", "/bob/a3.jpg", look(ANNA)), photo("a4", "/bob/a4.jpg", look(ANNA)),
        photo("t1", "/bob/t1.jpg", look(TOM)), photo("t2", "/bob/t2.jpg", look(TOM)))
    (alices,) = listed(book, store, "alice", ["/alice"])
    book.name("alice", alices["id"], "Anna")
    bobs = listed(book, store, "bob", ["/bob"])
    assert [(p["name"], p["faces"]) for p in bobs] == [(None, 2), (None, 2)]
    assert all(p["id"] != alices["id"] for p in bobs)
    assert {p["path"] for p in book.photos("alice", ["/alice"], alices["id"])["photos"]} == {"/alice/a1.jpg",
                                                                                            "/alice/a2.jpg"}
    for attempt in (lambda: book.photos("bob", ["/bob"], alices["id"]),
                    lambda: book.name("bob", alices["id"], "Mallory"),
                    lambda: book.merge("bob", bobs[0]["id"], alices["id"])):
        with pytest.raises(PersonError):
            attempt()
    assert book.people("alice", ["/alice"])[0]["name"] == "Anna"
    # roots she no longer has: her people show nothing from there
    assert book.people("alice", ["/elsewhere"]) == []
    assert book.photos("alice", ["/elsewhere"], alices["id"])["photos"] == []


def test_names_survive_a_restart_and_a_reprocess(tmp_path, store):
    add(store, photo("a1", "/m/a1.jpg", look(ANNA)), photo("a2", "/m/a2.jpg", look(ANNA)))
    book = open_book(tmp_path, PeopleSettings())
    (anna,) = listed(book, store)
    book.name("", anna["id"], "Anna")
    book.close()
    book = open_book(tmp_path, PeopleSettings())
    try:
        # vision runs again (a new model): new embeddings, boxes a little off; a new photo arrives with them
        add(store, photo("a1", "/m/a1.jpg", look(ANNA), box=(0.11, 0.1, 0.31, 0.3)),
            photo("a2", "/m/a2.jpg", look(ANNA), box=(0.1, 0.12, 0.3, 0.31)), photo("a5", "/m/a5.jpg", look(ANNA)))
        assert listed(book, store) == [{"id": anna["id"], "name": "Anna", "faces": 3, "photos": 3}]
    finally:
        book.close()


def test_a_removed_photo_leaves_its_person(book, store):
    add(store, *(photo(f"a{i}", f"/m/a{i}.jpg", look(ANNA)) for i in range(3)))
    assert listed(book, store)[0]["faces"] == 3
    store.remove_path("/m/a0.jpg", "a0")
    assert listed(book, store)[0]["faces"] == 2
