"""The bitmap index follows the record store: other processes' writes, updates and removals are seen."""
from __future__ import annotations

import gc

from proto import pb
from services.search.api import SearchService
from services.search.index import bitmap, snapshot
from services.search.index.bitmap import BitmapIndex
from services.search.index.postings import Postings
from services.search.store import RecordStore
from services.semantic.analyse import analyse
from services.semantic.wordnet import WordNet


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
    analysed = pb.Record(id="a2")
    analysed.semantic.terms.append(pb.Term(key="label", value="tiger", source="classifier", weight=0.9))
    index.upsert(store.merge(analysed))  # the merged record keeps zebra and lion, and gains tiger
    assert found(index, "tiger") == ["a2"] and set(found(index, "zebra")) == {"a1", "a2"}
    again = pb.Record(id="a2")  # the semantic stage run again: its part replaces the earlier one
    again.semantic.terms.append(pb.Term(key="label", value="leopard", source="classifier", weight=0.9))
    index.upsert(store.merge(again))
    assert found(index, "tiger") == [] and found(index, "leopard") == ["a2"]
    assert set(found(index, "zebra")) == {"a1", "a2"} and found(index, "lion") == ["a2"]
    store.close()


def test_a_fresh_process_opens_from_the_snapshot_and_the_changes_after_it(tmp_path):
    path = tmp_path / "p.db"
    store = RecordStore(path)
    writer = BitmapIndex(store, save_after=2)
    for n in range(3):
        writer.upsert(store.merge(photo(f"a{n}", f"/m/a{n}.jpg", "zebra")))
    saved = snapshot.load(snapshot.snapshot_dir(path))
    assert saved is not None and saved[0].terms_held("a0") == {("label", "zebra")}
    store.merge(photo("b1", "/m/b1.jpg", "okapi"))  # after the snapshot: only in the store's change log
    store.remove_path("/m/a0.jpg")
    reader = BitmapIndex.open(path)
    assert sorted(found(reader, "zebra")) == ["a1", "a2"] and found(reader, "okapi") == ["b1"]
    reader.close()
    store.close()


def test_an_interrupted_save_leaves_the_previous_snapshot(tmp_path):
    path = tmp_path / "p.db"
    store = RecordStore(path)
    index = BitmapIndex(store)
    index.upsert(store.merge(photo("a1", "/m/a1.jpg", "zebra")))
    index.save()
    folder = snapshot.snapshot_dir(path)
    (folder / "snapshot-99-1.partial").mkdir()  # a save that died before it was switched to
    (folder / "snapshot-99-1.partial" / "meta.json").write_text("{")
    loaded, seq = snapshot.load(folder)
    assert seq == 1 and loaded.terms_held("a1") == {("label", "zebra")}
    store.close()


def test_reindex_rebuilds_what_a_snapshot_of_older_code_lacks(tmp_path):
    path = tmp_path / "p.db"
    store = RecordStore(path)
    index = BitmapIndex(store)
    for n in range(3):
        index.upsert(store.merge(photo(f"a{n}", f"/m/a{n}.jpg", "zebra")))
    postings = index._postings  # a snapshot written by code that indexed a1 without its terms
    postings._remove(postings.doc_of["a1"])
    index.save()
    index.close()
    stale = BitmapIndex.open(path)
    assert sorted(found(stale, "zebra")) == ["a0", "a2"]  # following the store's changes cannot repair it
    assert stale.rebuild(store) == 3 and sorted(found(stale, "zebra")) == ["a0", "a1", "a2"]
    stale.close()
    fresh = BitmapIndex.open(path)  # the rebuilt index is what the next process opens
    assert sorted(found(fresh, "zebra")) == ["a0", "a1", "a2"]
    fresh.close()
    store.close()


