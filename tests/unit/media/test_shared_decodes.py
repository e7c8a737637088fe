"""Stages in one process decode a photo once: the vision stage (512 px), hashes (1000 px) and the text stage's cheap
pass (640 px) share one JPEG draft, reading text (1280 px) another; each gets decode()'s very pixels, a copy of its
own; the decodes kept are bounded in bytes (the biggest dropped first), and a file that cannot be decoded fails every
stage asking for it."""
from __future__ import annotations

import asyncio
import threading

import pytest
from PIL import Image
from skimage import data

from fixtures.signs import WORDS, sign_on_coffee
from proto import pb
from services.app import registry
from services.hashes.service import hashes_of
from services.media.decode import DECODE_SIZE, DecodeError, decode
from services.media.shared_decodes import SharedDecodes, decoder_for
from services.pipeline.stage import INGESTED

CAMERA = (4000, 3000)


@pytest.fixture(scope="module")
def camera_photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("camera") / "cat.jpg"
    Image.fromarray(data.chelsea()).resize(CAMERA).save(path, quality=90)
    return path


def test_sizes_one_draft_serves_are_decoded_once_into_decodes_very_pixels(camera_photo):
    decodes = SharedDecodes()
    for size in (512, 640, 1000, 1024, 1280):
        shared = decodes.decode("cat", camera_photo, size)
        alone = decode(camera_photo, size)
        assert (shared.size, shared.tobytes(), shared.info["quantization"]) == (
            alone.size, alone.tobytes(), alone.info["quantization"])
    assert decodes.decode("cat", camera_photo, 640, shrink=False).size == decode(camera_photo, 640, shrink=False).size
    assert (decodes.misses, decodes.hits) == (2, 4)


@pytest.mark.parametrize("full", [(4000, 3000), (3000, 4000), (6000, 4000), (4032, 3024)])
def test_a_draft_chosen_by_the_long_side_is_the_smallest_whose_long_side_is_at_least_the_size(tmp_path, full):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", full, (120, 90, 60)).save(path, quality=90)
    drafted = decode(path, 1000, shrink=False, long_side=True)
    assert max(drafted.size) >= 1000 > max(drafted.size) // 2   # the next draft down would be too small
    assert decode(path, 1000, long_side=True).size == decode(path, 1000).size


def test_hashes_measure_the_draft_vision_decoded(camera_photo):
    decodes = SharedDecodes()
    decodes.decode("cat", camera_photo, DECODE_SIZE)   # the vision stage's decode
    assert hashes_of(str(camera_photo), decoder_for(decodes, "cat")).meta.outcome == pb.OUTCOME_OK
    assert (decodes.misses, decodes.hits) == (1, 1)


def test_each_stage_gets_a_copy_of_its_own(camera_photo):
    decodes = SharedDecodes()
    first = decodes.decode("cat", camera_photo, 512)
    first.paste((0, 0, 0), (0, 0, *first.size))
    assert decodes.decode("cat", camera_photo, 512).tobytes() == decode(camera_photo, 512).tobytes()


def test_stages_asking_at_once_wait_for_one_decode(camera_photo):
    decodes, got = SharedDecodes(), []
    threads = [threading.Thread(target=lambda: got.append(decodes.decode("cat", camera_photo, 640))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(got), decodes.misses, decodes.hits) == (6, 1, 5)


def test_the_decodes_kept_stay_within_their_bytes_least_recently_used_dropped_first(tmp_path):
    paths = []
    for i in range(4):
        paths.append(tmp_path / f"{i}.png")
        Image.new("RGB", (100, 100), (i * 60, 0, 0)).save(paths[-1])
    decodes = SharedDecodes(max_bytes=2 * 100 * 100 * 3)
    for i, path in enumerate(paths):
        decodes.decode(str(i), path, 512)
        assert decodes.held_bytes() <= decodes.max_bytes
    decodes.decode("3", paths[3], 512)   # the newest is still there
    decodes.decode("0", paths[0], 512)   # the oldest was dropped
    assert (decodes.misses, decodes.hits) == (5, 1)


def test_the_biggest_decodes_go_first(tmp_path):
    sizes = {"small-0": (100, 100), "big": (200, 100), "small-1": (100, 100)}
    for name, size in sizes.items():
        Image.new("RGB", size, (90, 90, 90)).save(tmp_path / f"{name}.png")
    decodes = SharedDecodes(max_bytes=3 * 100 * 100 * 3)
    for name in sizes:   # 4 units of 3: the big one goes, not the oldest
        decodes.decode(name, tmp_path / f"{name}.png", 512)
    decodes.decode("small-0", tmp_path / "small-0.png", 512)
    assert (decodes.misses, decodes.hits) == (3, 1)
    decodes.decode("big", tmp_path / "big.png", 512)
    assert (decodes.misses, decodes.hits) == (4, 1)


def test_a_file_that_cannot_be_decoded_fails_each_time_and_is_not_kept(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    decodes = SharedDecodes()
    for _ in range(2):
        with pytest.raises(DecodeError, match="cannot decode"):
            decodes.decode("broken", broken, 512)
    assert decodes.held_bytes() == 0


def test_stages_built_together_share_their_decodes(tmp_path):
    photo = tmp_path / "sign.jpg"
    Image.open(sign_on_coffee(tmp_path / "small-sign.jpg")).resize(CAMERA).save(photo, quality=90)
    provided = {}
    hashes, text = (registry.build(registry.SPECS[name], provided) for name in ("hashes", "text"))
    record = pb.Record(id="a" * 64, file=pb.FileFacts(path=str(photo)))
    hashed = asyncio.run(hashes.handle(INGESTED, record))[0][1].hashes
    read = asyncio.run(text.handle(INGESTED, record))[0][1].text
    assert hashed.meta.outcome == read.meta.outcome == pb.OUTCOME_OK and WORDS <= {t.value for t in read.terms}
    # hashes decoded the photo's quarter-size draft (1000 px), which the cheap pass at 640 px found; reading it at
    # 1280 px needed the half-size draft
    assert (provided["decodes"].misses, provided["decodes"].hits) == (2, 1)
