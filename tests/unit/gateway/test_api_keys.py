"""API keys: listed, revoked, expiring, read-only; unable to make keys or admins; ended by a password change."""
from __future__ import annotations

import time

from aiohttp.test_utils import TestClient

from services.gateway import users as users_module


async def make_key(world, csrf: str, **options) -> dict:
    response = await world.client.post("/api/auth/keys", json={"label": "cron", **options},
                                       headers={"X-CSRF-Token": csrf})
    assert response.status == 201, await response.text()
    return await response.json()


async def with_key(world, method: str, path: str, key: str, **options):
    return await world.client.request(method, path, headers={"X-API-Key": key}, **options)


async def test_keys_are_listed_and_revoked(world, sign_in):
    csrf = await sign_in(world.client, "alice")
    first, second = await make_key(world, csrf), await make_key(world, csrf, read_only=True, days=30)
    listed = (await (await world.client.get("/api/auth/keys")).json())["items"]
    assert [k["id"] for k in listed] == [first["id"], second["id"]]
    assert [k["read_only"] for k in listed] == [False, True] and listed[1]["expires"] > time.time() + 29 * 86400
    assert all("key" not in k for k in listed)  # a key is shown once, when made
    assert (await world.client.delete(f"/api/auth/keys/{first['id']}", headers={"X-CSRF-Token": csrf})).status == 200
    assert (await with_key(world, "GET", "/api/photos", first["key"])).status == 401
    assert (await with_key(world, "GET", "/api/photos", second["key"])).status == 200
    await sign_in(world.client, "bob")  # another user cannot revoke or see alice's keys
    bob_csrf = await sign_in(world.client, "bob")
    assert (await world.client.delete(f"/api/auth/keys/{second['id']}", headers={"X-CSRF-Token": bob_csrf})).status == 404
    assert (await (await world.client.get("/api/auth/keys")).json())["items"] == []


async def test_a_key_cannot_make_keys_nor_act_as_admin(world, sign_in):
    csrf = await sign_in(world.client, "root")
    key = (await make_key(world, csrf))["key"]
    world.client.session.cookie_jar.clear()
    assert (await with_key(world, "POST", "/api/auth/keys", key, json={"label": "more"})).status == 403
    made = await with_key(world, "POST", "/api/admin/users", key,
                          json={"name": "mallory", "password": "long enough pw", "roots": ["/tmp"], "admin": True})
    assert made.status == 403
    assert (await with_key(world, "GET", "/api/admin/users", key)).status == 403


async def test_a_read_only_key_only_reads(world, sign_in):
    csrf = await sign_in(world.client, "alice")
    key = (await make_key(world, csrf, read_only=True))["key"]
    world.client.session.cookie_jar.clear()
    assert (await with_key(world, "GET", "/api/search?q=beach", key)).status == 200
    assert (await with_key(world, "POST", "/api/shares", key, json={"query": "beach"})).status == 403


async def test_an_expired_key_is_refused(world, sign_in, monkeypatch):
    csrf = await sign_in(world.client, "alice")
    key = (await make_key(world, csrf, days=1))["key"]
    assert (await with_key(world, "GET", "/api/photos", key)).status == 200
    later = time.time() + 2 * 86400
    monkeypatch.setattr(users_module.time, "time", lambda: later)
    assert (await with_key(world, "GET", "/api/photos", key)).status == 401


async def test_a_password_change_ends_keys_and_other_sessions(world, sign_in, password):
    csrf = await sign_in(world.client, "alice")
    key = (await make_key(world, csrf))["key"]
    other = TestClient(world.client.server)  # alice signed in on another device
    await other.start_server()
    await sign_in(other, "alice")
    wrong = await world.client.post("/api/auth/password", json={"current": "not it at all", "new": "a new password!"},
                                    headers={"X-CSRF-Token": csrf})
    assert wrong.status == 403
    changed = await world.client.post("/api/auth/password", json={"current": password, "new": "a new password!"},
                                      headers={"X-CSRF-Token": csrf})
    assert changed.status == 200
    assert (await world.client.get("/api/photos")).status == 200  # this browser stays signed in
    assert (await other.get("/api/photos")).status == 401
    assert (await with_key(world, "GET", "/api/photos", key)).status == 401
    assert (await world.client.post("/api/auth/login", json={"username": "alice", "password": "a new password!"})
            ).status == 200
    await other.session.close()


async def test_a_user_lists_her_sessions_and_ends_another_one(world, sign_in):
    from aiohttp.test_utils import TestClient

    other = TestClient(world.client.server)
    await other.start_server()
    try:
        await sign_in(other, "alice")
        await sign_in(world.client, "bob")
        csrf = await sign_in(world.client, "alice")
        items = (await (await world.client.get("/api/auth/sessions")).json())["items"]
        assert len(items) == 2 and sorted(i["current"] for i in items) == [False, True]
        elsewhere = next(i["id"] for i in items if not i["current"])
        bobs = world.gateway.users.sessions(world.gateway.users.get("bob"))[0]["id"]
        assert (await world.client.delete(f"/api/auth/sessions/{bobs}", headers={"X-CSRF-Token": csrf})).status == 404
        ended = await world.client.delete(f"/api/auth/sessions/{elsewhere}", headers={"X-CSRF-Token": csrf})
        assert ended.status == 200
        assert (await other.get("/api/photos")).status == 401
        assert (await world.client.get("/api/photos")).status == 200
        assert len(world.gateway.users.sessions(world.gateway.users.get("bob"))) == 1
    finally:
        await other.session.close()
