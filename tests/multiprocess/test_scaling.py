"""Every service its own OS process on RabbitMQ, two vision workers on one queue: every photo analysed once."""
import pytest

from fixtures.cluster import photo_cluster, wait_until

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]
N = 24
DRILL_N = 150  # enough that a worker is still busy when it is killed


def test_two_vision_workers_share_the_queue_and_every_photo_is_analysed_once(tmp_path, amqp_url, exchange_name):
    cluster = photo_cluster(tmp_path, amqp_url, exchange_name, N)
    try:
        cluster.start_all(vision_workers=2)
        wait_until(lambda: cluster.analysed() == N, 300, f"all {N} photos analysed")
        done = [cluster.done_by(f"vision{i}", "vision") for i in (1, 2)]
        ingested = cluster.done_by("ingest", "ingest", outcome="new")
    finally:
        codes = cluster.stop()
    assert sum(done) == N and all(d > 0 for d in done), done
    assert ingested == N
    assert cluster.count("SELECT COUNT(*) FROM photos") == N
    assert cluster.count("SELECT COUNT(*), COUNT(DISTINCT path) FROM paths") == N
    assert set(codes.values()) == {0}, codes


def test_a_vision_worker_killed_mid_batch_loses_nothing(tmp_path, amqp_url, exchange_name):
    cluster = photo_cluster(tmp_path, amqp_url, exchange_name, DRILL_N)
    try:
        cluster.start_all(vision_workers=2)
        wait_until(lambda: cluster.analysed() >= 2, 300, "vision to get going", poll=0.02)
        cluster.kill("vision1")  # with up to a prefetch of messages taken but not acked
        assert cluster.analysed() < DRILL_N, "everything was done before the kill"
        wait_until(lambda: cluster.analysed() == DRILL_N, 300, f"all {DRILL_N} photos analysed by the survivor")
    finally:
        cluster.stop()
    assert cluster.count("SELECT COUNT(*) FROM photos") == DRILL_N
    assert cluster.count("SELECT COUNT(*) FROM photo_status WHERE stage = 'vision' AND outcome = 'ok'") == DRILL_N
