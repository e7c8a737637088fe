"""The query language: what people type becomes the right tree, and nothing they type crashes it."""
import pytest
from hypothesis import given, settings, strategies as st

from services.search.query.ast import (
    And, DateRange, FaceCount, Filter, Near, Not, Or, Person, Phrase, Rated, Similar, Word,
)
from services.search.query.parser import QueryError, parse


def test_pigallery_sentence_drops_filler_and_binds_the_person():
    query = parse("happy woman in her 20ies in Miami wearing a dress, dining outdoors")
    assert query.root == And((Word("miami"), Word("dress"), Person((Word("happy"), Word("woman"), Word("20ies"))),
                              Word("dining"), Word("outdoors")))


def test_two_people_joined_by_and_stay_two_people():
    assert parse("sad woman and happy old man").root == And((
        Person((Word("sad"), Word("woman"))), Person((Word("happy"), Word("old"), Word("man")))))


@pytest.mark.parametrize("text, root", [
    ("Dogs", Word("dog")),
    ("women", Word("woman")),
    ("twenties", Word("20ies")),
    ("cat or dog", Or((Word("cat"), Word("dog")))),
    ("cat -dog", And((Word("cat"), Not(Word("dog"))))),
    ("not dog", Not(Word("dog"))),
    ('"united states"', Phrase(("united", "state"))),
    ("camera:Canon", Filter("camera", "canon")),
    ("country:", Filter("country", "")),
    ("text:STOP", Filter("text", "stop")),
    ('text:"Main Streets"', And((Filter("text", "main"), Filter("text", "street")))),
    ("faces:2..4", FaceCount(2, 4)),
    ("faces:3", FaceCount(3, 3)),
    ("rating:5", Rated(5, 5)),
    ("rating:4..5", Rated(4, 5)),
    ("rating:3..", Rated(3, 5)),
    ("rating:..2", Rated(0, 2)),
    ("rating:>=3", Rated(3, 5)),
    ("rating:>3", Rated(4, 5)),
    ("rating:<=1", Rated(0, 1)),
    ("rating:<1", Rated(0, 0)),
    ("rating:0", Rated(0, 0)),
    ("2019..2021", DateRange(1546300800.0, 1640995200.0)),
    ("year:2019..2021", DateRange(1546300800.0, 1640995200.0)),
    ("after:2020-05", DateRange(1588291200.0, None)),
    ("before:2020-05-17", DateRange(None, 1589673600.0)),
    ("(cat or dog) -bird", And((Or((Word("cat"), Word("dog"))), Not(Word("bird"))))),
    ("the a of", None),
    ("-", None),
])
def test_query_shapes(text, root):
    assert parse(text).root == root


def test_near_resolves_a_place_with_a_distance():
    near = parse("near:miami 50km").root
    assert isinstance(near, Near) and near.km == 50 and near.lat == pytest.approx(25.77, abs=0.05)
    assert parse("near:miami").root.km == 25


def test_limit_is_an_option_not_a_word():
    query = parse("beach limit:5")
    assert (query.root, query.limit) == (Word("beach"), 5)


@pytest.mark.parametrize("text, message, position", [
    ("(cat", "missing ')'", 0),
    ('"open quote', "unclosed quote", 0),
    ("cat )", "unexpected ')'", 4),
    ("cat or", "'or' needs something after it", 4),
    ("limit:0", "limit must be", 0),
    ("after:may", "is not a date", 0),
    ("2021..2019", "ends before it starts", 0),
    ("near:xyzzyville", "unknown place", 0),
    ("faces:many", "faces takes", 0),
    ("cat rating:6", "rating takes 0 to 5 stars", 4),
    ("rating:5..4", "rating takes", 0),
    ("rating:>5", "rating takes", 0),
    ("rating:<0", "rating takes", 0),
    ("rating:", "rating takes", 0),
    ("rating:four", "rating takes", 0),
])
def test_errors_point_at_the_spot(text, message, position):
    with pytest.raises(QueryError) as error:
        parse(text)
    assert message in error.value.message and error.value.position == position
    assert "»" in str(error.value)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
       | st.lists(st.sampled_from(["cat", "or", "not", "-", "(", ")", '"', "a", "camera:", "faces:2..",
                                   "..", "2019..", "limit:3", "near:paris", "5km", "happy", "woman", ",",
                                   "rating:>=3", "rating:4..", "rating:"]),
                  max_size=12).map(" ".join))
def test_no_input_crashes_the_parser(text):
    try:
        parse(text)
    except QueryError:
        pass


def test_similar_names_a_photo_by_id():
    photo = "9f" * 32
    assert parse(f"similar:{photo}").root == Similar(photo)
    assert parse(f"similar:{photo.upper()} -dog").root == And((Similar(photo), Not(Word("dog"))))
    for text in ("similar:", 'similar:"a b"', "similar:../x"):
        with pytest.raises(QueryError, match="similar: takes a photo id"):
            parse(text)
