"""The Elasticsearch stand-in the tests start is gone, every process of it, once its fixture ends."""
import os
import socket

from fixtures.elastic import noida_server


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_stopping_the_stand_in_stops_its_server_not_just_the_launcher(tmp_path):
    with noida_server(tmp_path) as (url, group):
        port = int(url.rsplit(":", 1)[1])
        assert group_alive(group)
    assert not group_alive(group)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
