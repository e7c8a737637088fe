"""Failed logins slow down the one who fails (per name and address, and per address over many names), with
pauses that grow; nobody else is locked out, and unknown names cost what known ones cost."""
from __future__ import annotations

import pytest

from services.gateway import security
from services.gateway.security import LoginThrottle
from services.gateway.users import UserStore


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(security.time, "monotonic", lambda: now[0])
    return now


def test_pauses_grow_with_each_failure_past_the_free_ones(clock):
    throttle = LoginThrottle(attempts=3, window_seconds=600)
    pauses = []
    for _ in range(6):
        throttle.failed("anna", "10.0.0.1")
        pauses.append(throttle.blocked("anna", "10.0.0.1"))
    assert pauses == [0, 0, 1, 2, 4, 8]
    clock[0] += 8
    assert throttle.blocked("anna", "10.0.0.1") == 0  # the pause is over: one more try
    assert throttle.blocked("anna", "10.0.0.2") == 0  # the real anna, elsewhere, is never paused by it


def test_trying_many_names_from_one_address_is_paused_too(clock):
    throttle = LoginThrottle(attempts=3, window_seconds=600)
    for n in range(3 * LoginThrottle.SPRAY_FACTOR):
        assert throttle.blocked(f"name{n}", "10.0.0.9") == 0
        throttle.failed(f"name{n}", "10.0.0.9")
    assert throttle.blocked("someone-new", "10.0.0.9") > 0
    assert throttle.blocked("someone-new", "10.0.0.8") == 0


def test_failures_are_forgotten_after_the_window(clock):
    throttle = LoginThrottle(attempts=1, window_seconds=60)
    throttle.failed("anna", "a")
    assert throttle.blocked("anna", "a") > 0
    clock[0] += 61
    assert throttle.blocked("anna", "a") == 0


def test_a_success_clears_the_names_failures_from_that_address_only(clock):
    throttle = LoginThrottle(attempts=2, window_seconds=600)
    for address in ("10.0.0.1", "10.0.0.2"):
        throttle.failed("anna", address)
        throttle.failed("anna", address)
    throttle.succeeded("anna", "10.0.0.1")
    assert (throttle.blocked("anna", "10.0.0.1"), throttle.blocked("anna", "10.0.0.2")) == (0, 1)


def test_a_pause_counts_from_the_last_failure_and_stops_growing_at_five_minutes(clock):
    throttle = LoginThrottle(attempts=1, window_seconds=10_000)
    throttle.failed("anna", "a")
    clock[0] += 0.25
    assert throttle.blocked("anna", "a") == 0.75
    for _ in range(11):
        throttle.failed("anna", "a")
    assert throttle.blocked("anna", "a") == 300  # 2 ** 11 s, held to the longest pause


def test_a_failure_exactly_as_old_as_the_window_still_counts(clock):
    throttle = LoginThrottle(attempts=1, window_seconds=60)
    for _ in range(10):
        throttle.failed("anna", "a")  # a pause of 2 ** 9 s, held to 300
    clock[0] += 60
    assert throttle.blocked("anna", "a") == 240
    clock[0] += 0.001
    assert throttle.blocked("anna", "a") == 0


def test_past_the_tracked_limit_the_oldest_pairs_and_addresses_are_forgotten(clock, monkeypatch):
    monkeypatch.setattr(LoginThrottle, "MAX_TRACKED", 2)
    throttle = LoginThrottle(attempts=1, window_seconds=600)
    for name, address in (("a", "x"), ("b", "y"), ("c", "z")):
        throttle.failed(name, address)
    assert [throttle.blocked(n, address) for n, address in (("a", "x"), ("b", "y"), ("c", "z"))] == [0, 1, 1]
    spray = LoginThrottle(attempts=1, window_seconds=600)  # four names from one address: paused over any name
    for n in range(LoginThrottle.SPRAY_FACTOR):
        spray.failed(f"name{n}", "x")
    spray.failed("other", "y")
    spray.failed("other", "z")  # x, the oldest address, is forgotten
    assert spray.blocked("someone-new", "x") == 0


async def test_spraying_names_through_the_api_gets_429(world, password):
    for n in range(3 * LoginThrottle.SPRAY_FACTOR):  # the world's gateway allows 3 failures per name
        response = await world.client.post("/api/auth/login", json={"username": f"guess{n}", "password": "x"})
        assert response.status == 401
    blocked = await world.client.post("/api/auth/login", json={"username": "alice", "password": password})
    assert blocked.status == 429 and int(blocked.headers["Retry-After"]) >= 1


def test_an_unknown_name_costs_one_password_check_as_a_known_one_does(tmp_path):
    users = UserStore(tmp_path / "users.db")
    users.add("anna", "a long enough password", [str(tmp_path)])
    calls = []
    real = users._hasher

    class Counting:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(real, name)

    users._hasher = Counting()
    users.verify("anna", "wrong password here")
    known, calls[:] = list(calls), []
    users.verify("nobody", "wrong password here")
    assert calls == known == ["verify"]
    users.close()
