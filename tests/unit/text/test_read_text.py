"""The text stage's function on real photos: a sign drawn on a real photo and ICDAR 2015 photos of text are read into
`text` words with their boxes; photos without text stop after the cheap detection pass, which sees camera photos
decoded small."""
from __future__ import annotations

import pytest
from PIL import Image
from skimage import data

from fixtures.corpora import corpus_file
from fixtures.signs import LINES, SIGN, WORDS, sign_on_coffee
from proto import pb
from services.media.decode import decode
from services.text.analyse import TEXT_WEIGHT, Look, analyse
from services.text.reader import DETECT_SIZE, READ_DETECT_SIZE, READ_SIZE, TextReader, version
from services.text.service import text_of

# ICDAR 2015 (Google Glass photos of incidental text), as MMOCR's tests keep them; the words are their ground truth.
MMOCR = "open-mmlab/mmocr"
ICDAR_WORDS = {"img_8.jpg": {"why", "pay", "for", "nothing"}, "img_10.jpg": {"harbourfront"}, "img_9.jpg": {"exit"}}


@pytest.fixture(scope="module")
def reader() -> TextReader:
    return TextReader(threads=2)


def decoded(path) -> Look:
    return lambda size, shrink=True: decode(path, size, shrink)


def in_memory(image: Image.Image) -> Look:
    """An image already in memory, seen as decode() gives it (not shrunk: as if decoded whole)."""
    def look(size: int, shrink: bool = True) -> Image.Image:
        copy = image.copy()
        if shrink:
            copy.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=2.0)
        return copy
    return look


def words(result: pb.TextResult) -> set[str]:
    return {term.value for term in result.terms}


def test_a_sign_on_a_real_photo_is_read_into_words_with_their_boxes(reader, tmp_path):
    sign_on_coffee(tmp_path / "sign.jpg")
    result = analyse(decoded(tmp_path / "sign.jpg"), reader)
    assert result.detected
    assert WORDS <= words(result)
    assert all(t.key == "text" and t.source == "ocr" and 0 < t.weight <= TEXT_WEIGHT for t in result.terms)
    left, top, right, bottom = SIGN[0] / 600, SIGN[1] / 400, SIGN[2] / 600, SIGN[3] / 400
    read = {line.text: line.box for line in result.lines}
    assert set(read) >= set(LINES)
    for box in read.values():  # each line's box lies on the sign
        assert left - 0.02 <= box.x1 < box.x2 <= right + 0.02 and top - 0.02 <= box.y1 < box.y2 <= bottom + 0.02


@pytest.mark.parametrize("name", sorted(ICDAR_WORDS))
def test_real_photos_of_text_give_their_words(reader, tmp_path, name):
    photo = corpus_file(MMOCR, f"tests/data/det_toy_dataset/imgs/test/{name}", tmp_path)
    result = analyse(decoded(photo), reader)
    assert ICDAR_WORDS[name] <= words(result)


def test_photos_without_text_stop_after_the_cheap_pass(reader, samples_dir):
    photos = [in_memory(Image.fromarray(data.astronaut())), in_memory(Image.fromarray(data.chelsea())),
              decoded(samples_dir / "jpg" / "Canon_40D.jpg")]
    for photo in photos:
        result = analyse(photo, reader)
        assert (result.detected, list(result.lines), list(result.terms)) == (False, [], [])


def test_the_result_carries_the_version_and_a_file_that_cannot_be_read_fails_with_why(reader, tmp_path):
    sign_on_coffee(tmp_path / "sign.jpg")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    good = text_of(str(tmp_path / "sign.jpg"), reader, version())
    bad = text_of(str(tmp_path / "broken.jpg"), reader, version())
    assert (good.meta.stage, good.meta.version, good.meta.outcome) == ("text", version(), pb.OUTCOME_OK)
    assert version().startswith("text-3+rapidocr-1.4.4")
    assert bad.meta.outcome == pb.OUTCOME_FAILED and "cannot decode" in bad.meta.reason and not bad.lines


@pytest.mark.parametrize("size", [(1, 1), (2, 900), (1280, 10), (15, 15), (31, 17)])
def test_photos_of_any_shape_are_looked_at_without_failing(reader, tmp_path, size):
    path = tmp_path / "thin.png"
    Image.new("RGB", size, (200, 120, 40)).save(path)
    result = text_of(str(path), reader, version())
    assert (result.meta.outcome, result.detected) == (pb.OUTCOME_OK, False)


class Watched:
    """The reader, noting the long side of each image the detection model is given and the size it is run at."""

    def __init__(self, reader: TextReader):
        self.reader, self.detections = reader, []

    def boxes(self, image, size):
        self.detections.append((max(image.size), size))
        return self.reader.boxes(image, size)

    def read(self, image, boxes):
        return self.reader.read(image, boxes)


def test_the_cheap_pass_sees_a_camera_photo_decoded_small_and_only_photos_with_text_are_decoded_big(reader, tmp_path):
    sign, blank = tmp_path / "sign.jpg", tmp_path / "cat.jpg"
    camera, draft = (4000, 3000), 1000  # a 12 MP JPEG's draft just above DETECT_SIZE: a quarter of its sides
    Image.open(sign_on_coffee(tmp_path / "small-sign.jpg")).resize(camera).save(sign, quality=90)
    Image.fromarray(data.chelsea()).resize(camera).save(blank, quality=90)
    glance = ((DETECT_SIZE, False), (draft, DETECT_SIZE))  # (decode asked, detection given)
    reading = ((READ_SIZE, True), (READ_SIZE, READ_DETECT_SIZE))
    for photo, passes in ((blank, [glance]), (sign, [glance, reading])):
        asked, watched = [], Watched(reader)
        result = analyse(lambda size, shrink=True: asked.append((size, shrink)) or decode(photo, size, shrink), watched)
        assert (asked, watched.detections) == ([a for a, _ in passes], [d for _, d in passes])
        assert result.detected == (photo == sign)
    assert WORDS <= words(result)
