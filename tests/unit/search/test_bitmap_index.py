"""The bitmap index follows the record store: other processes' writes, updates and removals are seen."""
from __future__ import annotations

from proto import pb
from services.search.api import SearchService
from services.search.index.bitmap import BitmapIndex
from services.search.store import RecordStore


def photo(photo_id: str, path: str, *labels: str) -> pb.Record:
    record = pb.Record(id=photo_id, paths=[path])
    record.file.path, record.file.root, record.file.mtime = path, "/m", 1_000_000
    record.terms.extend(pb.Term(key="label", value=label, source="classifier", weight=0.9) for label in labels)
    return record


def found(index: BitmapIndex, text: str) -> list[str]:
    return [hit["id"] for hit in SearchService(index).search_sync(text, ["/m"])["hits"]]


def test_a_reader_opened_before_the_writes_sees_them(tmp_path):
    path = tmp_path / "p.db"
    store, reader = RecordStore(path), BitmapIndex.open(path)  # as the gateway beside an indexer process
    assert found(reader, "zebra") == []
    store.merge(photo("a1", "/m/zoo/a1.jpg", "zebra"))
    assert found(reader, "zebra") == ["a1"]
    store.remove_path("/m/zoo/a1.jpg")
    assert found(reader, "zebra") == []
    reader.close()
    store.close()


def test_an_update_replaces_the_photos_own_terms_only(tmp_path):
    store = RecordStore(tmp_path / "p.db")
    index = BitmapIndex(store)
    for record in (photo("a1", "/m/a1.jpg", "zebra"), photo("a2", "/m/a2.jpg", "zebra", "lion")):
        index.upsert(store.merge(record))
    changed = photo("a2", "/m/a2.jpg", "tiger")
    changed.ClearField("terms")
    changed.semantic.terms.append(pb.Term(key="label", value="tiger", source="classifier", weight=0.9))
    index.upsert(store.merge(changed))  # the merged record keeps zebra and lion, and gains tiger
    assert found(index, "tiger") == ["a2"] and set(found(index, "zebra")) == {"a1", "a2"}
    replaced = store.get("a2")
    replaced.ClearField("terms")
    index.upsert(replaced)
    assert found(index, "zebra") == ["a1"] and found(index, "lion") == [] and found(index, "tiger") == ["a2"]
    store.close()
