"""Selecting many photos in the browser for one action (favourite, album, a zip the server streams, a share link),
and the light and dark themes following the system's preference (desktop and phone); no CSP violation."""
from __future__ import annotations

import io
import zipfile

import pytest
from playwright.async_api import expect
from skimage import data

from fixtures.browser import signed_in
from fixtures.gateway import add_photo


async def test_select_photos_then_favourite_album_zip_and_share_them(world, sized_page, password):
    page = sized_page
    for seed, name in ((800, "astronaut.jpg"), (801, "coffee.jpg"), (802, "chelsea.jpg")):
        add_photo(world, "alice", name, seed, f"2023-0{seed - 799}-01T10:00:00",
                  pixels=getattr(data, name.split(".")[0])())
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    await expect(page.locator("#grid .tile")).to_have_count(5)
    await page.click("#select-button")
    await expect(page.locator("#bulk")).to_be_visible()
    chosen = [world.ids[f"alice/{name}"] for name in ("astronaut.jpg", "coffee.jpg", "chelsea.jpg")]
    for photo_id in chosen:
        await page.locator(f'.tile[data-id="{photo_id}"]').click()  # selects; the viewer stays shut
    await expect(page.locator("#bulk-count")).to_have_text("3 photos selected")
    await expect(page.locator(".pswp")).to_have_count(0)
    await expect(page.locator(".tile.selected")).to_have_count(3)
    await page.shot("selection")

    await page.click("#bulk-favorite")
    await expect(page.locator(".tile.favorite")).to_have_count(3)
    await page.fill("#bulk-album-name", "Kitchen and space")
    await page.click("#bulk-album button[type=submit]")
    await expect(page.locator("#message")).to_have_text("3 photos added to Kitchen and space (3 photos in it)")

    async with page.expect_download() as download_info:
        await page.click("#bulk-download")
    download = await download_info.value
    assert download.suggested_filename == "picsift-3-photos.zip"
    archive = zipfile.ZipFile(io.BytesIO((await download.path()).read_bytes()))
    assert sorted(archive.namelist()) == ["astronaut.jpg", "chelsea.jpg", "coffee.jpg"]
    assert archive.read("coffee.jpg") == (world.media / "alice" / "coffee.jpg").read_bytes()

    await page.click("#bulk-share")
    message = page.locator("#message")
    await expect(message).to_contain_text("Share link (72 h) for 3 photos: ")
    link = (await message.text_content()).rsplit(": ", 1)[1]
    await page.click("#bulk-done")
    await expect(page.locator(".tile.selected")).to_have_count(0)
    await expect(page.locator("#bulk")).to_be_hidden()
    await page.locator(f'.tile[data-id="{chosen[0]}"]').click()  # out of selecting, a tile opens the viewer again
    await expect(page.locator(".pswp")).to_have_count(1)
    await page.keyboard.press("Escape")

    await page.goto(link)
    await expect(page.locator("#grid .tile")).to_have_count(3)
    assert sorted([await t.get_attribute("data-id") for t in await page.locator(".tile").all()]) == sorted(chosen)
    assert page.errors == [] and await page.csp() == []


@pytest.mark.parametrize("scheme, background", [("light", "rgb(246, 246, 244)"), ("dark", "rgb(17, 17, 17)")])
async def test_the_theme_follows_the_systems_preference(world, sized_page, password, scheme, background):
    page = sized_page
    await page.emulate_media(color_scheme=scheme)
    add_photo(world, "alice", "astronaut.jpg", 810, "2023-01-01T10:00:00", pixels=data.astronaut())
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    await expect(page.locator("#grid .tile")).to_have_count(3)
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    text = await page.evaluate("getComputedStyle(document.querySelector('#summary, #status')).color")
    assert text != background
    await page.click("#select-button")
    await page.locator("#grid .tile").first.click()
    await page.shot(f"theme-{scheme}")
    await page.click("#people-button")
    await page.click("#bulk-done") if await page.locator("#bulk").is_visible() else None
    await page.shot(f"theme-{scheme}-people")
    assert page.errors == [] and await page.csp() == []
