"""WordNet meaning and human words: golden wnid tables, age boundaries, synonyms both ways, bad input."""
import json
from collections import Counter
from pathlib import Path

import pytest

from proto import pb
from services.semantic.analyse import analyse
from services.vocabulary import normalize, synonyms
from services.semantic.tables import COCO_SYNSETS, HYPERNYM_DECAY, VERSION
from services.semantic.wordnet import WordNet

EXPECTED = json.loads((Path(__file__).parent / "expected_terms.json").read_text())


@pytest.fixture(scope="module")
def wordnet():
    return WordNet()


def values(result, key=None, face=None):
    return {t.value for t in result.terms if (key is None or t.key == key) and (face is None or t.face == face)}


@pytest.mark.parametrize("wnid", sorted(EXPECTED))
def test_imagenet_classes_get_their_words_and_useful_hypernyms(wordnet, wnid):
    expected = EXPECTED[wnid]
    result = analyse(pb.VisionResult(classes=[pb.Label(label=expected["label"], wnid=wnid, score=0.9)]), wordnet)
    assert set(expected["must"]) <= values(result)
    assert not values(result) & {"entity", "physical entity", "object", "whole", "organism"}
    assert result.meta.version == VERSION and result.meta.outcome == pb.OUTCOME_OK


def test_a_direct_label_outranks_a_far_hypernym(wordnet):
    result = analyse(pb.VisionResult(classes=[pb.Label(label="tabby", wnid="n02123045", score=0.9)]), wordnet)
    weight = {t.value: t.weight for t in result.terms}
    assert weight["tabby"] > weight["cat"] > weight["animal"]
    assert {t.source for t in result.terms if t.value == "feline"} == {"wordnet"}


def test_every_coco_label_has_a_synset(wordnet):
    assert len(COCO_SYNSETS) == 80
    assert [label for label, name in COCO_SYNSETS.items() if wordnet.by_name(name) is None] == []


def test_detections_get_words_too(wordnet):
    result = analyse(pb.VisionResult(objects=[pb.Detection(label="dog", score=0.8)]), wordnet)
    assert {"dog", "canine", "animal", "pet"} <= values(result)


def face(age, gender="female", emotion="happy", box=(0.4, 0.4, 0.5, 0.5)):
    return pb.Face(age=age, gender=gender, emotion=emotion, box=pb.Box(x1=box[0], y1=box[1], x2=box[2], y2=box[3]))


def test_a_woman_of_24_is_found_by_the_words_people_use(wordnet):
    result = analyse(pb.VisionResult(faces=[face(24)]), wordnet)
    assert {"woman", "female", "lady", "20ies", "young", "happy", "smiling"} <= values(result, face=1)
    assert "girl" not in values(result, face=1)  # an adult: "girl" is for the young


@pytest.mark.parametrize("age, gender, noun, not_noun", [(8, "female", "girl", "woman"), (17, "male", "boy", "man"),
                                                         (18, "male", "man", "boy"), (0, "female", "woman", "girl")])
def test_girl_and_boy_only_for_the_young(wordnet, age, gender, noun, not_noun):
    words = values(analyse(pb.VisionResult(faces=[face(age, gender)]), wordnet), face=1)
    assert noun in words and not_noun not in words


def test_soul_and_mortal_are_not_written_for_a_person_nor_latin_names(wordnet):
    person = values(analyse(pb.VisionResult(objects=[pb.Detection(label="person", score=0.9)]), wordnet))
    tiger = values(analyse(pb.VisionResult(classes=[pb.Label(label="tiger", wnid="n02129604", score=0.9)]), wordnet))
    assert "person" in person and not person & {"soul", "mortal", "somebody"}
    assert "tiger" in tiger and "panthera tigris" not in tiger


def test_low_classifier_scores_are_kept_weighted_by_score(wordnet):
    result = analyse(pb.VisionResult(classes=[pb.Label(label="jeep", wnid="n03594945", score=0.05)]), wordnet)
    [jeep] = [t for t in result.terms if t.value == "jeep" and t.key == "label"]
    assert jeep.weight == pytest.approx(0.05)


