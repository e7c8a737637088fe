"""The audit log: sign-ins, failures, keys, shares and admin changes, one JSON line each, with the request id
the answer carried."""
from __future__ import annotations

import json


def entries(world) -> list[dict]:
    log = world.gateway.data_dir / "audit.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


async def test_account_key_share_and_admin_changes_are_audited(world, sign_in, password):
    failed = await world.client.post("/api/auth/login", json={"username": "alice", "password": "not the password"})
    assert failed.status == 401
    csrf = await sign_in(world.client, "alice")
    headers = {"X-CSRF-Token": csrf}
    key = await (await world.client.post("/api/auth/keys", json={"label": "cron"}, headers=headers)).json()
    await world.client.delete(f"/api/auth/keys/{key['id']}", headers=headers)
    share = await (await world.client.post("/api/shares", json={"query": "cat"}, headers=headers)).json()
    await world.client.delete(f"/api/shares/{share['id']}", headers=headers)
    root_csrf = await sign_in(world.client, "root")
    added = await world.client.post("/api/admin/users", headers={"X-CSRF-Token": root_csrf}, json={
        "name": "carol", "password": "long enough pw", "roots": [str(world.media / "alice")]})
    removed = await world.client.delete("/api/admin/users/carol", headers={"X-CSRF-Token": root_csrf})
    log = entries(world)
    assert [(e["event"], e["user"]) for e in log] == [
        ("login.failed", "alice"), ("login", "alice"), ("key.created", "alice"), ("key.revoked", "alice"),
        ("share.created", "alice"), ("share.revoked", "alice"), ("login", "root"), ("user.added", "root"),
        ("user.removed", "root")]
    assert log[2]["key"] == key["id"]
    assert key["key"] not in (world.gateway.data_dir / "audit.log").read_text()  # never a secret
    assert log[-2]["request_id"] == added.headers["X-Request-Id"]
    assert log[-1]["request_id"] == removed.headers["X-Request-Id"] != log[-2]["request_id"]
    assert all(e["address"] == "127.0.0.1" for e in log)
