"""The Elasticsearch 8 Index: faces as nested documents, `_name`d clauses, geo_point places, bulk upserts.

Runs the synchronous elasticsearch-py client on the caller's worker thread (the search API and the indexer
already call the Index port off the event loop).
"""
from __future__ import annotations

import posixpath
import time

from elasticsearch import Elasticsearch, helpers

from proto import embedding, pb
from services.search.index import browse
from services.search.index.port import Hit, Index, MapCluster, SearchResult, index_terms
from services.search.policy import (
    FACET_KEYS, FILTER_KEYS, PHRASE_BONUS, asker_matches, explain_hit, in_facets, matches, normalize_value,
    word_values,
)
from services.search.query.ast import (
    Alike, And, AtLeast, Compound, DateRange, FaceCount, FacesOf, FileRating, Filter, Ids, Near, Node, Not, Or, Person,
    Phrase, Query, Word, positive_atoms, positive_persons,
)
from services.search.record_view import status_of
from services.pipeline.stages import STATUS_STAGES
from services.search.store import file_stars, sort_time, under_roots

KEYWORD = {"type": "keyword"}
EMBEDDING_DIMS = 1280
# The photo's embedding (vision's MobileNetV2 features) for `similar:ID`: cosine, kept as int8 in the HNSW graph.
EMBEDDING = {"embedding": {"type": "dense_vector", "dims": EMBEDDING_DIMS, "index": True, "similarity": "cosine",
                           "index_options": {"type": "int8_hnsw"}}}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,  # newest-first browsing breaks time ties by id
        "paths": KEYWORD,
        "dirs": KEYWORD,  # every folder above every path: per-user scoping is a terms filter on it
        "sort_time": {"type": "double"},
        "location": {"type": "geo_point"},
        "faces_count": {"type": "integer"},
        "stars": {"type": "integer"},  # the file's XMP rating
        "month_day": {"type": "integer"},  # 1231 for 31 December (local, as sort_time): "on this day"
        "terms": {"type": "nested", "properties": {
            "key": KEYWORD, "value": KEYWORD, "source": KEYWORD, "weight": {"type": "float"},
            "face": {"type": "integer"}, "whole": {"type": "boolean"}}},
        "faces": {"type": "nested", "properties": {"face": {"type": "integer"}, "words": KEYWORD}},
        "facets": {"properties": {key: KEYWORD for key in FACET_KEYS}},
        "status": {"properties": {stage: KEYWORD for stage in STATUS_STAGES}},
        "indexed_at": {"type": "date", "format": "epoch_millis"},  # for "photos indexed over time" in Kibana
        **EMBEDDING,
    },
}
SETTINGS = {"number_of_shards": 1, "refresh_interval": "1s"}
FACET_SIZE = 10
SCORE_FLOOR = 1e-4  # the least boost a clause is given (a boost of 0 would leave a match unranked)


def dirs_of(paths) -> list[str]:
    found: set[str] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder not in ("/", ""):
            found.add(folder)
            folder = posixpath.dirname(folder)
    return sorted(found)


def document(record: pb.Record) -> dict:
    terms = index_terms(record)
    faces: dict[int, list[str]] = {}
    facets: dict[str, list[str]] = {}
    for term in terms:
        if term.face:
            faces.setdefault(term.face, []).append(term.value)
        if term.whole and in_facets(term.key, term.value) and term.value not in facets.setdefault(term.key, []):
            facets[term.key].append(term.value)
    doc = {"id": record.id, "paths": list(record.paths), "dirs": dirs_of(record.paths), "sort_time": sort_time(record),
           "faces_count": len(record.vision.faces), "stars": file_stars(record),
           "month_day": browse.month_day(sort_time(record)),
           "terms": [{"key": t.key, "value": t.value, "source": t.source, "weight": round(t.weight, 4),
                      "face": t.face, "whole": t.whole} for t in terms],
           "faces": [{"face": face, "words": words} for face, words in sorted(faces.items())],
           "facets": facets, "status": status_of(record), "indexed_at": int(time.time() * 1000)}
    if record.exif.has_place:
        doc["location"] = {"lat": record.exif.place.lat, "lon": record.exif.place.lon}
    vector = embedding.unpack(record.vision.embedding)
    if len(vector) == EMBEDDING_DIMS and vector.any():
        doc["embedding"] = [round(x, 5) for x in vector.tolist()]
    return doc


