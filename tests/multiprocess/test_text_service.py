"""`picsift service text` as its own process on the real RabbitMQ, as compose runs it: the sign on a real photo is
read, the photo without text is not, and the index holds the words."""
from __future__ import annotations

import json

import pytest
from PIL import Image
from skimage import data

from fixtures.cluster import Cluster
from fixtures.signs import WORDS, sign_on_coffee
from services.search.index.bitmap import BitmapIndex
from services.search.store import RecordStore

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]


def test_the_text_service_reads_signs_on_rabbitmq(tmp_path, amqp_url, exchange_name):
    media = tmp_path / "media"
    sign = sign_on_coffee(media / "cafe.jpg")
    Image.fromarray(data.chelsea()).save(media / "chelsea.jpg", quality=90)
    (tmp_path / "logs").mkdir()
    cluster = Cluster(amqp_url, exchange_name, tmp_path / "data", media, tmp_path / "logs",
                      settings={"PICSIFT_STAGES": json.dumps(["text", "indexer"])})
    try:
        for name in ("indexer", "text", "ingest"):
            cluster.start(name)
        cluster.wait_complete(180, stages=("ingest", "text"))
    finally:
        codes = cluster.stop()
    assert set(codes.values()) == {0}, f"services did not stop cleanly on SIGTERM: {codes}"
    store = RecordStore(cluster.db)
    index = BitmapIndex(store)
    try:
        read = store.get(store.id_for_path(str(sign))).text
        cat = store.get(store.id_for_path(str(media / "chelsea.jpg"))).text
        assert read.detected and WORDS <= {t.value for t in read.terms}
        assert not cat.detected and not cat.lines
        assert WORDS <= {value for key, value in index.held_terms(store.id_for_path(str(sign))) if key == "text"}
    finally:
        index.close()
        store.close()
