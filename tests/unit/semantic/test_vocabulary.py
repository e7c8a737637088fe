"""Analysis and queries share one vocabulary: every word analysis writes on a face is face-bound in a query."""
from __future__ import annotations

import itertools

import pytest

from proto import pb
from services.search.api import SearchService
from services.search.index.bitmap import BitmapIndex
from services.semantic.analyse import analyse
from services.semantic.wordnet import WordNet
from services.search.store import RecordStore
from services.vocabulary import EMOTION_WORDS, GENDER_WORDS, is_face_word, synonyms, words_of

AGES = (5, 15, 25, 35, 45, 55, 75)


@pytest.fixture(scope="module")
def wordnet():
    return WordNet()


def face(age: int, gender: str, emotion: str) -> pb.Face:
    return pb.Face(age=age, gender=gender, emotion=emotion, gender_score=0.9, emotion_score=0.9,
                   box=pb.Box(x1=0.4, y1=0.4, x2=0.5, y2=0.5))


def face_written_words(wordnet) -> set[str]:
    """Every word the semantic stage writes on some face, found by running it over every kind of face."""
    words = set()
    for age, gender, emotion in itertools.product(AGES, GENDER_WORDS, EMOTION_WORDS):
        result = analyse(pb.VisionResult(faces=[face(age, gender, emotion)]), wordnet)
        words |= {t.value for t in result.terms if t.face}
    return words


def test_every_word_written_on_a_face_is_face_bound_in_queries(wordnet):
    written = face_written_words(wordnet)
    assert "sorrowful" in written  # a synonym of "sad", written on the sad face
    assert {w for w in written if not is_face_word(w)} == set()


def test_sorrowful_woman_is_not_a_happy_woman_beside_a_sad_man(tmp_path, wordnet):
    """The issue's example: "sorrowful" must bind to the same face as "woman"."""
    store = RecordStore(tmp_path / "p.db")
    index = BitmapIndex(store)
    photos = {"aa01": [face(30, "female", "happy"), face(32, "male", "sad")],
              "aa02": [face(30, "female", "sad")]}
    for photo_id, faces in photos.items():
        record = pb.Record(id=photo_id, paths=[f"/m/{photo_id}.jpg"])
        record.file.path, record.file.root = f"/m/{photo_id}.jpg", "/m"
        record.vision.faces.extend(faces)
        record.semantic.CopyFrom(analyse(record.vision, wordnet))
        index.upsert(store.merge(record))
    search = SearchService(index)
    assert [h["id"] for h in search.search_sync("sorrowful woman", ["/m"])["hits"]] == ["aa02"]
    assert [h["id"] for h in search.search_sync("sorrowful man", ["/m"])["hits"]] == ["aa01"]
    index.close()
    store.close()



@pytest.mark.parametrize("typed, group", [
    ("Ladies", ("lady", "woman")),                   # the plural is normalized first, then its group follows
    ("guy", ("guy", "man", "gentleman")),
    ("automobiles", ("automobile", "car", "auto")),
    ("zebra", ("zebra",)),                           # a word with no synonym stands alone
])
def test_a_synonym_group_is_the_word_itself_first_then_the_others(typed, group):
    found = synonyms(typed)
    assert found[0] == group[0] and sorted(found[1:]) == sorted(group[1:])


def test_words_of_text_are_lower_case_words_without_punctuation():
    assert words_of("Sorrowful Woman, near the Sea-Shore; it's 2019!") == [
        "sorrowful", "woman", "near", "the", "sea-shore", "it's", "2019"]
