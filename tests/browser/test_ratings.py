"""Rating photos in the browser: stars in the viewer and for a selection, shown on the tiles, found by `rating:`;
her stars win over the file's XMP rating (desktop and phone); no CSP violation."""
from __future__ import annotations

from playwright.async_api import expect
from skimage import data

from proto import pb
from fixtures.browser import signed_in
from fixtures.gateway import add_photo


async def test_rate_in_the_viewer_and_the_bulk_bar_then_find_by_rating(world, sized_page, password):
    page = sized_page
    for seed, name in ((900, "astronaut.jpg"), (901, "coffee.jpg"), (902, "chelsea.jpg")):
        add_photo(world, "alice", name, seed, f"2023-0{seed - 899}-01T10:00:00", pixels=getattr(data, name.split(".")[0])())
    coffee, cat, astronaut = (world.ids[f"alice/{n}"] for n in ("coffee.jpg", "chelsea.jpg", "astronaut.jpg"))
    exif = world.gateway.store.get(coffee).exif
    exif.rating = 3  # the file's XMP rating, as the exif stage reads it
    world.gateway.search.index.upsert(world.gateway.store.merge(pb.Record(id=coffee, exif=exif)))
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    await expect(page.locator("#grid .tile")).to_have_count(5)
    await expect(page.locator(f'.tile[data-id="{coffee}"] .tile-stars')).to_have_text("★★★")

    await page.locator(f'.tile[data-id="{cat}"]').click()
    shown = page.locator(".pswp__item[aria-hidden=false] img.pswp__img:not(.pswp__img--placeholder)")
    await expect(shown).to_have_js_property("complete", True)  # opened: keys move it from now on
    stars = page.locator(".pswp__rating .stars")
    await expect(stars).to_have_attribute("data-rating", "0")
    await stars.locator('[data-stars="4"]').click()
    await expect(stars).to_have_attribute("data-rating", "4")
    await page.keyboard.press("ArrowRight")  # the next photo, the coffee, shows its file's stars
    await expect(page.locator(".pswp__counter")).to_have_text("4 / 5")
    await expect(stars).to_have_attribute("data-rating", "3")
    assert "from the file" in await stars.get_attribute("title")
    await page.shot("rating-viewer")
    await stars.locator('[data-stars="1"]').click()  # hers win over the file's
    await expect(stars).to_have_attribute("data-rating", "1")
    await page.keyboard.press("Escape")
    await expect(page.locator(f'.tile[data-id="{cat}"] .tile-stars')).to_have_text("★★★★")
    await expect(page.locator(f'.tile[data-id="{coffee}"] .tile-stars')).to_have_text("★")

    await page.click("#select-button")
    for photo_id in (astronaut, coffee):
        await page.locator(f'.tile[data-id="{photo_id}"]').click()
    await page.select_option("#bulk-rating", "5")
    await expect(page.locator("#message")).to_have_text("2 photos rated 5 stars")
    await expect(page.locator(f'.tile[data-id="{astronaut}"] .tile-stars')).to_have_text("★★★★★")
    await page.shot("rating-bulk")
    await page.locator(f'.tile[data-id="{astronaut}"]').click()  # only the coffee now
    await page.select_option("#bulk-rating", "file")
    await expect(page.locator(f'.tile[data-id="{coffee}"] .tile-stars')).to_have_text("★★★")
    await page.click("#bulk-done")

    await page.fill("#q", "rating:4..5")
    await page.press("#q", "Enter")
    await expect(page.locator("#summary")).to_have_text("2 photos")
    found = sorted([await t.get_attribute("data-id") for t in await page.locator("#grid .tile").all()])
    assert found == sorted([astronaut, cat])
    await page.shot("rating-search")
    await page.fill("#q", "rating:9")
    await page.press("#q", "Enter")
    await expect(page.locator("#message")).to_contain_text("rating takes 0 to 5 stars")
    assert page.errors == [] and await page.csp() == []
