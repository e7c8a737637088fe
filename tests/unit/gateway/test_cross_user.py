"""Every route of the router (read from app.router, not a hand list) × {another user, a non-admin's key,
anonymous, a revoked key}: nothing of alice's leaks and nothing of hers changes, including a photo both hold."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

import numpy as np

from fixtures.gateway import photo_record
from proto import embedding, pb

SHARED = "d" * 64  # the same bytes in alice's and in bob's folder
ACTORS = ["other user", "non-admin key", "anonymous", "revoked key"]
BODIES = {  # a plausible body per POST route, so the handler is reached, not just the validator
    "/api/auth/login": {"username": "alice", "password": "not her password"},
    "/api/auth/keys": {"label": "stolen"},
    "/api/auth/password": {"current": "not her password", "new": "a brand new password"},
    "/api/shares": {"ids": ["{id}"]},
    "/api/admin/users": {"name": "mallory", "password": "long enough pw", "roots": ["/"], "admin": True},
    "/api/albums": {"name": "stolen"},
    "/api/albums/{album}/photos": {"ids": ["{id}"]},
    "/api/albums/{album}": {"name": "stolen", "query": "dog"},
    "/api/people/{id}": {"name": "stolen"},
    "/api/people/{id}/merge": {"into": 1},
    "/api/favorites": {"ids": ["{id}"], "favorite": False},
    "/api/downloads": {"ids": ["{id}"]},
    "/api/photos/{id}/rating": {"rating": 1},
    "/api/ratings": {"ids": ["{id}"], "rating": 1},
}
QUERIES = {"/api/search": {"q": "dog", "explain": "1"}, "/api/suggest": {"q": "zanz"}}


def photo_at(path, photo_id, label):
    record = photo_record(photo_id, path, label)
    folder = path.parent.name
    record.terms.extend([pb.Term(key="folder", value=folder, source="path", weight=1.0),
                         pb.Term(key="path", value=folder, source="path", weight=0.8),
                         pb.Term(key="path", value=path.stem, source="path", weight=0.5)])
    return record


@pytest.fixture
async def scene(world, sign_in, jpeg_factory):
    """Alice holds a photo also in bob's folder; she has a share, a live key and a revoked one."""
    gateway, media = world.gateway, world.media
    hers = jpeg_factory(media / "alice" / "zanzibarvault" / "quetzalfile.jpg", seed=9, size=(64, 48))
    his = media / "bob" / "holiday" / "dogday.jpg"
    his.parent.mkdir(parents=True)
    his.write_bytes(hers.read_bytes())
    record = photo_at(hers, SHARED, "dog")
    record.paths.append(str(his))
    record.MergeFrom(pb.Record(terms=photo_at(his, SHARED, "dog").terms[-3:]))
    record.stack.append(str(hers.with_suffix(".quetzalraw")))
    anna = np.random.default_rng(1).standard_normal(1024)
    record.vision.faces[0].embedding = embedding.pack(anna)
    gateway.search.index.upsert(gateway.store.merge(record))
    cat = gateway.store.get(world.ids["alice/cat.jpg"])
    cat.vision.faces[0].embedding = embedding.pack(anna)
    gateway.search.index.upsert(gateway.store.merge(pb.Record(id=cat.id, vision=cat.vision)))
    csrf = await sign_in(world.client, "alice")
    headers = {"X-CSRF-Token": csrf}
    share = await (await world.client.post("/api/shares", json={"ids": [world.ids["alice/cat.jpg"]]},
                                           headers=headers)).json()
    live = await (await world.client.post("/api/auth/keys", json={"label": "live"}, headers=headers)).json()
    revoked = await (await world.client.post("/api/auth/keys", json={"label": "old"}, headers=headers)).json()
    assert (await world.client.delete(f"/api/auth/keys/{revoked['id']}", headers=headers)).status == 200
    album = await (await world.client.post("/api/albums", json={"name": "quetzalalbum"}, headers=headers)).json()
    await world.client.post(f"/api/albums/{album['id']}/photos", json={"ids": [SHARED, world.ids["alice/cat.jpg"]]},
                            headers=headers)
    await world.client.post("/api/albums", json={"name": "quetzalsmart", "query": "zanzibarvault"}, headers=headers)
    await world.client.put(f"/api/photos/{SHARED}/favorite", headers=headers)
    await world.client.put(f"/api/photos/{SHARED}/rating", json={"rating": 5}, headers=headers)
    person = (await (await world.client.get("/api/people")).json())["people"][0]["id"]
    download = await (await world.client.post("/api/downloads", json={"ids": [SHARED, world.ids["alice/cat.jpg"]]},
                                              headers=headers)).json()
    await world.client.patch(f"/api/people/{person}", json={"name": "quetzalperson"}, headers=headers)
    world.client.session.cookie_jar.clear()
    session_id = gateway.users.sessions(gateway.users.get("alice"))[0]["id"]
    secrets = {"zanzibarvault", "quetzalfile", world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"],
               share["token"], share["id"], live["id"], live["key"], str(media / "alice")}
    secrets.update({"quetzalalbum", "quetzalperson", "quetzalsmart"})
    return {"person": person, "download": download["url"].rsplit("/", 1)[1], "share": share, "revoked": revoked["key"], "secrets": secrets, "alice_key": live["key"], "live_id": live["id"],
            "session_id": session_id, "album": album["id"]}


