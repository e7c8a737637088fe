"""The record store: stage parts merge idempotently, paths move, hidden records keep their analysis."""
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
