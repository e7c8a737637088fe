"""The HTTP API: every endpoint with and without a session, as the wrong user, as a non-admin; CSRF; shares."""
import pytest

from fixtures.gateway import photo_record
from fixtures.waiting import until
from proto import pb


PROTECTED = [("GET", "/api/auth/me"), ("GET", "/api/photos"), ("GET", "/api/photos/{alice}"),
             ("GET", "/api/search?q=beach"), ("GET", "/api/suggest?q=be"), ("GET", "/media/{alice}/original"),
             ("GET", "/media/{alice}/thumb"), ("POST", "/api/shares"), ("GET", "/api/status"),
             ("GET", "/api/admin/users"), ("POST", "/api/admin/users"), ("DELETE", "/api/admin/users/bob"),
             ("GET", "/api/admin/failed"), ("POST", "/api/admin/rescan"), ("GET", "/api/admin/dead-letters"),
             ("GET", "/metrics"), ("POST", "/api/auth/keys"), ("GET", "/api/admin/ops"), ("POST", "/api/admin/retry")]
ADMIN_ONLY = [("GET", "/api/admin/users"), ("GET", "/api/admin/failed"), ("GET", "/api/admin/dead-letters"),
              ("GET", "/metrics"), ("DELETE", "/api/admin/users/bob"), ("GET", "/api/admin/ops")]


def url(world, template):
    return template.format(alice=world.ids["alice/beach.jpg"])


@pytest.mark.parametrize("method, path", PROTECTED)
async def test_every_endpoint_needs_a_session(world, method, path, sign_in, password):
    response = await world.client.request(method, url(world, path))
    assert response.status == 401
    assert (await response.json())["error"] == "sign in first"


async def test_login_sets_a_strict_httponly_cookie_and_me_answers(world, sign_in, password):
    response = await world.client.post("/api/auth/login", json={"username": "Alice", "password": password})
    cookie = response.headers["Set-Cookie"]
    assert response.status == 200 and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    me = await (await world.client.get("/api/auth/me")).json()
    assert me["user"] == {"name": "alice", "roots": [str(world.media / "alice")], "admin": False}
    assert "Content-Security-Policy" in response.headers


async def test_wrong_passwords_are_throttled(world, sign_in, password):
    for _ in range(3):
        response = await world.client.post("/api/auth/login", json={"username": "alice", "password": "nope-nope-nope"})
        assert response.status == 401
    blocked = await world.client.post("/api/auth/login", json={"username": "alice", "password": password})
    assert blocked.status == 429 and "Retry-After" in blocked.headers


async def test_bad_input_is_a_clear_400(world, sign_in, password):
    await sign_in(world.client, "alice")
    assert (await world.client.post("/api/auth/login", data=b"{not json")).status == 400
    response = await world.client.get("/api/search", params={"q": "(cat"})
    assert response.status == 400 and "missing ')'" in (await response.json())["error"]
    assert (await world.client.get("/api/photos", params={"limit": "0"})).status == 400
    assert (await world.client.get("/api/photos", params={"cursor": "%%%"})).status == 400


async def test_users_see_only_their_own_photos_everywhere(world, sign_in, password):
    await sign_in(world.client, "alice")
    items = (await (await world.client.get("/api/photos")).json())["items"]
    assert {i["id"] for i in items} == {world.ids["alice/beach.jpg"], world.ids["alice/cat.jpg"]}
    found = await (await world.client.get("/api/search", params={"q": "beach"})).json()
    assert [h["id"] for h in found["hits"]] == [world.ids["alice/beach.jpg"]]
    bob = world.ids["bob/secret.jpg"]
    for path in (f"/api/photos/{bob}", f"/media/{bob}/original", f"/media/{bob}/thumb"):
        assert (await world.client.get(path)).status == 404, path


@pytest.mark.parametrize("attempt", ["../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
                                     "0" * 64, "{alice}%00"])
async def test_media_is_served_by_id_never_by_path(world, attempt, sign_in, password):
    await sign_in(world.client, "alice")
    response = await world.client.get(f"/media/{url(world, attempt)}/original")
    assert response.status == 404


async def test_original_supports_range_requests_and_thumbs_sizes(world, sign_in, password):
    await sign_in(world.client, "alice")
    photo_id = world.ids["alice/beach.jpg"]
    whole = (world.media / "alice" / "beach.jpg").read_bytes()
    response = await world.client.get(f"/media/{photo_id}/original", headers={"Range": "bytes=10-19"})
    assert response.status == 206 and await response.read() == whole[10:20]
    assert (await world.client.get(f"/media/{photo_id}/thumb", params={"size": "1280"})).status == 200
    assert (await world.client.get(f"/media/{photo_id}/thumb", params={"size": "77"})).status == 400


