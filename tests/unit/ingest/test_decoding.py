"""A decoder that hangs, crashes its process or raises fails its own file, and the next file decodes."""
from __future__ import annotations

import hashlib
import time

import pytest

from services.ingest.catalog import Catalog
from services.media.decoders import DecodeError, IsolatedDecoder
from services.ingest.examine import FAILED, NEW, examine
from fixtures.decoders import crashes, doubles, hangs, raises


@pytest.fixture
def decoder():
    pool = IsolatedDecoder(workers=1, timeout=2)
    yield pool
    pool.close()


def test_a_hanging_decoder_is_stopped_and_the_next_file_decodes(decoder):
    started = time.monotonic()
    with pytest.raises(DecodeError, match="longer than 2 s"):
        decoder.run(hangs, 120)
    assert time.monotonic() - started < 60  # stopped at its limit, not left to finish
    assert decoder.run(doubles, 21) == 42


def test_a_decoder_that_crashes_its_process_fails_alone(decoder):
    with pytest.raises(DecodeError, match="crashed"):
        decoder.run(crashes)
    assert decoder.run(doubles, 4) == 8


def test_a_decoder_error_reaches_the_caller_as_itself(decoder):
    with pytest.raises(EOFError):
        decoder.run(raises)


def test_every_truncation_of_a_heif_is_one_typed_outcome(tmp_path, samples_dir, decoder):
    """pillow-heif raises EOFError on some cuts: each cut is a failed or a new photo, never an exception."""
    data = (samples_dir / "heic" / "IMG_5195.HEIC").read_bytes()
    catalog = Catalog(":memory:")
    kinds = []
    for cut in range(200, len(data), len(data) // 12):
        path = tmp_path / f"cut{cut}.heic"
        path.write_bytes(data[:cut])
        found = examine(path, tmp_path, catalog, tmp_path / "thumbs", (128,), decoder)
        assert found.kind in (NEW, FAILED) and (found.kind == NEW or found.reason)
        kinds.append(found.kind)
    assert FAILED in kinds


def test_examine_turns_an_overrun_into_a_failed_outcome(samples_dir, tmp_path):
    biggest = max((samples_dir / "jpg").glob("*.jpg"), key=lambda p: p.stat().st_size)
    pool = IsolatedDecoder(workers=1, timeout=0.001)  # no real photo is decoded and thumbnailed in 1 ms
    try:
        found = examine(biggest, samples_dir, Catalog(":memory:"), tmp_path / "thumbs", (1280,), pool)
    finally:
        pool.close()
    assert (found.kind, found.path, found.root, found.reason, found.id) == (
        FAILED, str(biggest), str(samples_dir), "decoding took longer than 0.001 s: stopped",
        hashlib.sha256(biggest.read_bytes()).hexdigest())


def test_decoder_processes_are_replaced_after_their_share_of_files():
    """What a decoder process keeps of the files it decoded leaves with it: one process serves at most N files."""
    import os

    pool = IsolatedDecoder(workers=1, timeout=30, per_process=2)
    try:
        processes = [pool.run(os.getpid) for _ in range(6)]
    finally:
        pool.close()
    assert len(set(processes)) == 3 and processes[0] == processes[1] != processes[2]


def test_closing_the_decoder_ends_a_decode_still_waited_for(decoder):
    # The gateway closes its decoder with the app: a preview still being made must fail, not leave its thread (and
    # the closing event loop, which joins it) waiting for ever.
    import threading

    ended: list[str] = []

    def wait() -> None:
        try:
            decoder.run(hangs, 30)
            ended.append("finished")
        except DecodeError as exc:
            ended.append(str(exc))

    waiting = threading.Thread(target=wait)
    waiting.start()
    deadline = time.monotonic() + 10
    while not decoder._running and time.monotonic() < deadline:  # until the decode is asked for
        time.sleep(0.01)
    decoder.close()
    waiting.join(10)
    assert not waiting.is_alive() and ended == ["the decoder was stopped"]
