"""Favourites and albums in the browser: marked from the viewer, shown on the tiles, listed, and found again by
the words the search understands; a search saved as a smart album, opened as it finds now, renamed and deleted
(desktop and phone)."""
from __future__ import annotations

from playwright.async_api import expect

from fixtures.browser import signed_in
from fixtures.gateway import add_photo


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

    await page.fill("#q", "beach or cat")  # her search, saved as a smart album
    await page.press("#q", "Enter")
    await expect(page.locator("#summary")).to_have_text("2 photos")
    await page.fill("#smart-name", "summer TRIP")
    await page.click("#save-search button[type=submit]")
    await expect(page.locator("#message.error")).to_contain_text("already")  # her album of photos has that name
    await page.fill("#smart-name", "Seaside")
    await page.click("#save-search button[type=submit]")
    await expect(page.locator("#message")).to_contain_text("Saved as the smart album Seaside (2 photos now")
    await page.shot("smart-saved")
    shore = add_photo(world, "alice", "shore.jpg", 77, label="beach")  # a photo that came later joins it unasked
    await page.click("#albums-button")
    smart = page.locator(".album.smart")
    await expect(smart).to_contain_text("Seaside · 3 photos")
    await expect(smart.locator(".album-query")).to_have_text("beach or cat")
    await expect(page.locator(".album:not(.smart)")).to_contain_text("Summer trip · 0 photos")
    await page.shot("smart-list")
    await smart.locator(".cover").click()
    await expect(page.locator("#q")).to_have_value('album:"Seaside"')
    await expect(page.locator(".tile")).to_have_count(3)
    await expect(page.locator(f'.tile[data-id="{shore}"]')).to_have_count(1)
    await page.shot("smart-opened")

    await page.click("#albums-button")
    await smart.get_by_role("button", name="Rename Seaside").click()
    await page.fill(".rename-album input", "Sea and cats")
    await page.press(".rename-album input", "Enter")
    await expect(smart).to_contain_text("Sea and cats · 3 photos")
    await smart.locator("button.delete").click()
    await expect(smart.locator("button.delete")).to_have_text("Delete?")
    await page.shot("smart-delete")
    await smart.locator("button.delete").click()
    await expect(page.locator("#message")).to_have_text("Deleted Sea and cats (its photos stay)")
    await expect(smart).to_have_count(0)
    await expect(page.locator(".album")).to_have_count(1)  # her album of photos stays
    assert page.errors == [] and await page.csp() == []