async def test_an_original_replaced_by_a_link_to_another_users_photo_is_not_served(world, sign_in, password):
    await sign_in(world.client, "alice")
    bobs = world.media / "bob" / "secret.jpg"
    trip = world.media / "alice" / "trip"
    trip.mkdir()
    (trip / "secret.jpg").write_bytes(bobs.read_bytes())
    world.gateway.store.merge(photo_record("e" * 64, trip / "secret.jpg", "beach"))
    mine = world.media / "alice" / "beach.jpg"
    mine.unlink()
    mine.symlink_to(bobs)  # a file swapped for a link after it was indexed
    response = await world.client.get(f"/media/{world.ids['alice/beach.jpg']}/original")
    assert response.status == 404 and "error" in await response.json()
    (trip / "secret.jpg").unlink()
    trip.rmdir()
    trip.symlink_to(world.media / "bob")  # a folder swapped for a link to another user's folder
    assert (await world.client.get(f"/media/{'e' * 64}/original")).status == 404
    cat = world.ids["alice/cat.jpg"]  # her own photos are still served
    response = await world.client.get(f"/media/{cat}/original")
    assert response.status == 200 and await response.read() == (world.media / "alice" / "cat.jpg").read_bytes()


async def test_photo_detail_has_boxes_and_keeps_exif_text_as_data(world, sign_in, password):
    await sign_in(world.client, "alice")
    photo = await (await world.client.get(f"/api/photos/{world.ids['alice/cat.jpg']}")).json()
    assert photo["faces"][0]["box"] == {"x1": 0.25, "y1": 0.2, "x2": 0.5, "y2": 0.6}
    assert photo["exif"]["description"] == "<script>window.pwned = 1</script>"


async def test_state_changes_need_the_csrf_token(world, sign_in, password):
    csrf = await sign_in(world.client, "alice")
    body = {"ids": [world.ids["alice/beach.jpg"]]}
    assert (await world.client.post("/api/shares", json=body)).status == 403
    assert (await world.client.post("/api/shares", json=body, headers={"X-CSRF-Token": "forged"})).status == 403
    assert (await world.client.post("/api/shares", json=body, headers={"X-CSRF-Token": csrf})).status == 201


async def test_api_keys_work_without_cookies_or_csrf(world, sign_in, password):
    csrf = await sign_in(world.client, "alice")
    key = (await (await world.client.post("/api/auth/keys", json={"label": "cron"},
                                          headers={"X-CSRF-Token": csrf})).json())["key"]
    world.client.session.cookie_jar.clear()
    response = await world.client.get("/api/search", params={"q": "cat"}, headers={"X-API-Key": key})
    assert response.status == 200 and (await response.json())["total"] == 1
    assert (await world.client.get("/api/photos", headers={"X-API-Key": "psk_wrong"})).status == 401


@pytest.mark.parametrize("method, path", ADMIN_ONLY)
async def test_admin_endpoints_check_the_role(world, method, path, sign_in, password):
    csrf = await sign_in(world.client, "alice")
    assert (await world.client.request(method, path, headers={"X-CSRF-Token": csrf})).status == 403


async def test_admin_manages_users(world, sign_in, password):
    csrf = await sign_in(world.client, "root")
    headers = {"X-CSRF-Token": csrf}
    added = await world.client.post("/api/admin/users", headers=headers, json={
        "name": "carol", "password": "long enough pw", "roots": [str(world.media / "alice")]})
    assert added.status == 201
    weak = await world.client.post("/api/admin/users", headers=headers, json={"name": "dan", "password": "short",
                                                                               "roots": [str(world.media / "bob")]})
    assert weak.status == 400 and "10 characters" in (await weak.json())["error"]
    nowhere = await world.client.post("/api/admin/users", headers=headers, json={  # as `picsift users add` says
        "name": "erin", "password": "long enough pw", "roots": [str(world.media / "nowhere")]})
    assert nowhere.status == 400 and (await nowhere.json())["error"] == f"media root not found: {world.media}/nowhere"
    names = [u["name"] for u in (await (await world.client.get("/api/admin/users")).json())["items"]]
    assert names == ["alice", "bob", "carol", "root"]
    assert (await world.client.delete("/api/admin/users/carol", headers=headers)).status == 200
    assert (await world.client.get("/metrics")).status == 200


async def test_shares_show_just_their_photos_read_only_until_they_expire(world, sign_in, password):
    csrf = await sign_in(world.client, "alice")
    headers = {"X-CSRF-Token": csrf}
    bob = world.ids["bob/secret.jpg"]
    assert (await world.client.post("/api/shares", json={"ids": [bob]}, headers=headers)).status == 404
    share = await (await world.client.post("/api/shares", json={"query": "cat"}, headers=headers)).json()
    world.client.session.cookie_jar.clear()
    public = await (await world.client.get(f"/api/shares/public/{share['token']}")).json()
    cat = world.ids["alice/cat.jpg"]
    assert [i["id"] for i in public["items"]] == [cat]
    assert (await world.client.get(f"/api/shares/public/{share['token']}/thumb/{cat}")).status == 200
    other = world.ids["alice/beach.jpg"]
    assert (await world.client.get(f"/api/shares/public/{share['token']}/thumb/{other}")).status == 404
    assert (await world.client.get(f"/api/photos/{cat}")).status == 401
    csrf = await sign_in(world.client, "alice")
    short = await (await world.client.post("/api/shares", json={"ids": [cat], "hours": 0.00002},
                                           headers={"X-CSRF-Token": csrf})).json()
    link = f"/api/shares/public/{short['token']}"

    async def expired() -> bool:
        return (await world.client.get(link)).status == 404

    await until(expired, 10)


