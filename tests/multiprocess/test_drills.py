"""Failure drills on the real RabbitMQ with every service its own process: afterwards every photo is analysed once.

The broker drill stops and starts the RabbitMQ application (rabbitmqctl stop_app / start_app) on this machine's
broker: it runs while this test's own services are the only ones using it (the suite runs tests one at a time).
"""
import sqlite3
import subprocess
import threading
import time

import pytest

from fixtures.cluster import Cluster, photo_cluster, wait_until

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]
N = 90


@pytest.fixture
def cluster(tmp_path, amqp_url, exchange_name):
    cluster = photo_cluster(tmp_path, amqp_url, exchange_name, N)
    yield cluster
    cluster.stop()


def every_photo_once(cluster: Cluster) -> None:
    wait_until(lambda: cluster.analysed() == N, 300, f"all {N} photos analysed")
    assert cluster.count("SELECT COUNT(*) FROM photos") == N
    assert cluster.count("SELECT COUNT(*), COUNT(DISTINCT path) FROM paths") == N


def rabbitmqctl(*args: str) -> None:
    done = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_broker_restarted_mid_run(cluster):
    cluster.start_all(vision_workers=1)
    wait_until(lambda: cluster.analysed() >= 1, 300, "the pipeline to get going", poll=0.02)
    rabbitmqctl("stop_app")
    try:
        time.sleep(3)
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
    every_photo_once(cluster)


def test_the_index_unreachable_for_a_while(cluster):
    db = cluster.data / "picsift.db"
    cluster.start_all(vision_workers=1)
    wait_until(lambda: cluster.count("SELECT COUNT(*) FROM photos") >= 1, 300, "the first photo indexed", 0.02)
    locked = threading.Event()

    def hold_the_index() -> None:
        with sqlite3.connect(db, timeout=30, isolation_level=None) as conn:
            conn.execute("BEGIN EXCLUSIVE")
            locked.set()
            time.sleep(8)
            conn.execute("COMMIT")

    holder = threading.Thread(target=hold_the_index)
    holder.start()
    locked.wait(30)
    holder.join()
    every_photo_once(cluster)
