"""The query language: what people type becomes the right tree, and nothing they type crashes it."""
import time
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

from services.search.query.ast import (
    And, DateRange, FaceCount, Filter, Marked, Named, Near, Not, Or, Person, Phrase, Rated, Similar, Word,
    positive_atoms,
)
from services.search.query.parser import MAX_DEPTH, QueryError, parse


def utc(*date) -> float:
    return datetime(*date, tzinfo=timezone.utc).timestamp()


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
    ("-(cat or dog)", Not(Or((Word("cat"), Word("dog"))))),     # was (cat or dog): the '-' was dropped
    ("the a of", None),
    ("-", None),
])
def test_query_shapes(text, root):
    assert parse(text).root == root


@pytest.mark.parametrize("text, root", [
    ("-2008", Not(Word("2008"))),                                  # was 2008 itself: a '-' before a digit was dropped
    ("-20ies", Not(Word("20ies"))),
    ("without people", Not(Word("people"))),
    ("2008-10", DateRange(utc(2008, 10, 1), utc(2008, 11, 1))),     # a month or a day written bare is that span
    ("2008-10-22", DateRange(utc(2008, 10, 22), utc(2008, 10, 23))),
    ("before 2010", DateRange(None, utc(2010, 1, 1))),              # as before:2010
    ("since 2010-05", DateRange(utc(2010, 5, 1), None)),
    ("beach after 2019", And((Word("beach"), DateRange(utc(2019, 1, 1), None)))),
    ("before sunset", And((Word("before"), Word("sunset")))),      # a date word without a date is a word
    ("cre\u0301mieux", Word("crémieux")),                          # an accent typed apart is composed
    ("woman's dress", And((Word("dress"), Word("woman")))),          # was woman, s and dress: nothing holds an "s"
    ("women’s", Word("woman")),
    ("o'brien", And((Word("o"), Word("brien")))),                   # only a final 's is a possessive
])
def test_dates_negations_and_accents_as_people_type_them(text, root):
    assert parse(text).root == root


@pytest.mark.parametrize("text, root", [
    ("woman man", And((Word("woman"), Word("man")))),               # was one face both woman and man: nothing
    ("happy woman sad man", And((Person((Word("happy"), Word("woman"))), Person((Word("sad"), Word("man")))))),
    ("neutral man happy woman", And((Person((Word("neutral"), Word("man"))),
                                     Person((Word("happy"), Word("woman")))))),
    ("happy smiling woman", Person((Word("happy"), Word("smiling"), Word("woman")))),  # one meaning: one person
    ("lady woman 20ies", Person((Word("lady"), Word("woman"), Word("20ies")))),
])
def test_a_second_word_of_one_aspect_starts_another_person(text, root):
    assert parse(text).root == root


def test_near_written_as_words_is_a_place_when_the_words_name_one():
    near = parse("near Florence 10km beach").root
    assert isinstance(near, And) and near.nodes[1:] == (Word("beach"),)
    assert near.nodes[0].place == "Florence" and near.nodes[0].km == 10 and near.nodes[0].lat == pytest.approx(43.78,
                                                                                                               abs=0.05)
    assert parse("near water").root == And((Word("near"), Word("water")))  # no place of that name: words


@pytest.mark.parametrize("text", ["(" * 246 + "dog" + ")" * 246, "-" * 494 + "dog", "not " * 1200 + "dog",
                                  "-(" * 60 + "dog" + ")" * 60])
def test_nesting_past_the_limit_is_a_query_error_not_a_crash(text):
    with pytest.raises(QueryError) as error:
        parse(text)
    assert "nest more than" in error.value.message


def test_nesting_up_to_the_limit_parses():
    assert parse("(" * MAX_DEPTH + "dog" + ")" * MAX_DEPTH).root == Word("dog")
    assert parse("-" * MAX_DEPTH + "dog").root is not None


def test_near_resolves_a_place_with_a_distance():
    near = parse("near:miami 50km").root
    assert isinstance(near, Near) and near.km == 50 and near.lat == pytest.approx(25.77, abs=0.05)
    assert parse("near:miami").root.km == 25


@pytest.mark.parametrize("distance, km", [("500m", 0.5), ("10mi", 16.09), ("2KM", 2), ("3 MI", None)])
def test_near_distances_in_metres_and_miles_and_the_words_after_them(distance, km):
    query = parse(f"near:miami {distance} beach")
    if km is None:  # a distance split from its unit is no distance: the default, then the words
        assert query.root.nodes[0].km == 25 and query.root.nodes[1:] == (Word("3"), Word("mi"), Word("beach"))
    else:
        assert query.root.nodes[0].km == pytest.approx(km, abs=0.01) and query.root.nodes[1:] == (Word("beach"),)


@pytest.mark.parametrize("text, root", [
    ("since:2020", DateRange(utc(2020, 1, 1), None)),
    ("people:2", FaceCount(2, 2)),
    ("album:summer", Marked("album", "summer")),
    ("person:Anna", Named("anna")),
    ("taken:2019..2020", DateRange(utc(2019, 1, 1), utc(2021, 1, 1))),
    ("date:2019..", DateRange(utc(2019, 1, 1), None)),
    ("tag:Dogs", Filter("tag", "dog")),
])
def test_keys_people_also_type(text, root):
    assert parse(text).root == root


