"""The Elasticsearch query DSL the adapter sends, checked against what each query means (reviewed by hand).

They pin what real Elasticsearch receives, since the tests' server is a stand-in (noida-db).
"""
from datetime import datetime, timezone

from services.search.index.elastic import MAPPINGS, clusters_body, compile_query, knn_body, search_body
from services.search.policy import PHRASE_BONUS, SYNONYM_FACTOR
from services.search.query.ast import Alike
from services.search.query.parser import parse
from services.vocabulary import synonyms

ALICE = "/media/alice"


def body(text: str) -> dict:
    return search_body(parse(text), [ALICE], 0, 20)


def clauses(text: str) -> list[dict]:
    """The query's conditions: the top-level must, with a plain AND unwrapped."""
    [root] = body(text)["query"]["bool"]["must"]
    return root["bool"]["must"] if set(root) == {"bool"} and set(root["bool"]) == {"must"} else [root]


def epoch(year: int) -> float:
    return datetime(year, 1, 1, tzinfo=timezone.utc).timestamp()


def test_scope_is_a_filter_on_the_users_folders_and_never_scores():
    query = body("cat")["query"]["bool"]
    assert query["filter"] == [{"terms": {"dirs": [ALICE]}}]
    assert search_body(parse("cat"), [], 0, 20)["query"]["bool"]["filter"] == [{"match_none": {}}]


def test_a_word_is_itself_or_a_synonym_scored_by_the_best_terms_weight_synonyms_discounted():
    [word] = clauses("woman")
    nested = word["nested"]
    assert nested["path"] == "terms" and nested["score_mode"] == "max" and nested["_name"] == "woman"
    scored = nested["query"]["function_score"]
    assert scored["boost_mode"] == "replace" and scored["score_mode"] == "multiply"
    assert scored["query"] == {"terms": {"terms.value": ["woman", *synonyms("woman")[1:]]}}  # never a prefix
    weight, *discounts = scored["functions"]
    assert weight["field_value_factor"]["field"] == "terms.weight"
    assert discounts == [{"filter": {"term": {"terms.value": other}}, "weight": SYNONYM_FACTOR}
                         for other in synonyms("woman")[1:]] and discounts


def test_a_negated_word_is_must_not():
    cat, not_dog = clauses("cat -dog")
    assert cat["nested"]["_name"] == "cat"
    assert [n["nested"]["_name"] for n in not_dog["bool"]["must_not"]] == ["dog"]


def test_a_filter_checks_its_keys_and_a_year_range_includes_the_end_year():
    camera, years = clauses("camera:canon 2019..2020")
    condition = camera["nested"]["query"]["function_score"]["query"]["bool"]["must"]
    assert "camera" in condition[0]["terms"]["terms.key"] and condition[1] == {"prefix": {"terms.value": "canon"}}
    assert years == {"range": {"sort_time": {"gte": epoch(2019), "lt": epoch(2021)}}}


def test_near_is_a_geo_distance_around_the_place_and_faces_a_count_range():
    [near] = clauses("near:miami 50km")
    geo = near["geo_distance"]
    assert geo["distance"] in ("50km", "50.0km")
    assert abs(geo["location"]["lat"] - 25.77) < 0.05 and abs(geo["location"]["lon"] + 80.19) < 0.05
    assert clauses("faces:2..4") == [{"range": {"faces_count": {"gte": 2, "lte": 4}}}]


def test_a_file_rating_is_a_range_on_its_stars_and_no_stars_is_also_a_document_without_them():
    from services.search.index.elastic import compile_query
    from services.search.query.ast import FileRating

    assert compile_query(FileRating(4, 5)) == {"range": {"stars": {"gte": 4, "lte": 5}}}
    assert compile_query(FileRating(0, 1)) == {"bool": {"should": [
        {"range": {"stars": {"gte": 0, "lte": 1}}}, {"bool": {"must_not": [{"exists": {"field": "stars"}}]}}],
        "minimum_should_match": 1}}


def test_person_words_are_one_nested_face_query():
    [person] = clauses("happy woman in her 20ies")
    assert person["nested"]["path"] == "faces" and len(person["nested"]["query"]["bool"]["must"]) == 3


