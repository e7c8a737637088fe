"""Favourites and albums over HTTP: hers alone, searchable, kept through re-indexing and reprocessing."""
from __future__ import annotations

import sqlite3
from urllib.parse import urlencode

from fixtures.gateway import add_photo
from proto import pb
from services.search.marks import Marks


async def ids_found(client, query: str) -> list[str]:
    response = await client.get("/api/search", params={"q": query})
    assert response.status == 200, await response.text()
    return sorted(hit["id"] for hit in (await response.json())["hits"])


async def test_a_favourite_is_hers_shown_on_the_photo_and_in_lists_and_found_by_the_word(world, sign_in):
    cat, beach = world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"]
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    made = await world.client.put(f"/api/photos/{cat}/favorite", headers=headers)
    assert (made.status, await made.json()) == (200, {"id": cat, "favorite": True})
    assert (await (await world.client.get(f"/api/photos/{cat}")).json())["favorite"] is True
    items = (await (await world.client.get("/api/photos")).json())["items"]
    assert {item["id"]: item["favorite"] for item in items} == {cat: True, beach: False}
    assert await ids_found(world.client, "favorite") == [cat]
    assert await ids_found(world.client, "favourites -cat") == []
    hits = (await (await world.client.get("/api/search", params={"q": "beach or cat"})).json())["hits"]
    assert {hit["id"]: hit["favorite"] for hit in hits} == {cat: True, beach: False}

    bob = {"X-CSRF-Token": await sign_in(world.client, "bob")}
    assert (await world.client.put(f"/api/photos/{cat}/favorite", headers=bob)).status == 404  # not his photo
    assert await ids_found(world.client, "favorite") == []
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    assert (await world.client.delete(f"/api/photos/{cat}/favorite", headers=headers)).status == 200
    assert await ids_found(world.client, "favorite") == []


async def test_albums_are_hers_and_searchable_by_name(world, sign_in):
    cat, beach = world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"]
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    made = await world.client.post("/api/albums", json={"name": "Summer  Trip"}, headers=headers)
    album = await made.json()
    assert made.status == 201 and album["name"] == "Summer Trip"
    again = await world.client.post("/api/albums", json={"name": "summer trip"}, headers=headers)
    assert again.status == 400 and "already" in (await again.json())["error"]
    added = await world.client.post(f"/api/albums/{album['id']}/photos", json={"ids": [beach, cat]}, headers=headers)
    assert (await added.json())["count"] == 2
    assert await ids_found(world.client, 'album:"summer trip"') == sorted([beach, cat])
    assert await ids_found(world.client, "album:") == sorted([beach, cat])
    assert await ids_found(world.client, 'album:"summer trip" cat') == [cat]
    detail = await (await world.client.get(f"/api/photos/{cat}")).json()
    assert detail["albums"] == [{"id": album["id"], "name": "Summer Trip"}]
    out = await world.client.delete(f"/api/albums/{album['id']}/photos/{beach}", headers=headers)
    assert out.status == 200
    listed = (await (await world.client.get("/api/albums")).json())["items"]
    assert listed == [{"id": album["id"], "name": "Summer Trip", "count": 1, "cover": cat, "smart": False,
                       "query": None}]

    bob = {"X-CSRF-Token": await sign_in(world.client, "bob")}
    assert (await (await world.client.get("/api/albums")).json())["items"] == []
    assert await ids_found(world.client, "rating:5") == []
    secret = world.ids["bob/secret.jpg"]
    assert (await world.client.post(f"/api/albums/{album['id']}/photos", json={"ids": [secret]},
                                    headers=bob)).status == 404
    assert (await world.client.delete(f"/api/albums/{album['id']}", headers=bob)).status == 404
    assert (await world.client.delete(f"/api/albums/{album['id']}/photos/{cat}", headers=bob)).status == 404
    assert await ids_found(world.client, 'album:"summer trip"') == []
    mine = await (await world.client.post("/api/albums", json={"name": "Summer Trip"}, headers=bob)).json()
    assert (await world.client.post(f"/api/albums/{mine['id']}/photos", json={"ids": [cat]},
                                    headers=bob)).status == 404  # alice's photo cannot go into his album
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    assert await ids_found(world.client, 'album:"summer trip"') == [cat]
    assert (await world.client.delete(f"/api/albums/{album['id']}", headers=headers)).status == 200
    assert await ids_found(world.client, 'album:"summer trip"') == []


