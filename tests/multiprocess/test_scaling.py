"""Every service its own OS process on RabbitMQ, two vision workers on one queue: every photo analysed once."""
import pytest

from fixtures.cluster import photo_cluster

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]
N = 24


def test_two_vision_workers_share_the_queue_and_every_photo_is_analysed_once(tmp_path, amqp_url, exchange_name):
    cluster = photo_cluster(tmp_path, amqp_url, exchange_name, N)
    try:
        cluster.start_all(vision_workers=2)
        cluster.wait_complete(300)
        done = [cluster.done_by(f"vision{i}", "vision") for i in (1, 2)]
        ingested = cluster.done_by("ingest", "ingest", outcome="new")
    finally:
        codes = cluster.stop()
    assert sum(done) == N and all(d > 0 for d in done), done
    assert ingested == N
    assert set(codes.values()) == {0}, codes