def test_facet_counts_follow_writes_after_a_query(tmp_path):
    """Facet counts are made from per-chip bitmaps kept between queries: a write must show in the next counts."""
    path = tmp_path / "p.db"
    store, reader = RecordStore(path), BitmapIndex.open(path)

    def cameras() -> list[dict]:
        return SearchService(reader).search_sync("zebra", ["/m"])["facets"]["camera"]

    first = photo("a1", "/m/a1.jpg", "zebra")
    first.terms.append(pb.Term(key="camera", value="nikon", source="exif", weight=1.0))
    store.merge(first)
    assert cameras() == [{"value": "nikon", "count": 1}]
    second = photo("a2", "/m/a2.jpg", "zebra")
    second.terms.append(pb.Term(key="camera", value="nikon", source="exif", weight=1.0))
    store.merge(second)
    store.remove_path("/m/a1.jpg")
    store.merge(photo("a3", "/m/a3.jpg", "zebra"))
    third = photo("a4", "/m/a4.jpg", "zebra")
    third.terms.append(pb.Term(key="camera", value="canon", source="exif", weight=1.0))
    store.merge(third)
    assert cameras() == [{"value": "canon", "count": 1}, {"value": "nikon", "count": 1}]
    reader.close()
    store.close()


def test_ties_in_score_and_time_page_by_id(tmp_path):
    """More equal photos than a page (and than the first pages kept ranked): every page holds the next ids in
    order, none skipped or repeated."""
    import hashlib

    store = RecordStore(tmp_path / "p.db")
    index = BitmapIndex(store)
    ids = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(450)]
    index.upsert_many([store.merge(photo(photo_id, f"/m/{photo_id}.jpg", "zebra")) for photo_id in ids])
    service, pages, cursor = SearchService(index), [], None
    while True:
        answer = service.search_sync("zebra", ["/m"], cursor, 40)
        pages.append([hit["id"] for hit in answer["hits"]])
        if not (cursor := answer["next_cursor"]):
            break
    assert [photo_id for page in pages for photo_id in page] == sorted(ids)
    assert [len(page) for page in pages] == [40] * 11 + [10]
    store.close()


def test_explain_names_the_face_that_holds_each_word(tmp_path):
    store = RecordStore(tmp_path / "p.db")
    index = BitmapIndex(store)
    record = photo("f1", "/m/f1.jpg")
    for face, (gender, mood) in enumerate((("woman", "happy"), ("man", "sad")), start=1):
        record.vision.faces.append(pb.Face(age=30))
        record.semantic.terms.extend([pb.Term(key="gender", value=gender, source="face", weight=0.9, face=face),
                                      pb.Term(key="emotion", value=mood, source="face", weight=0.9, face=face)])
    index.upsert(store.merge(record))
    for text, face in (("sad man", 2), ("happy woman", 1)):
        hit = SearchService(index).search_sync(text, ["/m"], explain=True)["hits"][0]
        assert {(e["value"], e.get("face")) for e in hit["explain"]} >= {(w, face) for w in text.split()}
    store.close()


def test_pages_past_the_kept_ranking_go_on_in_order(tmp_path):
    store = RecordStore(tmp_path / "p.db")
    index = BitmapIndex(store)
    for n in range(450):  # more than the first pages a query keeps ranked
        record = photo(f"{n:04x}", f"/m/{n:04x}.jpg", "zebra")
        record.file.mtime = 1_000_000 + n
        index.upsert(store.merge(record))
    service, seen, cursor = SearchService(index), [], None
    while True:
        result = service.search_sync("zebra", ["/m"], cursor=cursor, limit=50)
        seen += [hit["id"] for hit in result["hits"]]
        if not (cursor := result["next_cursor"]):
            break
    assert seen == [f"{n:04x}" for n in reversed(range(450))]  # as good a match each: newest first, each once
    index.close()
    store.close()


def test_a_snapshot_keeps_the_files_stars_and_the_days(tmp_path):
    from services.search.index.browse import year_start

    path = tmp_path / "p.db"
    store = RecordStore(path)
    writer = BitmapIndex(store)
    for n, stars in enumerate((5, 2)):
        record = photo(f"a{n}", f"/m/a{n}.jpg", "zebra")
        record.exif.rating, record.exif.taken_at, record.exif.taken_at_trusted = stars, f"201{n}-07-04T10:00:00", True
        writer.upsert(store.merge(record))
    writer.save()
    reader = BitmapIndex.open(path)  # a fresh process: all from the snapshot
    assert found(reader, "rating:5") == ["a0"] and found(reader, "rating:..2") == ["a1"]
    assert reader.on_this_day(["/m"], 704, year_start(2020), 10) == (["a1", "a0"], 2)
    reader.close()
    store.close()