async def test_marks_survive_reindexing_and_reprocessing(world, sign_in):
    cat = world.ids["alice/cat.jpg"]
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    await world.client.put(f"/api/photos/{cat}/favorite", headers=headers)
    album = await (await world.client.post("/api/albums", json={"name": "pets"}, headers=headers)).json()
    await world.client.post(f"/api/albums/{album['id']}/photos", json={"ids": [cat]}, headers=headers)
    gateway = world.gateway
    assert gateway.search.index.rebuild(gateway.store) == 3  # `picsift reindex`
    again = pb.Record(id=cat)  # vision ran again: a new part merged into the record
    again.vision.meta.outcome = pb.OUTCOME_OK
    gateway.search.index.upsert(gateway.store.merge(again))
    assert await ids_found(world.client, "favorite album:pets") == [cat]


async def test_a_smart_album_is_her_saved_search_showing_what_it_finds_now(world, sign_in):
    cat, beach = world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"]
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    made = await world.client.post("/api/albums", json={"name": "Beaches", "query": "beach"}, headers=headers)
    album = await made.json()
    assert made.status == 201, album
    assert (album["smart"], album["query"], album["count"], album["cover"]) == (True, "beach", 1, beach)
    assert await ids_found(world.client, "album:beaches") == [beach]  # bob's beach is not hers
    assert await ids_found(world.client, "album:beaches or cat") == sorted([beach, cat])
    assert await ids_found(world.client, "-album:beaches") == [cat]
    shore = add_photo(world, "alice", "shore.jpg", 77, label="beach")  # a new photo that matches: in it, unasked
    assert await ids_found(world.client, "album:beaches") == sorted([beach, shore])
    assert world.gateway.search.index.rebuild(world.gateway.store) == 4  # `picsift reindex`
    assert await ids_found(world.client, "album:beaches") == sorted([beach, shore])

    renamed = await world.client.patch(f"/api/albums/{album['id']}", json={"name": "Sea side"}, headers=headers)
    assert renamed.status == 200 and (await renamed.json())["name"] == "Sea side"
    assert await ids_found(world.client, "album:beaches") == []
    assert await ids_found(world.client, 'album:"sea side"') == sorted([beach, shore])
    nested = await (await world.client.post("/api/albums", json={"name": "Sea cats", "query": 'album:"sea side" or cat'},
                                            headers=headers)).json()
    plain = await (await world.client.post("/api/albums", json={"name": "Plain"}, headers=headers)).json()
    listed = {a["name"]: (a["smart"], a["count"]) for a in (await (await world.client.get("/api/albums")).json())["items"]}
    assert listed == {"Plain": (False, 0), "Sea cats": (True, 3), "Sea side": (True, 2)}

    async def refused(method: str, path: str, body: dict, status: int = 400) -> str:
        response = await world.client.request(method, path, json=body, headers=headers)
        assert response.status == status, (body, await response.text())
        return (await response.json()).get("error", "")

    assert "itself" in await refused("PATCH", f"/api/albums/{album['id']}", {"query": 'album:"sea cats"'})
    assert "itself" in await refused("POST", "/api/albums", {"name": "Loop", "query": "album:loop dog"})
    await refused("POST", "/api/albums", {"name": "x", "query": "album:later"}, 201)  # later names nothing yet
    assert "itself" in await refused("POST", "/api/albums", {"name": "Later", "query": "album:x"})
    y = await (await world.client.post("/api/albums", json={"name": "y", "query": "album:x cat"}, headers=headers)).json()
    assert "itself" in await refused("PATCH", f"/api/albums/{y['id']}", {"name": "later"})  # later -> x -> later
    assert "already" in await refused("POST", "/api/albums", {"name": "plain", "query": "cat"})
    assert "nothing" in await refused("POST", "/api/albums", {"name": "Empty", "query": "   "})
    assert "nothing" in await refused("POST", "/api/albums", {"name": "Empty", "query": "limit:5 the"})
    assert "')'" in await refused("POST", "/api/albums", {"name": "Broken", "query": "(cat or dog"})
    await refused("POST", "/api/albums", {"name": "Empty", "query": ""})
    assert "name" in await refused("POST", "/api/albums", {"name": "   ", "query": "cat"})
    await refused("POST", "/api/albums", {"name": "n" * 201, "query": "cat"})
    await refused("PATCH", f"/api/albums/{album['id']}", {})
    assert "smart" in await refused("POST", f"/api/albums/{album['id']}/photos", {"ids": [cat]})
    assert "smart" in await refused("DELETE", f"/api/albums/{album['id']}/photos/{beach}", {})
    assert "no query" in await refused("PATCH", f"/api/albums/{plain['id']}", {"query": "cat"})
    loop = Marks(world.gateway.store.path)  # one saved before the check existed: a search of it is a clear 400
    loop.create_album("alice", "Ouro", "album:boros")
    loop.create_album("alice", "Boros", "album:ouro")
    loop.close()
    response = await world.client.get("/api/search", params={"q": "cat or album:ouro"})
    assert response.status == 400 and "ouro → boros → ouro" in (await response.json())["error"]
    listed = {a["name"]: a["count"] for a in (await (await world.client.get("/api/albums")).json())["items"]}
    assert listed["Ouro"] == 0 and listed["Sea cats"] == 3

    bob = {"X-CSRF-Token": await sign_in(world.client, "bob")}
    assert "Sea side" not in str(await (await world.client.get("/api/albums")).json())
    assert await ids_found(world.client, 'album:"sea side"') == []
    for method in ("PATCH", "DELETE"):
        response = await world.client.request(method, f"/api/albums/{album['id']}", json={"name": "mine"}, headers=bob)
        assert response.status == 404
    his = await (await world.client.post("/api/albums", json={"name": "Sea side", "query": "beach"},
                                         headers=bob)).json()
    assert (his["count"], his["cover"]) == (1, world.ids["bob/secret.jpg"])
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    assert (await world.client.delete(f"/api/albums/{album['id']}", headers=headers)).status == 200
    assert await ids_found(world.client, 'album:"sea side"') == []
    assert await ids_found(world.client, 'album:"sea cats"') == [cat]  # its album is gone: it names nothing


