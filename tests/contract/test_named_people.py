"""A person the asker named is a face-bound word, on both indexes: 'anna happy' needs Anna's own face to be the
happy one, 'anna tom' needs both, and explain names the person and her face."""
from __future__ import annotations

import pytest

from services.search.query.ast import And, Named, Person, Word
from services.search.query.parser import parse

from contract.test_index import ALICE, ids, record, service_over  # noqa: F401 - the fixture, on both indexes

PHOTOS = [
    record("aa01", f"{ALICE}/party.jpg", faces=[("female", 30, "happy"), ("male", 35, "sad")]),  # Anna, Tom
    record("aa02", f"{ALICE}/rain.jpg", faces=[("female", 31, "sad")]),                         # Anna
    record("aa03", f"{ALICE}/bike.jpg", faces=[("male", 36, "happy")]),                         # Tom
    record("aa04", f"{ALICE}/crowd.jpg", faces=[("female", 25, "happy")]),                      # a stranger
]


class Book:
    """Her named people as the people book gives them (search.api.PeopleLookup): faces numbered from 1."""

    FACES = {"anna": {("aa01", 1), ("aa02", 1)}, "tom": {("aa01", 2), ("aa03", 1)}}

    def names(self) -> frozenset[str]:
        return frozenset(self.FACES)

    def faces(self, name: str) -> frozenset[tuple[str, int]]:
        return frozenset(self.FACES.get(name, ()))


@pytest.mark.parametrize("query, expected", [
    ("anna", {"aa01", "aa02"}),
    ("Anna happy", {"aa01"}),           # her face is the happy one there, not in the rain
    ("anna sad", {"aa02"}),             # at the party the sad face is Tom's
    ("happy anna", {"aa01"}),
    ("anna tom", {"aa01"}),
    ("tom happy", {"aa03"}),            # at the party Tom is the sad one
    ("anna and happy man", set()),      # the happy face beside Anna at the party is hers, Tom is sad
    ("person:anna", {"aa01", "aa02"}),
    ("person:nobody", set()),
    ("happy -anna", {"aa03", "aa04"}),
])
def test_a_name_is_bound_to_her_face(service_over, query, expected):  # noqa: F811
    found = ids(service_over(PHOTOS).search_sync(query, [ALICE], people=Book()))
    assert set(found) == expected, found


def test_explain_names_the_person_and_her_face(service_over):  # noqa: F811
    hit = service_over(PHOTOS).search_sync("tom sad", [ALICE], explain=True, people=Book())["hits"][0]
    assert hit["id"] == "aa01" and "person:tom" in hit["matched"]
    assert {"key": "person", "value": "tom", "face": 2} in [
        {k: e[k] for k in ("key", "value", "face") if k in e} for e in hit["explain"]]


def test_without_her_names_a_name_is_a_plain_word(service_over):  # noqa: F811
    assert ids(service_over(PHOTOS).search_sync("anna", [ALICE])) == []


def test_names_group_with_the_face_words_beside_them():
    names = frozenset({"anna", "tom"})
    assert parse("anna happy tom", names=names).root == And((Person((Named("anna"), Word("happy"))), Named("tom")))
    assert parse("anna tom", names=names).root == And((Named("anna"), Named("tom")))
    assert parse("anna", names=frozenset()).root == Word("anna")