@pytest.mark.parametrize("age, band, not_band", [
    (9.9, "kid", "teen"), (10, "teen", "kid"), (19.9, "teen", "20ies"), (20, "20ies", "teen"),
    (29.9, "20ies", "30ies"), (30, "30ies", "20ies"), (40, "40ies", "30ies"), (50, "50ies", "40ies"),
    (59.9, "50ies", "old"), (60, "old", "50ies"),
])
def test_age_band_boundaries(wordnet, age, band, not_band):
    ages = values(analyse(pb.VisionResult(faces=[face(age)]), wordnet), "age")
    assert band in ages and not_band not in ages
    assert ("young" in ages) == (age < 30)


def test_face_words_stay_on_their_own_face(wordnet):
    result = analyse(pb.VisionResult(faces=[face(24, "female", "sad"), face(71, "male", "happy")]), wordnet)
    assert values(result, face=1) >= {"woman", "sad", "20ies"} and "happy" not in values(result, face=1)
    assert values(result, face=2) >= {"man", "happy", "old"} and "woman" not in values(result, face=2)
    assert {"couple", "people"} <= values(result, "people")


@pytest.mark.parametrize("count, word", [(1, "person"), (2, "couple"), (5, "group"), (12, "crowd")])
def test_people_count_words(wordnet, count, word):
    assert word in values(analyse(pb.VisionResult(faces=[face(30)] * count), wordnet), "people")


def test_one_face_filling_the_frame_is_a_portrait_and_a_selfie(wordnet):
    big = values(analyse(pb.VisionResult(faces=[face(30, box=(0.1, 0.1, 0.7, 0.7))]), wordnet), "people")
    small = values(analyse(pb.VisionResult(faces=[face(30)]), wordnet), "people")
    assert {"portrait", "selfie"} <= big and not {"portrait", "selfie"} & small


@pytest.mark.parametrize("group", [("woman", "lady"), ("car", "automobile", "auto"), ("motorcycle", "motorbike")])
def test_synonym_groups_work_both_ways(group):
    for word in group:
        assert set(group) <= set(synonyms(word)), word


@pytest.mark.parametrize("narrow, broad", [("skyscraper", "building"), ("lighthouse", "building"),
                                           ("breakfast", "food"), ("girl", "woman"), ("kitten", "cat")])
def test_a_narrower_word_is_no_synonym(narrow, broad):
    assert broad not in synonyms(narrow) and narrow not in synonyms(broad)


@pytest.mark.parametrize("plural, singular", [("women", "woman"), ("dogs", "dog"), ("churches", "church"),
                                              ("sunglasses", "sunglasses"), ("glass", "glass"), ("twenties", "20ies"),
                                              ("boxes", "box"), ("ladies", "lady"), ("teeth", "tooth")])
def test_query_words_meet_indexed_words(plural, singular):
    assert normalize(plural) == singular


def test_bad_input_gives_terms_from_what_is_known_and_counts_misses(wordnet):
    misses = Counter()
    empty = analyse(pb.VisionResult(), wordnet, misses)
    assert empty.meta.outcome == pb.OUTCOME_OK and list(empty.terms) == []
    odd = pb.VisionResult(classes=[pb.Label(label="tabby", wnid="n02123045", score=0.9),
                                   pb.Label(label="??", wnid="n99999999", score=0.9),
                                   pb.Label(label="bad", wnid="not-a-wnid", score=0.9)],
                          objects=[pb.Detection(label="unicorn", score=0.9)])
    result = analyse(odd, wordnet, misses)
    assert result.meta.outcome == pb.OUTCOME_OK and "cat" in values(result)
    assert misses == Counter({"wnid:n99999999": 1, "wnid:not-a-wnid": 1, "label:unicorn": 1})
    assert "unicorn" in result.meta.reason


