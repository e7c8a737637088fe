"""Near-copies of real photos are grouped with their originals, unrelated photos are not, and each user sees only
the copies under her roots. The set is built from the exif samples (fixtures/near_copies.py); the figures for the
whole set are in bench/results/duplicates.txt."""
from pathlib import Path

import pytest
from PIL import Image

from fixtures.near_copies import build, pair_scores
from proto import pb
from services.duplicates.book import DuplicatesBook
from services.duplicates.settings import DuplicatesSettings
from services.hashes.service import hashes_of
from services.search.store import RecordStore

SETTINGS = DuplicatesSettings()


@pytest.fixture(scope="module")
def library(samples_dir, tmp_path_factory):
    """Every third original with its copies, and the distractors, hashed by the stage's own function."""
    photos = build(samples_dir, tmp_path_factory.mktemp("near-copies"), every=3)
    store = RecordStore(":memory:")
    records = []
    for i, photo in enumerate(photos):
        with Image.open(photo.path) as image:
            width, height = image.size
        records.append(pb.Record(id=f"{i:064x}", paths=[str(photo.path)], hashes=hashes_of(str(photo.path)),
                                 file=pb.FileFacts(path=str(photo.path), width=width, height=height)))
    store.merge_many(records)
    return photos, store


def test_copies_join_their_original_and_distractors_stay_apart(library):
    photos, store = library
    book = DuplicatesBook(":memory:", SETTINGS.phash, SETTINGS.dhash)
    book.follow(store.changed_since)
    groups = book.groups(None)
    scores = pair_scores(photos, [{Path(p["path"]) for p in g["photos"]} for g in groups])
    assert scores["precision"] >= 0.98 and scores["recall"] >= 0.75, scores
    group_of = {Path(p["path"]): g["id"] for g in groups for p in g["photos"]}
    originals = {p.family: group_of.get(p.path) for p in photos if p.variant == "original"}
    for photo in photos:  # resized and re-encoded copies are always found; turned and cropped ones mostly
        if photo.variant.startswith(("resize", "q")):
            assert group_of.get(photo.path) is not None and group_of[photo.path] == originals[photo.family], photo
        if photo.family is None:
            assert photo.path not in group_of, photo
    for family, group in originals.items():  # the best is the original, or its re-encoding at quality 95
        best = next(g for g in groups if g["id"] == group)["photos"][0]
        assert best["best"] and Path(best["path"]).name in (f"{family}.jpg", f"{family}.q95.jpg"), best


def test_a_photo_given_other_hashes_leaves_its_group_and_no_roots_see_nothing(library):
    photos, store = library
    book = DuplicatesBook(":memory:", SETTINGS.phash, SETTINGS.dhash)
    book.follow(store.changed_since)
    assert book.groups([]) == []
    copy = next(p for p in photos if p.variant == "q30")
    record = next(r for r in store.iter_all() if r.paths[0] == str(copy.path))
    before = next(g for g in book.groups(None) if record.id in {p["id"] for p in g["photos"]})
    changed = pb.HashesResult(phash=~record.hashes.phash & (2**64 - 1), dhash=~record.hashes.dhash & (2**64 - 1),
                              meta=pb.StageMeta(outcome=pb.OUTCOME_OK))
    store.merge(pb.Record(id=record.id, hashes=changed))  # as a reprocess with another version would
    book.follow(store.changed_since)
    after = book.groups(None)
    assert all(record.id not in {p["id"] for p in g["photos"]} for g in after)
    assert {p["id"] for p in before["photos"]} - {record.id} in [{p["id"] for p in g["photos"]} for g in after]