async def test_a_removed_users_marks_go_with_her(world, sign_in, password):
    cat = world.ids["alice/cat.jpg"]
    alice = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    await world.client.put(f"/api/photos/{cat}/favorite", headers=alice)
    await world.client.post("/api/albums", json={"name": "pets"}, headers=alice)
    await world.client.put(f"/api/photos/{cat}/rating", json={"rating": 5}, headers=alice)
    root = {"X-CSRF-Token": await sign_in(world.client, "root")}
    assert (await world.client.delete("/api/admin/users/alice", headers=root)).status == 200
    world.gateway.users.add("alice", password, [str(world.media / "alice")])
    await sign_in(world.client, "alice")
    assert await ids_found(world.client, "favorite") == []
    assert (await (await world.client.get("/api/albums")).json())["items"] == []


async def test_her_rating_wins_over_the_files_is_shown_everywhere_and_found_by_range(world, sign_in):
    cat, beach = world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"]
    file_rated = pb.Record(id=beach)  # the exif stage read an XMP rating of 4 from the beach photo's file
    file_rated.exif.rating = 4
    world.gateway.search.index.upsert(world.gateway.store.merge(file_rated))
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    assert await ids_found(world.client, "rating:4..5") == [beach]
    detail = await (await world.client.get(f"/api/photos/{beach}")).json()
    assert (detail["rating"], detail["rated_by"]) == (4, "file")

    made = await world.client.put(f"/api/photos/{cat}/rating", json={"rating": 5}, headers=headers)
    assert (made.status, await made.json()) == (200, {"id": cat, "rating": 5, "rated_by": "you"})
    lowered = await world.client.put(f"/api/photos/{beach}/rating", json={"rating": 1}, headers=headers)
    assert (await lowered.json())["rating"] == 1
    assert await ids_found(world.client, "rating:4..5") == [cat]  # her one star beats the file's four
    assert await ids_found(world.client, "rating:>=1 -cat") == [beach]
    items = (await (await world.client.get("/api/photos")).json())["items"]
    assert {i["id"]: (i["rating"], i["rated_by"]) for i in items} == {cat: (5, "you"), beach: (1, "you")}
    hits = (await (await world.client.get("/api/search", params={"q": "beach or cat"})).json())["hits"]
    assert {h["id"]: h["rating"] for h in hits} == {cat: 5, beach: 1}

    back = await world.client.delete(f"/api/photos/{beach}/rating", headers=headers)
    assert (await back.json()) == {"id": beach, "rating": 4, "rated_by": "file"}
    assert await ids_found(world.client, "rating:4..5") == sorted([beach, cat])
    hits = (await (await world.client.get("/api/search", params={"q": "beach or cat"})).json())["hits"]
    assert {h["id"]: (h["rating"], h["rated_by"]) for h in hits} == {cat: (5, "you"), beach: (4, "file")}
    for bad in ({"rating": 6}, {"rating": -1}, {"rating": "5"}, {"rating": 2.5}, {}):
        refused = await world.client.put(f"/api/photos/{cat}/rating", json=bad, headers=headers)
        assert refused.status == 400 and "error" in await refused.json()
    bad_query = await world.client.get("/api/search", params={"q": "rating:9"})
    assert bad_query.status == 400 and "rating takes 0 to 5 stars" in (await bad_query.json())["error"]

    bob = {"X-CSRF-Token": await sign_in(world.client, "bob")}
    assert (await world.client.put(f"/api/photos/{cat}/rating", json={"rating": 1}, headers=bob)).status == 404
    assert await ids_found(world.client, "rating:5") == []  # her stars are hers; his photo has none
    assert (await world.client.put(f"/api/photos/{cat}/rating", json={"rating": 1})).status == 403  # no CSRF token