def word_clause(field: str, text: str) -> dict:
    """A word: a value equal to it or to one of its synonyms (policy.word_values)."""
    return {"terms": {field: [value for value, _ in word_values(text)]}}


def term_clause(atom: Node) -> dict:
    """The condition on one nested terms entry for a word, phrase or key:value atom."""
    if isinstance(atom, Word):
        return word_clause("terms.value", atom.text)
    if isinstance(atom, (Phrase, Compound)):
        return {"term": {"terms.value": " ".join(atom.words)}}
    if isinstance(atom, Filter):
        must = [{"terms": {"terms.key": list(FILTER_KEYS.get(atom.key, (atom.key,)))}}]
        if atom.value:
            must.append({"prefix": {"terms.value": normalize_value(atom.value)}})
        return {"bool": {"must": must}}
    raise TypeError(f"not a term atom: {atom!r}")


def atom_name(atom: Node) -> str:
    if isinstance(atom, Word):
        return atom.text
    if isinstance(atom, (Phrase, Compound)):
        return '"' + " ".join(atom.words) + '"'
    return f"{atom.key}:{atom.value}"


def scored(atom: Node) -> dict:
    """A nested match scored by the best matching term's weight (times the policy's factor for a word's
    synonyms), named for explain."""
    functions: list[dict] = [{"field_value_factor": {"field": "terms.weight", "missing": 0.5}}]
    if isinstance(atom, Word):
        functions += [{"filter": {"term": {"terms.value": value}}, "weight": factor}
                      for value, factor in word_values(atom.text) if factor != 1.0]
    return {"nested": {"path": "terms", "score_mode": "max", "_name": atom_name(atom), "query": {
        "function_score": {"query": term_clause(atom), "boost_mode": "replace", "score_mode": "multiply",
                           "functions": functions}}}}


def compile_query(node: Node | None) -> dict:
    """The AST as Elasticsearch query DSL (scope is added by the caller)."""
    if node is None:
        return {"match_all": {}}
    if isinstance(node, (Word, Compound, Filter)):
        return scored(node)
    if isinstance(node, Phrase):
        return {"bool": {"should": [scored(node), {"bool": {"must": [scored(Word(w)) for w in node.words]}}],
                         "minimum_should_match": 1}}
    if isinstance(node, Person):
        return face_clause([w for w in node.words if isinstance(w, Word)],
                           next((w for w in node.words if isinstance(w, FacesOf)), None))
    if isinstance(node, FacesOf):
        return {"ids": {"values": sorted({photo for photo, _ in node.faces})}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [compile_query(node.node)]}}
    if isinstance(node, And):
        return {"bool": {"must": [compile_query(n) for n in node.nodes]}}
    if isinstance(node, Or):
        return {"bool": {"should": [compile_query(n) for n in node.nodes], "minimum_should_match": 1}}
    if isinstance(node, AtLeast):
        return {"bool": {"should": [compile_query(n) for n in node.nodes], "minimum_should_match": node.count}}
    if isinstance(node, DateRange):
        bounds = {**({"gte": node.start} if node.start is not None else {}),
                  **({"lt": node.end} if node.end is not None else {})}
        return {"range": {"sort_time": bounds}}
    if isinstance(node, Near):
        return {"geo_distance": {"distance": f"{node.km}km", "location": {"lat": node.lat, "lon": node.lon}}}
    if isinstance(node, Ids):
        return {"ids": {"values": sorted(node.ids)}}
    if isinstance(node, Alike):
        return alike_clause(node)
    if isinstance(node, FaceCount):
        return {"range": {"faces_count": {"gte": node.low, "lte": node.high}}}
    if isinstance(node, FileRating):  # a document written before the field existed is unrated
        unrated = {"bool": {"must_not": [{"exists": {"field": "stars"}}]}}
        within = {"range": {"stars": {"gte": node.low, "lte": node.high}}}
        return {"bool": {"should": [within, unrated], "minimum_should_match": 1}} if node.low == 0 else within
    raise TypeError(f"unknown query node {node!r}")


