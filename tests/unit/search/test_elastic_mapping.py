"""An Elasticsearch index made before a stage was added takes the new stage's records once opened again (its
mapping is strict: a field it does not know refuses the whole document)."""
from __future__ import annotations

import copy
import uuid

from elasticsearch import Elasticsearch

from proto import pb
from services.search.index.elastic import MAPPINGS, SETTINGS, ElasticIndex


def test_an_index_made_before_the_text_stage_takes_records_with_its_status(elastic_url):
    name = f"test-{uuid.uuid4().hex[:10]}"
    older = copy.deepcopy(MAPPINGS)
    del older["properties"]["status"]["properties"]["text"]
    client = Elasticsearch(elastic_url)
    client.indices.create(index=name, mappings=older, settings=SETTINGS)
    record = pb.Record(id="ab01", paths=["/media/alice/sign.jpg"])
    record.text.meta.outcome = pb.OUTCOME_OK
    index = ElasticIndex(elastic_url, name, refresh=True)
    try:
        index.upsert(record)
        assert client.get(index=name, id="ab01")["_source"]["status"]["text"] == "ok"
    finally:
        index.close()
        client.close()