def fill(path: str, photo_id: str, scene: dict) -> str:
    values = {"id": photo_id, "token": scene["share"]["token"], "name": "alice", "stage": "exif",
              "album": str(scene["album"])}
    if path.startswith("/static/"):
        values["name"] = "app.js"
    if path == "/api/shares/{id}":  # alice's share and key ids: taking them down would change her things
        values["id"] = scene["share"]["id"] if photo_id == SHARED else scene["share"]["token"]
    if path.startswith("/api/people/{id}"):  # her person (the other person id of a merge is 1)
        values["id"] = str(scene["person"])
    if path == "/api/downloads/{id}":
        values["id"] = scene["download"]
    if path == "/api/auth/keys/{id}":
        values["id"] = scene["live_id"]
    if path == "/api/auth/sessions/{id}":
        values["id"] = scene["session_id"]
    return re.sub(r"{(\w+)}", lambda match: values[match.group(1)], path)


async def as_actor(world, sign_in, actor: str, scene: dict) -> dict:
    world.client.session.cookie_jar.clear()
    if actor == "other user":
        return {"X-CSRF-Token": await sign_in(world.client, "bob")}
    if actor == "non-admin key":
        csrf = await sign_in(world.client, "bob")
        key = await (await world.client.post("/api/auth/keys", json={}, headers={"X-CSRF-Token": csrf})).json()
        world.client.session.cookie_jar.clear()
        return {"X-API-Key": key["key"]}
    if actor == "revoked key":
        return {"X-API-Key": scene["revoked"]}
    return {}


@pytest.mark.parametrize("actor", ACTORS)
async def test_no_route_leaks_or_changes_another_users_things(world, sign_in, scene, actor):
    app = world.client.server.app
    routes = sorted(((r.method, r.resource.canonical) for r in app.router.routes() if r.method != "HEAD"),
                    key=lambda route: route[1] == "/api/auth/logout")  # the actor signs out last
    public = {path for path, ops in (await (await world.client.get("/api/openapi.json")).json())["paths"].items()
              for op in ops.values() if op.get("security") == []}
    headers = await as_actor(world, sign_in, actor, scene)
    leaks, wrong = [], []
    for method, path in routes:
        for photo_id in (world.ids["alice/cat.jpg"], SHARED):
            url = fill(path, photo_id, scene)
            body = BODIES.get(path)
            if body is not None:
                body = {k: [photo_id] if v == ["{id}"] else v for k, v in body.items()}
            response = await world.client.request(method, url, json=body, params=QUERIES.get(path), headers=headers)
            text = (await response.read()).decode("utf-8", "replace")
            found = sorted(s for s in scene["secrets"] if s in text and not path.startswith("/api/shares/public"))
            if found:
                leaks.append((method, url, response.status, found))
            if actor in ("anonymous", "revoked key") and path not in public and response.status != 401:
                wrong.append((method, url, response.status))
            if path not in public and "{" in path and response.status < 400 and not (
                    photo_id == SHARED and path.startswith(("/api/photos/{id}", "/media/{id}"))):
                wrong.append((method, url, response.status))  # an id of hers alone: a face crop or file leaks so
            if path.startswith(("/api/admin", "/metrics")) and response.status < 400:
                wrong.append((method, url, response.status))
    assert len(routes) > 30
    assert leaks == []
    assert wrong == []
    # nothing of alice's changed: her share and key work, no admin was made, she still signs in
    world.client.session.cookie_jar.clear()
    assert (await world.client.get(f"/api/shares/public/{scene['share']['token']}")).status == 200
    me = await world.client.get("/api/auth/me", headers={"X-API-Key": scene["alice_key"]})
    assert me.status == 200
    users = world.gateway.users
    assert [s["id"] for s in users.sessions(users.get("alice"))] == [scene["session_id"]]
    names = {u.name for u in users.list()}
    assert names == {"alice", "bob", "root"}
    albums = (await (await world.client.get("/api/albums", headers={"X-API-Key": scene["alice_key"]})).json())["items"]
    assert [(a["name"], a["count"], a["query"]) for a in albums] == [("quetzalalbum", 2, None),
                                                                     ("quetzalsmart", 1, "zanzibarvault")]
    photo = await (await world.client.get(f"/api/photos/{SHARED}", headers={"X-API-Key": scene["alice_key"]})).json()
    assert photo["favorite"] is True and (photo["rating"], photo["rated_by"]) == (5, "you")
    people = (await (await world.client.get("/api/people", headers={"X-API-Key": scene["alice_key"]})).json())["people"]
    assert people == [{"id": scene["person"], "name": "quetzalperson", "faces": 2, "photos": 2}]
    face = await world.client.get(f"/api/people/{scene['person']}/face", headers={"X-API-Key": scene["alice_key"]})
    assert face.status == 200 and face.content_type == "image/jpeg"
    download = await world.client.get(f"/api/downloads/{scene['download']}", headers={"X-API-Key": scene["alice_key"]})
    assert download.status == 200 and len(zipfile.ZipFile(io.BytesIO(await download.read())).namelist()) == 2


async def test_bob_sees_his_own_copy_of_the_shared_photo(world, sign_in, scene):
    await sign_in(world.client, "bob")
    photo = await (await world.client.get(f"/api/photos/{SHARED}")).json()
    assert photo["paths"] == [str(world.media / "bob" / "holiday" / "dogday.jpg")]
    assert {("folder", "holiday")} <= {(t["key"], t["value"]) for t in photo["terms"]}
    found = await (await world.client.get("/api/search", params={"q": "holiday", "explain": "1"})).json()
    assert [hit["id"] for hit in found["hits"]] == [SHARED]
    assert (await (await world.client.get("/api/search", params={"q": "zanzibarvault"})).json())["hits"] == []
    items = (await (await world.client.get("/api/suggest", params={"q": "holi"})).json())["items"]
    assert "holiday" in {i["value"] for i in items}