def test_the_askers_people_are_named_and_the_query_keeps_its_text():
    query = parse("Anna on the beach", names=frozenset({"anna"}))
    assert query.root == And((Word("beach"), Named("anna"))) and query.text == "Anna on the beach"
    assert parse("anna").root == Word("anna") and parse("anna").limit is None  # someone else's anna is a word


def test_a_name_of_several_words_is_one_person():
    names = frozenset({"anna test", "tom"})
    assert parse("Anna Test on the beach", names=names).root == And((Word("beach"), Named("anna test")))
    assert parse("happy anna test", names=names).root == Person((Word("happy"), Named("anna test")))
    assert parse("anna", names=names).root == Word("anna")  # a part of her name is a word, as before
    assert parse("anna test tom", names=names).root == And((Named("anna test"), Named("tom")))


def test_until_is_an_end_and_limits_run_from_1_to_1000():
    assert parse("until:2020").root.start is None and parse("until:2020").root.end is not None
    assert (parse("limit:1").limit, parse("limit:1000").limit) == (1, 1000)


def test_an_open_face_count_has_no_upper_bound_a_photo_could_reach():
    count = parse("faces:2..").root
    assert count.low == 2 and count.high >= 1000


@pytest.mark.parametrize("text, lat", [("near:rio-de-janeiro", -22.91), ("near:san_francisco", 37.77)])
def test_place_names_with_dashes_or_underscores_for_spaces(text, lat):
    near = parse(text).root
    assert near.lat == pytest.approx(lat, abs=0.05) and near.place == text.split(":")[1]


def test_a_place_name_is_the_biggest_city_of_that_name():
    assert parse("near:paris").root.lat == pytest.approx(48.85, abs=0.05)  # Paris, France; not Paris, Texas (33.7)


@pytest.mark.parametrize("text, low, high", [
    ("2019..", utc(2019, 1, 1), None),
    ("..2020-05", None, utc(2020, 6, 1)),                          # an end month counts whole
    ("..2020-12", None, utc(2021, 1, 1)),                          # December ends at the next year
    ("..2020-02-29", None, utc(2020, 3, 1)),                       # an end day counts whole
    ("2020-05..2020-05", utc(2020, 5, 1), utc(2020, 6, 1)),
    ("2020-05-17..2020-05-17", utc(2020, 5, 17), utc(2020, 5, 18)),
])
def test_open_and_one_span_ranges(text, low, high):
    assert parse(text).root == DateRange(low, high)


@pytest.fixture
def new_york_time():
    """The process's time zone set to New York for one test, then back to what it was."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "America/New_York")
        time.tzset()
        yield
    time.tzset()


def test_dates_are_utc_days_whatever_the_servers_time_zone(new_york_time):
    assert parse("2020-05-17..2020-05-17").root == DateRange(utc(2020, 5, 17), utc(2020, 5, 18))


def test_query_words_are_its_positive_plain_words():
    """The any-word fallback and the phrase bonus use them: nothing that was negated, whatever its shape."""
    query = parse('happy woman "red car" beach -dog -(cat or bird) -"blue sky" not (sad man)')
    assert sorted(query.words()) == sorted(["happy", "woman", "red", "car", "beach"])


def test_positive_atoms_are_what_a_hit_is_ranked_by():
    atoms = positive_atoms(parse('happy woman "red car" camera:canon (beach or sea) -dog').root)
    assert sorted(map(repr, atoms)) == sorted(map(repr, [
        Word("happy"), Word("woman"), Phrase(("red", "car")), Filter("camera", "canon"), Word("beach"),
        Word("sea")]))


def test_limit_is_an_option_not_a_word():
    query = parse("beach limit:5")
    assert (query.root, query.limit) == (Word("beach"), 5)


@pytest.mark.parametrize("text, message, position", [
    ("(cat", "missing ')'", 0),
    ('"open quote', "unclosed quote", 0),
    ("cat )", "unexpected ')'", 4),
    ("cat or", "'or' needs something after it", 4),
    ("limit:0", "limit must be", 0),
    ("limit:1001", "limit must be", 0),
    ("cat year:2021..2019", "ends before it starts", 4),
    ("after:may", "is not a date", 0),
    ("after:2020-05-17-01", "is not a date", 0),
    ("2021..2019", "ends before it starts", 0),
    ("2020-05-17..2020-05-16", "ends before it starts", 0),
    ("cat 2020-13..", "not a date range", 4),
    ("cat ..2019-02-30", "not a date range", 4),
    ("..", "a range needs a start or an end", 0),
    ("near:xyzzyville", "unknown place", 0),
    ("faces:many", "faces takes", 0),
    ("faces:4..2", "ends before it starts", 0),                       # was 0 photos, silently
    ("near:arezzo 0km", "a distance above 0", 12),
    ("near:arezzo 30000km", "a distance above 0", 12),
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
    assert f"at position {position + 1}:" in str(error.value) and "»" in str(error.value)  # counted from 1 for people


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
