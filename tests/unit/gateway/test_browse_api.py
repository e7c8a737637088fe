"""The timeline and the map over HTTP: per-user month buckets and GPS clusters from the index, the tile setting
in the CSP."""
from __future__ import annotations

import pytest

from fixtures.gateway import photo_record
from proto import pb
from services.gateway.settings import GatewaySettings

MIAMI, PARIS = (25.7743, -80.1937), (48.8534, 2.3488)


def place(record: pb.Record, taken: str, where: tuple[float, float] | None) -> pb.Record:
    record.exif.taken_at, record.exif.taken_at_trusted = taken, True
    if where:
        record.exif.has_place = True
        record.exif.place.CopyFrom(pb.Place(city="x", lat=where[0], lon=where[1]))
    return record


@pytest.fixture
async def dated(world, jpeg_factory):
    """Alice: two photos in July 2019 (Miami), one in March 2021 (Paris), her two undated ones; bob: one in July 2019
    in Miami too."""
    added = {}
    for owner, name, taken, where in (("alice", "a1.jpg", "2019-07-04T10:00:00", MIAMI),
                                      ("alice", "a2.jpg", "2019-07-20T10:00:00", MIAMI),
                                      ("alice", "a3.jpg", "2021-03-01T10:00:00", PARIS),
                                      ("bob", "b1.jpg", "2019-07-05T10:00:00", MIAMI)):
        path = jpeg_factory(world.media / owner / name, seed=len(added) + 20, size=(64, 48))
        photo_id = f"{len(added) + 20:064x}"
        world.gateway.search.index.upsert(world.gateway.store.merge(place(photo_record(photo_id, path, "x"), taken,
                                                                          where)))
        added[name] = photo_id
    return added


async def test_the_timeline_counts_only_her_photos_by_month_and_each_month_starts_the_photo_list(world, dated,
                                                                                                   sign_in):
    await sign_in(world.client, "alice")
    timeline = await (await world.client.get("/api/timeline")).json()
    months = [(m["month"], m["count"]) for m in timeline["months"]]
    assert months[-2:] == [("2021-03", 1), ("2019-07", 2)]  # bob's July photo is not hers; her undated are newest
    assert timeline["total"] == 5
    july = timeline["months"][-1]
    page = await (await world.client.get("/api/photos", params={"cursor": july["cursor"], "limit": 10})).json()
    assert [item["id"] for item in page["items"]] == [dated["a2.jpg"], dated["a1.jpg"]]
    assert {item["month"] for item in page["items"]} == {"2019-07"}


async def test_the_map_clusters_only_her_gps_photos(world, dated, sign_in):
    await sign_in(world.client, "alice")
    far = await (await world.client.get("/api/map", params={"bbox": "-180,-85,180,85", "zoom": "2"})).json()
    assert far["total"] == 3
    assert sorted((c["count"], c["id"]) for c in far["clusters"]) == [(1, dated["a3.jpg"]), (2, dated["a2.jpg"])]
    assert far["clusters"][0]["thumb"] == f"/media/{dated['a2.jpg']}/thumb"
    paris = await (await world.client.get("/api/map", params={"bbox": "0,45,5,50", "zoom": "9"})).json()
    assert [(c["count"], c["id"]) for c in paris["clusters"]] == [(1, dated["a3.jpg"])]
    await sign_in(world.client, "bob")
    his = await (await world.client.get("/api/map")).json()
    assert [(c["count"], c["id"]) for c in his["clusters"]] == [(1, dated["b1.jpg"])]


@pytest.mark.parametrize("params", [{"bbox": "1,2,3"}, {"bbox": "a,b,c,d"}, {"zoom": "23"}, {"zoom": "-1"},
                                    {"bbox": "1e999,0,0,0"}])
async def test_a_bad_box_or_zoom_is_a_400(world, sign_in, params):
    await sign_in(world.client, "alice")
    response = await world.client.get("/api/map", params=params)
    assert response.status == 400 and "error" in await response.json()


async def test_the_tile_host_joins_img_src_and_nothing_else(world, sign_in):
    world.gateway.settings = GatewaySettings(map_tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    from aiohttp.test_utils import TestClient, TestServer
    from services.gateway.app import create_app

    async with TestClient(TestServer(create_app(world.gateway))) as client:
        await sign_in(client, "alice")
        response = await client.get("/api/map/settings")
        assert (await response.json())["tiles"] == "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
        policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
        assert policy["img-src"] == "'self' data: blob: https://*.tiles.example.org"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'" and policy["default-src"] == "'self'"


@pytest.mark.parametrize("url", ["ftp://tiles/{z}/{x}/{y}.png", "https://tiles.example.org/tile.png",
                                 "https://tiles.example.org/{z}/{x}/{y}.png; script-src *",
                                 "https://user:pw@tiles.example.org/{z}/{x}/{y}.png"])
def test_a_tile_url_that_could_widen_the_csp_is_refused(url):
    with pytest.raises(ValueError, match="PICSIFT_GATEWAY_MAP_TILES|map_tiles"):
        GatewaySettings(map_tiles=url)


async def test_the_vendored_map_library_is_served_from_the_site(world, sign_in):
    response = await world.client.get("/static/leaflet.js")
    assert response.status == 200 and "Leaflet" in (await response.text())[:500]
    assert (await world.client.get("/static/assets.json")).status == 404


async def test_on_this_day_shows_her_photos_of_her_date_in_earlier_years(world, dated, sign_in):
    await sign_in(world.client, "alice")
    answer = await (await world.client.get("/api/on-this-day", params={"date": "2024-07-04"})).json()
    assert answer["date"] == "2024-07-04" and answer["total"] == 1
    [item] = answer["items"]
    assert (item["id"], item["year"], item["years_ago"], item["thumb"]) == (
        dated["a1.jpg"], 2019, 5, f"/media/{dated['a1.jpg']}/thumb")
    assert item["favorite"] is False and item["rating"] == 0
    assert (await (await world.client.get("/api/on-this-day", params={"date": "2019-07-04"})).json())["total"] == 0
    assert (await (await world.client.get("/api/on-this-day", params={"date": "2024-07-05"})).json())["items"] == []
    today = await world.client.get("/api/on-this-day")
    assert today.status == 200 and "total" in await today.json()
    for bad in ("2024-13-01", "yesterday", "2024-02-30"):
        refused = await world.client.get("/api/on-this-day", params={"date": bad})
        assert refused.status == 400 and "error" in await refused.json()
    await sign_in(world.client, "bob")
    his = await (await world.client.get("/api/on-this-day", params={"date": "2030-07-05"})).json()
    assert [i["id"] for i in his["items"]] == [dated["b1.jpg"]] and his["items"][0]["years_ago"] == 11
    assert (await world.client.get("/api/on-this-day")).status == 200
    world.client.session.cookie_jar.clear()
    assert (await world.client.get("/api/on-this-day")).status == 401