async def test_openapi_lists_the_api(world):
    spec = await (await world.client.get("/api/openapi.json")).json()
    assert "/api/search" in spec["paths"] and spec["openapi"].startswith("3.")


async def test_status_counts_only_what_the_user_may_see(world, sign_in, password):
    failed = world.media / "alice" / "broken.jpg"
    world.gateway.store.record_outcome(pb.FileEvent(path=str(failed), root=str(failed.parent),
                                                    outcome=pb.OUTCOME_FAILED, reason="truncated"))
    seen = {}
    for name in ("bob", "alice", "root"):
        await sign_in(world.client, name)
        seen[name] = await (await world.client.get("/api/status")).json()
    assert {name: status["photos"] for name, status in seen.items()} == {"bob": 1, "alice": 2, "root": 3}
    assert {name: status["failed_files"] for name, status in seen.items()} == {"bob": 0, "alice": 1, "root": 1}
    assert set(seen["bob"]["stages"]) == {"ingest", "exif", "vision", "semantic", "hashes", "text"}
    assert all(sum(stage["outcomes"].values()) == 1 for stage in seen["bob"]["stages"].values())


async def test_logout_ends_the_session(world, sign_in, password):
    csrf = await sign_in(world.client, "alice")
    assert (await world.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})).status == 200
    assert (await world.client.get("/api/photos")).status == 401


async def test_suggest_counts_only_the_users_photos(world, sign_in, password):
    await sign_in(world.client, "alice")
    items = (await (await world.client.get("/api/suggest", params={"q": "bea"})).json())["items"]
    assert {(i["value"], i["count"]) for i in items} == {("beach", 1)}


@pytest.mark.parametrize("change,why", [({"admin": "false"}, "admin: Input should be a valid boolean"),
                                        ({"roots": [""]}, "absolute"), ({"roots": ["photos"]}, "absolute")])
async def test_a_new_user_is_not_made_admin_by_a_string_nor_given_the_servers_folder(world, sign_in, change, why):
    csrf = await sign_in(world.client, "root")
    body = {"name": "erin", "password": "long enough pw", "roots": [str(world.media / "alice")], **change}
    refused = await world.client.post("/api/admin/users", headers={"X-CSRF-Token": csrf}, json=body)
    assert refused.status == 400 and why in (await refused.json())["error"]
    assert "erin" not in [u["name"] for u in (await (await world.client.get("/api/admin/users")).json())["items"]]


async def test_a_login_posted_from_another_site_is_refused(world, password):
    """Login CSRF: a cross-site page must not sign a victim into the attacker's account."""
    body = {"username": "alice", "password": password}
    crossed = await world.client.post("/api/auth/login", json=body, headers={"Origin": "https://evil.example"})
    assert crossed.status == 403 and "Set-Cookie" not in crossed.headers
    own = f"http://{world.client.host}:{world.client.port}"
    assert (await world.client.post("/api/auth/login", json=body, headers={"Origin": own})).status == 200


async def test_the_server_header_names_no_versions(world):
    response = await world.client.get("/login")
    assert response.headers["Server"] == "picsift"


async def test_every_route_of_the_router_is_in_the_openapi_document(world):
    """Read from the router itself: a route added without its description fails here."""
    spec = await (await world.client.get("/api/openapi.json")).json()
    routes = [(route.method, route.resource.canonical) for route in world.client.server.app.router.routes()
              if route.method != "HEAD"]  # aiohttp answers HEAD wherever GET is answered
    missing = [(method, path) for method, path in routes if method.lower() not in spec["paths"].get(path, {})]
    assert len(routes) > 30 and missing == []
    documented = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert documented == set(routes)


async def test_the_openapi_document_has_response_schemas_from_the_models(world):
    spec = await (await world.client.get("/api/openapi.json")).json()
    search = spec["paths"]["/api/search"]["get"]
    assert search["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SearchOut"}
    assert {"total", "hits", "facets"} <= set(spec["components"]["schemas"]["SearchOut"]["required"])
    limit = next(p for p in search["parameters"] if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 200)
    assert "429" in spec["paths"]["/api/auth/login"]["post"]["responses"]
    assert spec["paths"]["/api/shares/public/{token}/thumb/{id}"]["get"]["security"] == []
