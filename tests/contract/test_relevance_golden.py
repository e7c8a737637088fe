"""Golden queries of the relevance issue, over what the real semantic stage writes for classifier labels and faces,
on both indexes: a word finds what it names, not whatever starts with it, and not what merely contains it."""
from __future__ import annotations

import pytest

from proto import pb
from services.semantic.analyse import analyse
from services.semantic.wordnet import WordNet

from contract.test_index import ALICE, ids, service_over  # noqa: F401 - the fixture, on both indexes

WORDNET = WordNet()


def photo(photo_id: str, classes=(), faces=()) -> pb.Record:
    """A photo as the pipeline stores it: the classifier's labels (ImageNet names, wnids from WordNet itself) and
    faces, with the terms the semantic stage writes for them."""
    r = pb.Record(id=photo_id, paths=[f"{ALICE}/{photo_id}.jpg"])
    r.file.path, r.file.root = r.paths[0], ALICE
    for synset, score in classes:
        r.vision.classes.append(pb.Label(label=WORDNET.words(synset)[0], wnid=WORDNET.wnid(synset), score=score))
    for gender, age, emotion in faces:
        r.vision.faces.append(pb.Face(age=age, gender=gender, emotion=emotion, box=pb.Box(x2=0.3, y2=0.3)))
    r.semantic.CopyFrom(analyse(r.vision, WORDNET))
    return r


LIBRARY = [
    photo("car", [("sports_car.n.01", 0.8)]),
    photo("cardigan", [("cardigan.n.01", 0.7)]),
    photo("goldfish", [("goldfish.n.01", 0.9)]),           # Carassius auratus
    photo("stinkhorn", [("stinkhorn.n.01", 0.6)]),         # carrion fungus
    photo("manhole", [("manhole_cover.n.01", 0.9)]),
    photo("catamaran", [("catamaran.n.01", 0.9)]),
    photo("macaque", [("macaque.n.01", 0.9)]),             # a catarrhine
    photo("tabby", [("tabby.n.01", 0.7)]),
    photo("tiger", [("tiger.n.02", 0.5)]),
    photo("tigershark", [("tiger_shark.n.01", 0.9)]),
    photo("redpanda", [("lesser_panda.n.01", 0.9)]),       # also called "bear cat" and "cat bear"
    photo("hotdog", [("hotdog.n.02", 0.9)]),               # "hot dog"
    photo("teddy", [("teddy.n.01", 0.9)]),                 # "teddy bear"
    photo("sunglasses", [("sunglasses.n.01", 0.8)]),
    photo("lighthouse", [("beacon.n.03", 0.8)]),
    photo("church", [("church.n.02", 0.8)]),
    photo("mountainbike", [("mountain_bike.n.01", 0.8)]),
    photo("bighorn", [("bighorn.n.01", 0.8)]),             # mountain sheep
    photo("housecat", [("house_cat.n.01" if WORDNET.by_name("house_cat.n.01") else "domestic_cat.n.01", 0.8)]),
    photo("couple", faces=[("female", 30, "happy"), ("male", 35, "sad")]),
    photo("sadwoman", faces=[("female", 28, "sad")]),
    photo("man", faces=[("male", 40, "neutral")]),
]


@pytest.mark.parametrize("query, expected", [
    ("car", ["car"]),                     # not carnivores, a cardigan, Carassius or a carrion fungus
    ("man", ["couple", "man"]),           # not the manhole cover
    ("cat", ["tabby", "housecat", "tiger"]),  # a big cat is a cat; not the catamaran, the catarrhine macaque, nor
                                              # the lesser panda called "bear cat"
    ("dog", []),                          # a hot dog is not a dog
    ("bear", []),                         # nor a teddy bear or a "cat bear" a bear
    ("shark", ["tigershark"]),            # but a tiger shark is a shark
    ("big cat", ["tiger"]),
    ("tiger", ["tiger"]),                 # a tiger shark is a shark
    ("sunglasses", ["sunglasses"]),       # not "sunglasse"
    ("skyscraper", []),                   # no building is a skyscraper
    ("house", []),                        # a house cat is not a house
    ("snow mountain", []),                # no partial matches for two words
    ("sorrowful woman", ["sadwoman"]),    # the sad one is the man next to the happy woman
    ("face", ["couple", "sadwoman", "man"]),
])
def test_golden_queries(service_over, query, expected):  # noqa: F811
    service = service_over(LIBRARY)
    found = ids(service.search_sync(query, [ALICE], limit=20))
    assert sorted(found) == sorted(expected), found


def test_the_house_cats_rank_above_the_big_cat(service_over):  # noqa: F811
    found = ids(service_over(LIBRARY).search_sync("cat", [ALICE]))
    assert found[-1] == "tiger", found


def test_a_class_of_three_words_is_found_by_its_name(service_over):  # noqa: F811
    service = service_over(LIBRARY + [photo("amstaff", [("american_staffordshire_terrier.n.01", 0.6)])])
    assert ids(service.search_sync("american staffordshire terrier", [ALICE])) == ["amstaff"]


def test_the_phrase_bonus_follows_the_weight_of_the_term_holding_the_phrase(service_over):  # noqa: F811
    # Both photos hold "tiger cat"; the tiger photo holds it weakly (a low classifier guess) besides "tiger" and
    # "cat": the photo the classifier is surer is a tiger cat ranks first.
    service = service_over([photo("tiger2", [("tiger.n.02", 0.85), ("tiger_cat.n.01", 0.05)]),
                            photo("tigercat", [("tiger_cat.n.01", 0.6)])])
    assert ids(service.search_sync("tiger cat", [ALICE])) == ["tigercat", "tiger2"]
