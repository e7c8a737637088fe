"""The record store: stage parts merge idempotently, paths move, hidden records keep their analysis."""
import sqlite3
from datetime import datetime

from proto import pb
from services.search.store import RecordStore


def part(photo_id, path=None, **fields):
    record = pb.Record(id=photo_id, **fields)
    if path:
        record.paths.append(path)
        record.file.path = path
        record.file.root = "/m"
    return record


def test_parts_merge_in_any_order_and_replays_change_nothing(tmp_path):
    store = RecordStore(tmp_path / "s.db")
    exif = part("a", exif=pb.ExifResult(make="Canon", meta=pb.StageMeta(stage="exif", version="1")))
    ingested = part("a", "/m/x.jpg", terms=[pb.Term(key="folder", value="x", source="path")])
    for message in (exif, ingested, exif, ingested):
        store.merge(message)
    record = store.get("a")
    assert record.exif.make == "Canon" and list(record.paths) == ["/m/x.jpg"] and len(record.terms) == 1
    newer = part("a", exif=pb.ExifResult(make="Canon", model="EOS", meta=pb.StageMeta(version="2")))
    assert store.merge(newer).exif.model == "EOS"


def test_removed_path_hides_record_but_a_move_brings_back_its_analysis(tmp_path):
    store = RecordStore(tmp_path / "s.db")
    store.merge(part("a", "/m/old.jpg", vision=pb.VisionResult(classes=[pb.Label(label="cat")])))
    assert store.remove_path("/m/old.jpg") == "a"
    assert store.get("a") is None and store.count() == 0
    store.merge(part("a", "/m/new.jpg"))
    assert store.get("a").vision.classes[0].label == "cat"


def test_changed_bytes_at_a_path_move_the_path_to_the_new_photo(tmp_path):
    store = RecordStore(tmp_path / "s.db")
    store.merge(part("a", "/m/x.jpg"))
    store.merge(part("b", "/m/x.jpg"))
    assert store.get("a") is None and list(store.get("b").paths) == ["/m/x.jpg"]


def _photo(photo_id, path, taken="", rating=0, city=""):
    record = part(photo_id, path)
    record.file.width, record.file.height, record.file.mtime = 4000, 3000, 1_600_000_000
    record.exif.taken_at, record.exif.taken_at_trusted, record.exif.rating = taken, bool(taken), rating
    if city:
        record.exif.has_place = True
        record.exif.place.city = city
    return record


def test_a_lists_cards_hold_what_its_tiles_show_in_the_order_asked(tmp_path):
    store = RecordStore(tmp_path / "s.db")
    store.merge(_photo("a", "/m/a.jpg", taken="2021-06-01T10:00:00", rating=4, city="Miami"))
    store.merge(_photo("b", "/m/b.jpg", rating=-1))  # rejected in the file: unrated
    store.merge(_photo("c", "/m/c.jpg", rating=9))   # nonsense: at most five stars
    store.merge(_photo("gone", "/m/gone.jpg"))
    store.remove_path("/m/gone.jpg")
    cards = store.cards(["c", "gone", "a", "missing", "b"])
    assert [card.id for card in cards] == ["c", "a", "b"]
    a, b = cards[1], cards[2]
    assert (a.paths, a.taken, a.width, a.height, a.city, a.stars) == (("/m/a.jpg",), "2021-06-01T10:00:00", 4000,
                                                                      3000, "Miami", 4)
    assert a.when == datetime.fromisoformat("2021-06-01T10:00:00").timestamp()  # the date taken, local time
    assert (b.taken, b.city, b.stars, b.when) == (None, None, 0, 1_600_000_000)  # no date: the file's time
    assert cards[0].stars == 5
    assert store.cards([]) == []


def test_records_saved_before_cards_were_kept_get_the_same_cards(tmp_path):
    store = RecordStore(tmp_path / "s.db")
    store.merge(_photo("a", "/m/a.jpg", taken="2021-06-01T10:00:00", rating=2, city="Köln"))
    store.merge(_photo("b", "/m/b.jpg"))
    kept = store.cards(["a", "b"])
    with sqlite3.connect(tmp_path / "s.db") as db:  # as an older version left them
        db.execute("DELETE FROM cards")
    assert store.cards(["a", "b"]) == kept  # made from the record meanwhile
    assert store.fill_cards(batch=1) == 2
    with sqlite3.connect(tmp_path / "s.db") as db:
        assert db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 2
    assert store.cards(["a", "b"]) == kept
    assert store.fill_cards() == 0