async def test_many_photos_are_rated_at_once_or_not_at_all_and_ratings_survive_reindexing(world, sign_in):
    cat, beach, secret = world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"], world.ids["bob/secret.jpg"]
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    refused = await world.client.post("/api/ratings", json={"ids": [cat, secret], "rating": 3}, headers=headers)
    assert refused.status == 404
    assert await ids_found(world.client, "rating:3") == []  # none changed
    rated = await world.client.post("/api/ratings", json={"ids": [cat, beach, cat], "rating": 3}, headers=headers)
    assert (await rated.json())["ids"] == [cat, beach]
    assert (await rated.json())["items"][1] == {"id": beach, "rating": 3, "rated_by": "you"}
    gateway = world.gateway
    gateway.search.index.rebuild(gateway.store)  # `picsift reindex`
    assert await ids_found(world.client, "rating:3") == sorted([beach, cat])
    cleared = await world.client.post("/api/ratings", json={"ids": [beach], "rating": None}, headers=headers)
    assert (await cleared.json())["items"] == [{"id": beach, "rating": 0, "rated_by": "file"}]
    assert await ids_found(world.client, "rating:3") == [cat]
    assert await ids_found(world.client, "rating:0") == [beach]


async def test_a_query_nested_past_the_limit_is_refused_and_never_saved(world, sign_in):
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    for deep in ("-" * 600 + "dog", "(" * 300 + "dog" + ")" * 300):
        for method, path, body in (("POST", "/api/albums", {"name": "deep", "query": deep}),
                                   ("GET", "/api/search?" + urlencode({"q": deep}), None)):
            response = await world.client.request(method, path, json=body, headers=headers)
            assert response.status == 400 and "nest more than" in (await response.json())["error"]
    listed = await world.client.get("/api/albums")  # was a 500 on every call once such an album was saved
    assert listed.status == 200 and (await listed.json())["items"] == []


async def test_an_album_named_with_quotes_opens_as_the_gallery_asks_for_it(world, sign_in):
    cat = world.ids["alice/cat.jpg"]
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    album = await (await world.client.post("/api/albums", json={"name": 'My "best" shots'}, headers=headers)).json()
    assert (await world.client.post(f"/api/albums/{album['id']}/photos", json={"ids": [cat]}, headers=headers)).ok
    assert await ids_found(world.client, 'album:"My best shots"') == [cat]  # the gallery leaves quotes out of names


def test_albums_named_with_quotes_before_are_rekeyed_when_opened(tmp_path):
    Marks(tmp_path / "marks.db").close()
    with sqlite3.connect(tmp_path / "marks.db") as db:  # as an older picsift kept it: the quotes in the key
        db.execute("INSERT INTO albums (owner, name, key, created) VALUES ('alice', 'My \"best\" shots', "
                   "'my \"best\" shots', 0)")
    marks = Marks(tmp_path / "marks.db")
    try:
        assert marks.in_albums("alice", "my best shots") == set()  # found by its new key (and holding nothing)
        with sqlite3.connect(tmp_path / "marks.db") as db:
            assert db.execute("SELECT name, key FROM albums").fetchall() == [('My "best" shots', "my best shots")]
    finally:
        marks.close()
