"""Shares: their owner lists and revokes them; a share can hide place and date; others never see them."""
from __future__ import annotations


async def make_share(world, csrf: str, **body) -> dict:
    response = await world.client.post("/api/shares", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status == 201, await response.text()
    return await response.json()


async def test_shares_are_listed_and_revoked_by_their_owner_only(world, sign_in):
    csrf = await sign_in(world.client, "alice")
    first = await make_share(world, csrf, query="cat")
    second = await make_share(world, csrf, ids=[world.ids["alice/beach.jpg"]], hours=1)
    listed = (await (await world.client.get("/api/shares")).json())["items"]
    assert [(s["id"], s["photos"], s["query"]) for s in listed] == [(first["id"], 1, "cat"), (second["id"], 1, "")]
    bob_csrf = await sign_in(world.client, "bob")
    assert (await (await world.client.get("/api/shares")).json())["items"] == []
    assert (await world.client.delete(f"/api/shares/{first['id']}", headers={"X-CSRF-Token": bob_csrf})).status == 404
    assert (await world.client.get(f"/api/shares/public/{first['token']}")).status == 200
    csrf = await sign_in(world.client, "alice")
    assert (await world.client.delete(f"/api/shares/{first['id']}", headers={"X-CSRF-Token": csrf})).status == 200
    assert (await world.client.get(f"/api/shares/public/{first['token']}")).status == 404
    assert [s["id"] for s in (await (await world.client.get("/api/shares")).json())["items"]] == [second["id"]]


async def test_a_share_can_hide_place_and_date(world, sign_in):
    csrf = await sign_in(world.client, "alice")
    record = world.gateway.store.get(world.ids["alice/cat.jpg"])
    record.exif.taken_at = "2021-06-01T10:00:00"
    record.exif.has_place = True
    record.exif.place.city = "Arezzo"
    world.gateway.store.merge(record)
    shown, hidden = await make_share(world, csrf, query="cat"), await make_share(world, csrf, query="cat", hide_meta=True)
    world.client.session.cookie_jar.clear()
    item = (await (await world.client.get(f"/api/shares/public/{shown['token']}")).json())["items"][0]
    assert (item["taken"], item["place"]) == ("2021-06-01T10:00:00", "Arezzo")
    item = (await (await world.client.get(f"/api/shares/public/{hidden['token']}")).json())["items"][0]
    assert (item["taken"], item["place"]) == (None, None)


async def test_a_share_shows_only_what_is_still_under_its_owners_folders(world):
    # A share whose list names a photo of someone else's folders (made before her folders changed): the public view
    # and its thumbnails show her own photo, never the other.
    alice = world.gateway.users.get("alice")
    own, other = world.ids["alice/beach.jpg"], world.ids["bob/secret.jpg"]
    share = world.gateway.users.create_share(alice, [own, other], "", hours=1)
    items = (await (await world.client.get(f"/api/shares/public/{share['token']}")).json())["items"]
    assert [item["id"] for item in items] == [own]
    assert (await world.client.get(f"/api/shares/public/{share['token']}/thumb/{other}")).status == 404
