"""Favourites and albums in the browser: marked from the viewer, shown on the tiles, listed, and found again by
the words the search understands (desktop and phone)."""
from __future__ import annotations

from playwright.async_api import expect

from fixtures.browser import signed_in


async def test_favourite_and_album_a_photo_then_find_both(world, sized_page, password):
    page, cat = sized_page, world.ids["alice/cat.jpg"]
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    await page.locator(f'.tile[data-id="{cat}"]').click()
    await page.click(".pswp__button--info")
    await page.click("#favorite")
    await expect(page.locator("#favorite")).to_have_attribute("aria-pressed", "true")
    await page.fill("#album-name", "Summer trip")
    await page.click("#add-to-album button[type=submit]")
    await expect(page.locator("#photo-albums .chip")).to_have_text("Summer trip×")
    await page.shot("albums-viewer")
    await page.click("#close-viewer")
    await expect(page.locator(".pswp__button--favourite")).to_have_attribute("aria-pressed", "true")  # in step
    await page.keyboard.press("Escape")
    await expect(page.locator(f'.tile.favorite[data-id="{cat}"]')).to_have_count(1)
    await page.reload()  # the heart comes from the server's photo list too
    await expect(page.locator(f'.tile.favorite[data-id="{cat}"]')).to_have_count(1)
    await expect(page.locator(".tile.favorite")).to_have_count(1)

    await page.click("#favorites-button")
    await expect(page.locator("#summary")).to_have_text("1 photo")
    assert await page.locator(".tile").first.get_attribute("data-id") == cat
    await page.shot("albums-favourites")

    await page.click("#albums-button")
    assert page.url.endswith("/albums")
    card = page.locator(".album")
    await expect(card).to_have_count(1)
    await expect(card).to_contain_text("Summer trip · 1 photo")
    await page.shot("albums-list")
    await card.click()
    await expect(page.locator("#q")).to_have_value('album:"Summer trip"')
    await expect(page.locator(".tile")).to_have_count(1)

    await page.locator(".tile").first.click()  # taken out of the album and unfavoured in the viewer
    await page.click(".pswp__button--info")
    await page.click("#photo-albums .unchip")
    await expect(page.locator("#photo-albums .chip")).to_have_count(0)
    await page.click("#favorite")
    await expect(page.locator("#favorite")).to_have_attribute("aria-pressed", "false")
    await page.click("#close-viewer")
    await page.keyboard.press("Escape")
    await page.click("#favorites-button")
    await expect(page.locator("#summary")).to_have_text("0 photos")
    assert page.errors == [] and await page.csp() == []
