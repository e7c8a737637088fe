"""The decoder pool: a decode that overruns its time or kills its process fails alone, and the pool goes on."""
from __future__ import annotations

import os
import time

import pytest

from services.ingest import examine as ex
from services.ingest.catalog import Catalog
from services.ingest.decoding import DecodeError, IsolatedDecoder, decode_photo
from services.ingest.formats import identify

TIME_LIMIT = 2.0


@pytest.fixture
def pool():
    decoder = IsolatedDecoder(workers=1, timeout=TIME_LIMIT)
    yield decoder
    decoder.close()


def decode_one(pool: IsolatedDecoder, photo, tmp_path) -> tuple:
    return pool.run(decode_photo, photo, tmp_path / "thumbs", "id", (64,))


def test_a_decode_past_the_time_limit_is_stopped_and_the_next_file_decodes(pool, samples_dir, tmp_path):
    photo = samples_dir / "jpg" / "Canon_40D.jpg"
    started = time.monotonic()
    with pytest.raises(DecodeError, match=f"longer than {TIME_LIMIT:g} s"):
        pool.run(time.sleep, 60)  # stands in for a decoder stuck in a loop: it never returns by itself
    assert time.monotonic() - started < 30
    assert decode_one(pool, photo, tmp_path) == (identify(photo), "")


def test_a_decoder_that_kills_its_process_fails_alone(pool, samples_dir, tmp_path):
    photo = samples_dir / "jpg" / "Canon_40D.jpg"
    with pytest.raises(DecodeError, match="crashed"):
        pool.run(os.abort)  # what a segfault in a C decoder looks like from outside
    assert decode_one(pool, photo, tmp_path) == (identify(photo), "")


def test_examine_turns_an_overrun_into_a_failed_outcome(samples_dir, tmp_path):
    biggest = max((samples_dir / "jpg").glob("*.jpg"), key=lambda p: p.stat().st_size)
    decoder = IsolatedDecoder(workers=1, timeout=0.001)  # no real photo decodes and thumbnails in 1 ms
    try:
        result = ex.examine(biggest, samples_dir, Catalog(tmp_path / "c.db"), tmp_path / "thumbs", (1280,), decoder)
    finally:
        decoder.close()
    assert (result.kind, result.reason) == (ex.FAILED, "decoding took longer than 0.001 s: stopped")
