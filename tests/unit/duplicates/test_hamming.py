"""Multi-index hashing finds exactly the hashes a scan would, at every radius up to the one it serves."""
import random

import pytest

from proto import pb
from services.duplicates import hamming
from services.duplicates.book import DuplicatesBook
from services.search.store import RecordStore


def near(base: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        base ^= 1 << bit
    return base


def records(hashes: list[int], start: int = 0) -> list[pb.Record]:
    return [pb.Record(id=f"p{start + i}", paths=[f"/m/{start + i}.jpg"], hashes=pb.HashesResult(
        phash=h, dhash=h, meta=pb.StageMeta(outcome=pb.OUTCOME_OK))) for i, h in enumerate(hashes)]


@pytest.mark.parametrize("rebuild_after", [100, 10**6])  # sorted tables and the scanned additions
@pytest.mark.parametrize("radius", [0, 3, 7, 12])
def test_the_index_finds_what_a_scan_finds(radius, rebuild_after, monkeypatch):
    monkeypatch.setattr(hamming, "REBUILD_AFTER", rebuild_after)
    rng = random.Random(radius)
    anchors = [rng.getrandbits(64) for _ in range(40)]
    # neighbours at every distance around the radius, and unrelated hashes
    hashes = [near(rng.choice(anchors), rng.randint(0, radius + 4), rng) for _ in range(1500)]
    hashes += [rng.getrandbits(64) for _ in range(500)] + anchors
    store = RecordStore(":memory:")
    store.merge_many(records(hashes))
    book = DuplicatesBook(":memory:", radius, 64)
    book.follow(store.changed_since)
    for anchor in anchors[:10]:
        scanned = {f"p{i}" for i, h in enumerate(hashes) if hamming.distance(anchor, h) <= radius}
        assert {photo for photo, _, _ in book.near(anchor, anchor)} == scanned


def test_probes_and_signed_storage():
    assert len(hamming.probes(0, 2)) == 1 + 16 + 120
    assert len(set(hamming.probes(0xBEEF, 3))) == 1 + 16 + 120 + 560
    assert all(hamming.distance(p, 0xBEEF) <= 3 for p in hamming.probes(0xBEEF, 3))
    for value in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        assert hamming.to_unsigned(hamming.to_signed(value)) == value
        assert -(1 << 63) <= hamming.to_signed(value) < 1 << 63
    assert hamming.chunks(0x0123_4567_89AB_CDEF) == (0x0123, 0x4567, 0x89AB, 0xCDEF)


def test_two_processes_filing_into_one_book_find_each_others_photos(tmp_path):
    """The CLI and the gateway each hold an index in memory over one duplicates.db: each reads the table again
    when the other moved the feed on, so a pair across their batches is found."""
    store = RecordStore(":memory:")
    base = 0x0123_4567_89AB_CDEF
    store.merge_many(records([base]))
    first, second = (DuplicatesBook(tmp_path / "duplicates.db", 12, 12) for _ in range(2))
    first.follow(store.changed_since)
    store.merge_many(records([base ^ 0xFF], start=1))
    second.follow(store.changed_since)
    store.merge_many(records([base ^ 0xFF ^ 0xFF00], start=2))  # near p1 only: first must have read p1 in
    first.follow(store.changed_since)
    assert [sorted(p["id"] for p in g["photos"]) for g in second.groups(None)] == [["p0", "p1", "p2"]]
