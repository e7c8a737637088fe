"""Golden tests of the Elasticsearch query DSL the adapter sends (expected_dsl.json beside this file).

They pin what real Elasticsearch receives, since the tests' server is a stand-in (noida-db).
"""
import json
from pathlib import Path

import pytest

from services.search.index.elastic import MAPPINGS, search_body
from services.search.query.parser import parse

EXPECTED = json.loads((Path(__file__).parent / "expected_dsl.json").read_text())


@pytest.mark.parametrize("query", sorted(EXPECTED))
def test_query_dsl_is_as_reviewed(query):
    assert json.loads(json.dumps(search_body(parse(query), ["/media/alice"], 0, 20))) == EXPECTED[query]


def test_person_words_are_one_nested_face_query_and_scope_is_a_filter():
    body = EXPECTED["happy woman in her 20ies"]
    assert body["query"]["bool"]["filter"] == [{"terms": {"dirs": ["/media/alice"]}}]
    person = body["query"]["bool"]["must"][0]["nested"]
    assert person["path"] == "faces" and len(person["query"]["bool"]["must"]) == 3


def test_faces_and_terms_are_nested_and_places_geo_points():
    properties = MAPPINGS["properties"]
    assert properties["faces"]["type"] == properties["terms"]["type"] == "nested"
    assert properties["location"]["type"] == "geo_point" and MAPPINGS["dynamic"] == "strict"