def test_an_unsure_gender_gives_no_gender_words(wordnet):
    unsure = pb.Face(age=30, gender="male", gender_score=0.06, emotion="neutral")
    sure = pb.Face(age=30, gender="male", gender_score=0.8, emotion="neutral")
    assert not values(analyse(pb.VisionResult(faces=[unsure]), wordnet), "gender")
    assert "man" in values(analyse(pb.VisionResult(faces=[sure]), wordnet), "gender")


def test_clothing_on_a_photo_with_faces_is_weighted_down(wordnet):
    wig = pb.Label(label="wig", wnid="n04584207", score=0.8)
    alone = {t.value: t.weight for t in analyse(pb.VisionResult(classes=[wig]), wordnet).terms}
    worn = {t.value: t.weight for t in analyse(pb.VisionResult(classes=[wig], faces=[face(30)]), wordnet).terms}
    assert alone["wig"] == pytest.approx(0.8) and worn["wig"] == pytest.approx(0.8 * 0.3)


def test_a_detected_animal_the_confident_classifier_contradicts_gets_no_words(wordnet):
    tiger = pb.Label(label="tiger", wnid="n02129604", score=0.87)
    horse, person = pb.Detection(label="horse", score=0.4), pb.Detection(label="person", score=0.6)
    words = values(analyse(pb.VisionResult(classes=[tiger], objects=[horse, person]), wordnet))
    assert "tiger" in words and not words & {"horse", "equine"} and "person" in words
    unsure = pb.Label(label="tiger", wnid="n02129604", score=0.3)  # an unsure classifier overrules nothing
    assert "horse" in values(analyse(pb.VisionResult(classes=[unsure], objects=[horse]), wordnet))
    tabby = pb.Label(label="tabby", wnid="n02123045", score=0.9)  # the detector's cat is what the tabby is
    assert "cat" in values(analyse(pb.VisionResult(classes=[tabby], objects=[pb.Detection(label="cat", score=0.5)]),
                                   wordnet), "object")


def test_people_words_are_as_sure_as_the_surest_face(wordnet):
    def weight(*scores: float) -> float:
        faces = [pb.Face(score=s, age=30, gender="female", box=pb.Box(x2=0.2, y2=0.2)) for s in scores]
        return next(t.weight for t in analyse(pb.VisionResult(faces=faces), wordnet).terms if t.value == "face")

    assert weight(0.97) > weight(0.76) > 0  # a croquet ball taken for a face comes after a real face
    assert weight(0.76, 0.97) == weight(0.97)


def test_a_kind_is_as_sure_as_its_classes_together(wordnet):
    # The classifier's classes exclude each other: a cat split over three cat breeds is still surely a cat, surer
    # than a leopard the classifier is sure of is a cat (WordNet: a leopard is a big cat, a feline, not a cat).
    breeds = [("tabby", "n02123045", 0.4), ("tiger cat", "n02123159", 0.35), ("Egyptian cat", "n02124075", 0.15)]
    split = analyse(pb.VisionResult(classes=[pb.Label(label=n, wnid=w, score=s) for n, w, s in breeds]), wordnet)
    cat = wordnet.by_name("cat.n.01")
    steps = min(dict(wordnet.chain(wordnet.by_wnid(w))).get(cat) for _, w, _ in breeds)
    weight = {(t.key, t.value): t.weight for t in split.terms}[("hypernym", "cat")]
    assert weight == pytest.approx(0.9 * HYPERNYM_DECAY ** steps, abs=1e-4)
    one = analyse(pb.VisionResult(classes=[pb.Label(label="tabby", wnid="n02123045", score=0.4)]), wordnet)
    assert {(t.key, t.value): t.weight for t in one.terms}[("hypernym", "cat")] < weight
    leopard = analyse(pb.VisionResult(classes=[pb.Label(label="leopard", wnid="n02128385", score=0.8)]), wordnet)
    assert ("hypernym", "cat") not in {(t.key, t.value) for t in leopard.terms}