def alike_clause(node: Alike) -> dict:
    """The neighbours of a photo, each scored by its similarity (a constant score per id: the ranking the vector
    index gave)."""
    if not node.scores:
        return {"match_none": {}}
    return {"bool": {"should": [{"constant_score": {"filter": {"ids": {"values": [photo]}},
                                                    "boost": max(similarity, SCORE_FLOOR)}}
                                for photo, similarity in node.scores], "minimum_should_match": 1}}


def face_clause(words: list[Word], person: FacesOf | None) -> dict:
    """One face holding every word and, for a named person, being one of her faces: per face number, her photos
    with that face holding the words."""
    def nested(extra: list[dict]) -> dict:
        return {"nested": {"path": "faces", "_name": "person:" + " ".join(w.text for w in words), "query": {
            "bool": {"must": [word_clause("faces.words", w.text) for w in words] + extra}}}}

    if person is None:
        return nested([])
    photos: dict[int, list[str]] = {}
    for photo, face in person.faces:
        photos.setdefault(face, []).append(photo)
    return {"bool": {"should": [{"bool": {"must": [{"ids": {"values": sorted(ids)}},
                                                   nested([{"term": {"faces.face": face}}])]}}
                                for face, ids in sorted(photos.items())], "minimum_should_match": 1}}


def scope_filter(roots: list[str] | None) -> list[dict]:
    if roots is None:
        return []
    if not roots:
        return [{"match_none": {}}]
    return [{"terms": {"dirs": [root.rstrip("/") for root in roots]}}]


def phrase_bonus(words: list[str]) -> list[dict]:
    """A bonus when a term holds the query's words as one phrase, in proportion to its weight."""
    if len(words) < 2:
        return []
    return [{"nested": {"path": "terms", "score_mode": "max", "query": {"function_score": {
        "query": {"term": {"terms.value": " ".join(words)}}, "boost_mode": "replace",
        "functions": [{"field_value_factor": {"field": "terms.weight", "factor": PHRASE_BONUS, "missing": 0.5}}]}}}}]


def search_body(query: Query, roots: list[str] | None, offset: int, limit: int) -> dict:
    """The whole request body: the query, scope as a filter, sort, paging and facet aggregations."""
    return {
        "query": {"bool": {"must": [compile_query(query.root)], "should": phrase_bonus(query.words()),
                           "filter": scope_filter(roots)}},
        "sort": [{"_score": "desc"}, {"sort_time": "desc"}] if query.root is not None else [{"sort_time": "desc"}],
        "from": offset, "size": limit, "track_total_hits": True,
        "aggs": {key: {"terms": {"field": f"facets.{key}", "size": FACET_SIZE}} for key in FACET_KEYS},
        "_source": ["paths", "terms", "stars"],
    }


def clusters_body(roots: list[str], box: tuple[float, float, float, float], zoom: int) -> dict:
    """The scope's photos in the box on a geotile grid two levels below the zoom's tiles (browse.TILE_CELLS = 4
    cells a side), each cell's centroid and newest photo."""
    west, south, east, north = box
    if east - west >= 360:
        west, east = -180.0, 180.0
    else:  # wrapped; west > east then crosses the antimeridian, as geo_bounding_box reads it
        west, east = (west + 180) % 360 - 180, (east + 180) % 360 - 180
    area = {"geo_bounding_box": {"location": {"top_left": {"lat": min(north, 90), "lon": west},
                                              "bottom_right": {"lat": max(south, -90), "lon": east}}}}
    newest = {"size": 1, "_source": False, "sort": [{"sort_time": "desc"}, {"id": "desc"}]}
    return {"size": 0, "query": {"bool": {"filter": [*scope_filter(roots), area]}},
            "aggs": {"cells": {"geotile_grid": {"field": "location", "precision": min(browse.cell_zoom(*box, zoom) + 2, 29),
                                                "size": browse.MAX_CELLS},
                               "aggs": {"centre": {"geo_centroid": {"field": "location"}},
                                        "newest": {"top_hits": newest}}}}}