def test_a_snapshot_keeps_every_photos_forward_list_across_saves(tmp_path):
    """A photo's layers (what an update takes it out of) survive save and load: the snapshot's own, those changed
    since it, removed ones and new ones, over two saves."""
    postings = Postings()
    postings.apply([photo(f"a{n}", f"/m/a{n}.jpg", "zebra", f"tag{n}") for n in range(6)])
    snapshot.save(postings, 1, tmp_path)
    loaded, _ = snapshot.load(tmp_path)
    loaded.apply([photo("a2", "/m/a2.jpg", "okapi"), photo("a7", "/m/a7.jpg", "lion", "zebra")])  # changed, new
    loaded.apply([pb.Record(id="a4")])  # no paths and no terms now: an empty list
    snapshot.save(loaded, 2, tmp_path)
    again, _ = snapshot.load(tmp_path)
    assert again.ids == loaded.ids == ["a0", "a1", "a2", "a3", "a4", "a5", "a7"]
    for doc in range(len(loaded.ids)):
        assert again.forward(doc).tolist() == loaded.forward(doc).tolist(), loaded.ids[doc]
    assert {again.terms[again.layers[layer][0]] for layer in again.forward(2).tolist()} >= {("label", "okapi")}
    assert again.forward(4).tolist() == [] and len(again.forward(6)) > 0


class CountingStore(RecordStore):
    """The real store, counting the records the index reads from its change feed."""

    read = 0

    def changed_since(self, seq, limit=5000):
        changes = super().changed_since(seq, limit)
        self.read += len(changes)
        return changes


def test_reindex_reads_the_store_once(tmp_path):
    store = CountingStore(tmp_path / "p.db")
    for n in range(5):
        store.merge(photo(f"a{n}", f"/m/a{n}.jpg", "zebra"))
    index = BitmapIndex(store)  # no snapshot yet (or one of older code): all five are still to be taken in
    assert index.rebuild(store) == 5 and store.read == 5
    assert sorted(found(index, "zebra")) == [f"a{n}" for n in range(5)]
    index.close()
    again = BitmapIndex(store, save_after=1)  # over the snapshot just saved, of today's code: reindex still reads the store
    assert again.rebuild(store) == 5 and store.read == 10
    again.close()
    store.close()


def test_a_compounds_last_word_is_held_only_where_the_photo_is_called_by_it():
    # What the semantic stage writes for two classifier labels: a tiger shark is called a shark by its hypernyms,
    # so "shark" finds it as a label too; nothing calls a hot dog a dog.
    wordnet = WordNet()
    records = []
    for photo_id, synset in (("tigershark", "tiger_shark.n.01"), ("hotdog", "hotdog.n.02")):
        record = photo(photo_id, f"/m/{photo_id}.jpg")
        record.vision.classes.append(pb.Label(label=wordnet.words(synset)[0], wnid=wordnet.wnid(synset), score=0.9))
        record.semantic.CopyFrom(analyse(record.vision, wordnet))
        records.append(record)
    postings = Postings()
    postings.apply(records)
    assert ("label", "tiger shark") in postings.terms_held("tigershark")
    assert ("label", "shark") in postings.terms_held("tigershark")
    assert ("label", "hot dog") in postings.terms_held("hotdog")
    assert ("label", "dog") not in postings.terms_held("hotdog")


def _collected(obj) -> bool:
    """Whether Python's cyclic collector still walks the object (gc.get_objects leaves frozen ones out)."""
    return any(o is obj for o in gc.get_objects())


def test_a_loaded_or_rebuilt_index_is_left_out_of_the_cyclic_collector(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    store = RecordStore(path)
    monkeypatch.setattr(bitmap, "FREEZE_AFTER", 3)
    try:
        writer = BitmapIndex(store, save_after=2)
        for n in range(3):
            store.merge(photo(f"a{n}", f"/m/a{n}.jpg", "zebra"))
        writer.refresh()  # three photos taken in at once
        assert not _collected(writer._postings.ids)
        gc.unfreeze()
        writer.upsert(store.merge(photo("b1", "/m/b1.jpg", "okapi")))  # one more: not worth a freeze
        assert _collected(writer._postings.ids)
        writer.save()
        reader = BitmapIndex.open(path)
        assert found(reader, "okapi") == ["b1"]  # opened from the snapshot
        assert not _collected(reader._postings.ids)
        reader.close()
        store.close()
    finally:
        gc.unfreeze()
