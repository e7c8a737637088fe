"""`picsift service` processes on the real RabbitMQ: SIGKILL ingest and indexer mid-run, every photo lands once."""
from __future__ import annotations

import json

import pytest

from fixtures.cluster import Cluster, count, wait_until

N = 200
pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]


def test_killed_ingest_and_indexer_processes_lose_and_duplicate_nothing(tmp_path, amqp_url, exchange_name,
                                                                       jpeg_factory):
    media = tmp_path / "media"
    for i in range(N):
        jpeg_factory(media / f"day{i % 7}" / f"photo_{i:03}.jpg", seed=1000 + i, size=(480, 360))
    (tmp_path / "logs").mkdir()
    cluster = Cluster(amqp_url, exchange_name, tmp_path / "data", media, tmp_path / "logs",
                      settings={"PICSIFT_STAGES": json.dumps(["indexer"])})
    catalogued = lambda: count(cluster.data / "ingest.db", "SELECT COUNT(*) FROM files")  # noqa: E731
    stored = lambda: cluster.count("SELECT COUNT(*) FROM photos")  # noqa: E731
    try:
        cluster.start("ingest")
        wait_until(lambda: catalogued() >= 30, 120, "ingest to get going")
        cluster.kill("ingest")
        assert catalogued() < N, "ingest finished before it could be killed"
        cluster.start("indexer")
        cluster.start("ingest")
        wait_until(lambda: stored() >= 40, 120, "the indexer to get going")
        cluster.kill("indexer")
        assert stored() < N, "the indexer finished before it could be killed"
        cluster.start("indexer")
        cluster.wait_complete(180, stages=("ingest",))
    finally:
        codes = cluster.stop()
    assert set(codes.values()) == {0}, f"services did not stop cleanly on SIGTERM: {codes}"