def knn_body(photo: str, vector: list[float], roots: list[str] | None, count: int) -> dict:
    """The photos under the roots nearest this embedding, the photo itself left out; the graph visits at least 100
    candidates (Elasticsearch allows 10,000)."""
    return {"field": "embedding", "query_vector": vector, "k": count, "num_candidates": min(max(100, 2 * count), 10_000),
            "filter": {"bool": {"filter": scope_filter(roots), "must_not": [{"ids": {"values": [photo]}}]}}}


class ElasticIndex(Index):
    def __init__(self, url: str, index: str = "picsift-photos", client: Elasticsearch | None = None,
                 refresh: bool | str = False):
        self.client = client or Elasticsearch(url, request_timeout=30, retry_on_timeout=True, max_retries=3)
        self.index = index
        self.refresh = refresh  # staged availability: the default 1 s refresh; tests ask for "wait_for"
        if not self.client.indices.exists(index=index):
            self.client.indices.create(index=index, mappings=MAPPINGS, settings=SETTINGS)
        else:  # fields added since it was made (a new stage's status, stars, month_day, the embedding): strict
            # mappings refuse documents holding them; documents written before lack them until `picsift reindex`
            self.client.indices.put_mapping(index=index, properties=MAPPINGS["properties"])

    def close(self) -> None:
        self.client.close()

    def upsert(self, record: pb.Record) -> None:
        self.client.index(index=self.index, id=record.id, document=document(record), refresh=self.refresh)

    def upsert_many(self, records: list[pb.Record]) -> None:
        actions = ({"_op_type": "index", "_index": self.index, "_id": r.id, "_source": document(r)} for r in records)
        helpers.bulk(self.client, actions, refresh=self.refresh)

    def run(self, query: Query, roots: list[str] | None, offset: int, limit: int, explain: bool) -> SearchResult:
        response = self.client.search(index=self.index, **search_body(query, roots, offset, limit))
        atoms, persons = positive_atoms(query.root), positive_persons(query.root)
        asked, hits = asker_matches(atoms), []
        for raw in response["hits"]["hits"]:
            source = raw["_source"]
            inside = [p for p in sorted(source["paths"]) if under_roots(p, roots)]
            hit = Hit(raw["_id"], inside, round(raw.get("_score") or 0.0, 4), source.get("stars", 0))
            explain_hit(hit, [(t["weight"], t["key"], t["value"], t["source"], t["face"]) for t in source["terms"]
                              if any(matches(t["key"], t["value"], atom) for atom in atoms)]
                        + asked.get(hit.id, []), atoms, explain, persons)
            hits.append(hit)
        total = response["hits"]["total"]["value"]
        facets = {key: [{"value": b["key"], "count": b["doc_count"]} for b in agg["buckets"]]
                  for key, agg in response.get("aggregations", {}).items()}
        return SearchResult(total, hits, facets, offset + limit if offset + limit < total else None)

    holds_vectors = True

    def neighbours(self, photo: str, roots: list[str] | None, count: int) -> list[tuple[str, float]] | None:
        """Elasticsearch's kNN over the `embedding` dense_vector, filtered to the roots (see Index.neighbours)."""
        scope = scope_filter(roots)
        asked = self.client.search(index=self.index, query={"bool": {"filter": [{"ids": {"values": [photo]}}, *scope]}},
                                   size=1, _source=["embedding"])["hits"]["hits"]
        if not asked:
            return None
        vector = asked[0]["_source"].get("embedding")
        if not vector:
            return []
        found = self.client.search(index=self.index, size=count, _source=False, knn=knn_body(photo, vector, roots, count))
        return [(hit["_id"], round(2 * hit["_score"] - 1, 4)) for hit in found["hits"]["hits"]]  # (1 + cos) / 2 back

    def newest(self, roots: list[str], before: tuple[float, str] | None, limit: int) -> list[str]:
        response = self.client.search(index=self.index, query={"bool": {"filter": scope_filter(roots)}},
                                      sort=[{"sort_time": "desc"}, {"id": "desc"}], size=limit, _source=False,
                                      **({"search_after": list(before)} if before else {}))
        return [raw["_id"] for raw in response["hits"]["hits"]]

    def suggest(self, prefix: str, roots: list[str] | None, limit: int = 10) -> list[dict]:
        value = normalize_value(prefix) if prefix.strip() else ""
        if not value:
            return []
        response = self.client.search(index=self.index, size=0, query={"bool": {"filter": scope_filter(roots)}},
                                      aggs={"terms": {"nested": {"path": "terms"}, "aggs": {"matching": {
                                          "filter": {"prefix": {"terms.value": value}},
                                          "aggs": {"values": {"terms": {"field": "terms.value", "size": limit}}}}}}})
        buckets = response["aggregations"]["terms"]["matching"]["values"]["buckets"]
        return [{"key": "", "value": b["key"], "count": b["doc_count"]} for b in buckets]

    def timeline(self, roots: list[str]) -> list[browse.Month]:
        """Two aggregations: the scope's first and last times, then a range per local month between them (the
        first and last ranges open-ended, as the bitmap index clamps odd file times into them)."""
        scope = {"bool": {"filter": scope_filter(roots)}}
        span = self.client.search(index=self.index, size=0, query=scope, aggs={
            "low": {"min": {"field": "sort_time"}}, "high": {"max": {"field": "sort_time"}}})["aggregations"]
        if span["low"]["value"] is None:
            return []
        edges = browse.month_edges(span["low"]["value"], span["high"]["value"])
        ranges = [{"key": label, **({"from": start} if i else {}), **({"to": end} if i < len(edges) - 2 else {})}
                  for i, ((label, start), (_, end)) in enumerate(zip(edges, edges[1:]))]
        buckets = self.client.search(index=self.index, size=0, query=scope, aggs={
            "months": {"range": {"field": "sort_time", "ranges": ranges}}})["aggregations"]["months"]["buckets"]
        counts = {b["key"]: b["doc_count"] for b in buckets}
        return [browse.Month(label, counts[label], start, end)
                for (label, start), (_, end) in reversed(list(zip(edges, edges[1:]))) if counts.get(label)]

    def on_this_day(self, roots: list[str], day: int, before: float, limit: int) -> tuple[list[str], int]:
        query = {"bool": {"filter": [*scope_filter(roots), {"term": {"month_day": day}},
                                     {"range": {"sort_time": {"lt": before}}}]}}
        response = self.client.search(index=self.index, query=query, sort=[{"sort_time": "desc"}, {"id": "desc"}],
                                      size=limit, _source=False, track_total_hits=True)
        return [raw["_id"] for raw in response["hits"]["hits"]], response["hits"]["total"]["value"]

    def clusters(self, roots: list[str], box: tuple[float, float, float, float], zoom: int) -> list[MapCluster]:
        response = self.client.search(index=self.index, **clusters_body(roots, box, zoom))
        found = [MapCluster(round(b["centre"]["location"]["lat"], 6), round(b["centre"]["location"]["lon"], 6),
                            b["doc_count"], b["newest"]["hits"]["hits"][0]["_id"])
                 for b in response["aggregations"]["cells"]["buckets"]]
        return sorted(found, key=lambda c: -c.count)