def test_several_words_earn_the_whole_phrase_bonus_by_its_weight_and_one_word_none():
    [bonus] = body("tabby cat")["query"]["bool"]["should"]
    scored = bonus["nested"]["query"]["function_score"]
    assert bonus["nested"]["path"] == "terms" and scored["query"] == {"term": {"terms.value": "tabby cat"}}
    assert scored["functions"][0]["field_value_factor"] == {"field": "terms.weight", "factor": PHRASE_BONUS,
                                                            "missing": 0.5}
    assert body("cat")["query"]["bool"]["should"] == []


def test_results_rank_by_score_then_newest_and_browsing_is_newest_first():
    assert body("cat")["sort"] == [{"_score": "desc"}, {"sort_time": "desc"}]
    assert body("")["sort"] == [{"sort_time": "desc"}]
    assert body("")["query"]["bool"]["must"] == [{"match_all": {}}]


def test_faces_and_terms_are_nested_and_places_geo_points():
    properties = MAPPINGS["properties"]
    assert properties["faces"]["type"] == properties["terms"]["type"] == "nested"
    assert properties["location"]["type"] == "geo_point" and MAPPINGS["dynamic"] == "strict"


def test_map_clusters_are_a_geotile_grid_in_the_users_box_with_centroids_and_newest_photos():
    sent = clusters_body([ALICE], (-90.0, 20.0, -75.0, 30.0), 7)
    assert sent["size"] == 0
    assert sent["query"]["bool"]["filter"] == [
        {"terms": {"dirs": [ALICE]}},
        {"geo_bounding_box": {"location": {"top_left": {"lat": 30.0, "lon": -90.0},
                                           "bottom_right": {"lat": 20.0, "lon": -75.0}}}}]
    cells = sent["aggs"]["cells"]
    assert cells["geotile_grid"] == {"field": "location", "precision": 9, "size": 4096}  # 4 cells a tile side
    assert cells["aggs"] == {"centre": {"geo_centroid": {"field": "location"}},
                             "newest": {"top_hits": {"size": 1, "_source": False,
                                                     "sort": [{"sort_time": "desc"}, {"id": "desc"}]}}}
    across = clusters_body([ALICE], (170.0, -10.0, 190.0, 10.0), 5)["query"]["bool"]["filter"][1]
    assert across["geo_bounding_box"]["location"]["top_left"]["lon"] == 170.0  # west > east: across the antimeridian
    assert across["geo_bounding_box"]["location"]["bottom_right"]["lon"] == -170.0
    assert clusters_body([ALICE], (-400.0, -85.0, 400.0, 85.0), 18)["aggs"]["cells"]["geotile_grid"]["precision"] == 6  # 64 x 64 cells over the world


def test_similar_photos_score_by_their_similarity_and_the_embedding_is_an_int8_cosine_vector():
    """`similar:ID` reaches the index as the neighbours the kNN lookup found: each id a constant score of its
    similarity; none found, nothing matches."""
    assert compile_query(Alike("aa", (("bb", 0.9), ("cc", 0.0)))) == {"bool": {"should": [
        {"constant_score": {"filter": {"ids": {"values": ["bb"]}}, "boost": 0.9}},
        {"constant_score": {"filter": {"ids": {"values": ["cc"]}}, "boost": 1e-4}}], "minimum_should_match": 1}}
    assert compile_query(Alike("aa", ())) == {"match_none": {}}
    assert MAPPINGS["properties"]["embedding"] == {"type": "dense_vector", "dims": 1280, "index": True,
                                                   "similarity": "cosine", "index_options": {"type": "int8_hnsw"}}


def test_similar_photos_are_a_knn_search_within_the_users_folders_leaving_the_photo_out():
    assert knn_body("aa", [0.5, 0.5], [ALICE], 100) == {
        "field": "embedding", "query_vector": [0.5, 0.5], "k": 100, "num_candidates": 200,
        "filter": {"bool": {"filter": [{"terms": {"dirs": [ALICE]}}], "must_not": [{"ids": {"values": ["aa"]}}]}}}
    assert knn_body("aa", [1.0], [], 10)["filter"]["bool"]["filter"] == [{"match_none": {}}]
