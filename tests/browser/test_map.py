"""The map in the browser: Leaflet and markercluster served from the site, tiles from the configured tile server
(allowed by the CSP, nothing else), pins from the server's clusters of her GPS photos only (desktop and phone)."""
from __future__ import annotations

import io

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import expect

from fixtures.browser import signed_in
from fixtures.gateway import add_photo
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings

PLACES = {"alice": [("miami", 25.7743, -80.1937), ("miami-beach", 25.7907, -80.1300),
                    ("fort-lauderdale", 26.1224, -80.1373), ("paris", 48.8534, 2.3488),
                    ("versailles", 48.8049, 2.1204), ("tokyo", 35.6895, 139.6917)],
          "bob": [("sydney", -33.8679, 151.2073)]}


def tile_png() -> bytes:
    """A 256-pixel tile: sea blue with a grid line, so the screenshots show the tiles came."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (256, 256), (38, 62, 92))
    ImageDraw.Draw(image).rectangle((0, 0, 255, 255), outline=(70, 100, 140))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def tiles():
    """A tile server of our own on another port (another origin than the gallery's)."""
    png = tile_png()

    async def tile(request: web.Request) -> web.Response:
        return web.Response(body=png, content_type="image/png")

    app = web.Application()
    app.router.add_get("/{z}/{x}/{y}.png", tile)
    async with TestServer(app) as server:
        yield str(server.make_url("/")).rstrip("/") + "/{z}/{x}/{y}.png"


@pytest.fixture
async def gallery(world, tiles):
    """The world's gateway with the tile setting, served again (the CSP is made when the app is)."""
    for owner, places in PLACES.items():
        for seed, (name, lat, lon) in enumerate(places, start=200 if owner == "alice" else 300):
            add_photo(world, owner, f"{name}.jpg", seed, "2020-05-01T12:00:00", (lat, lon))
    world.gateway.settings = GatewaySettings(map_tiles=tiles, map_attribution="test tiles")
    async with TestClient(TestServer(create_app(world.gateway))) as client:
        yield client


async def test_the_map_shows_her_photos_as_server_clusters_over_the_configured_tiles(world, gallery, sized_page,
                                                                                     password):
    page = sized_page
    await signed_in(page, str(gallery.make_url("/")), "alice", password)
    await page.click("#map-button")
    assert page.url.endswith("/map")
    canvas = page.locator("#map-canvas")
    await expect(canvas.locator(".leaflet-tile-loaded").first).to_be_attached()  # the tile host is allowed
    await expect(page.locator("#map")).to_have_attribute("data-total", "6")  # hers, not bob's Sydney photo
    pins = canvas.locator(".photo-pin, .marker-cluster")
    await expect(pins).to_have_count(3)  # Florida (3), around Paris (2), Tokyo (1)
    assert sorted(await pins.all_text_contents()) == ["", "2", "3"]
    await page.shot("map-world")

    zoom = int(await page.locator("#map").get_attribute("data-zoom"))
    await canvas.locator(".photo-pin", has_text="3").click()  # a cluster zooms in
    await expect(page.locator("#map")).to_have_attribute("data-zoom", str(zoom + 3))
    await page.shot("map-florida")
    await expect(pins).to_have_count(1)  # only Florida is in view
    await page.goto(str(gallery.make_url("/map")))  # the route opens the map itself
    tokyo = page.locator("#map-canvas .photo-pin:not(:has(span))")
    await expect(tokyo).to_have_count(1)
    await tokyo.click()  # one photo opens the viewer
    await expect(page.locator(".pswp__item[aria-hidden=false] img.pswp__img")).to_have_attribute(
        "src", f"/media/{world.ids['alice/tokyo.jpg']}/thumb?size=1280")
    await page.click(".pswp__button--info")
    await expect(page.locator("#viewer")).to_be_visible()
    await expect(page.locator("#details")).to_contain_text("tokyo.jpg")
    await page.shot("map-photo")
    assert page.errors == [] and await page.csp() == []
