"""The viewer in the browser: PhotoSwipe (vendored from npm) over the grid's photos, with zoom, previous/next by key
and by swipe, the details dialog on top, download of the original under its own name, and a slideshow (desktop and
phone); no CSP violation."""
from __future__ import annotations

import numpy as np
from playwright.async_api import expect
from skimage import data

from proto import embedding, pb

from fixtures.browser import signed_in
from fixtures.gateway import add_photo


async def swipe(page, direction: int) -> None:
    """A finger (phone) or mouse drag (desktop) across the middle of the screen; direction -1 is to the left."""
    size = page.viewport_size
    y, start, end = size["height"] / 2, size["width"] * (0.5 - 0.3 * direction), size["width"] * (0.5 + 0.3 * direction)
    steps = [start + (end - start) * i / 8 for i in range(9)]
    if page.size == "phone":
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start, "y": y}]})
        for x in steps[1:]:
            await cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    else:
        await page.mouse.move(start, y)
        await page.mouse.down()
        for x in steps[1:]:
            await page.mouse.move(x, y)
        await page.mouse.up()


async def test_view_zoom_step_swipe_download_and_slideshow(world, sized_page, password, tmp_path):
    page = sized_page
    add_photo(world, "alice", "astronaut.jpg", 500, "2024-05-04T10:00:00", pixels=data.astronaut())
    for seed in (501, 502, 503):
        add_photo(world, "alice", f"colour-{seed}.jpg", seed, f"2024-05-0{seed - 500}T10:00:00")
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    tiles = page.locator("#grid .tile")
    await expect(tiles).to_have_count(6)
    order = [await tile.get_attribute("data-id") for tile in await tiles.all()]
    astronaut = world.ids["alice/astronaut.jpg"]
    at = order.index(astronaut) + 1  # after her two undated photos (their files' times are now)
    assert at == 3

    await page.locator(f'.tile[data-id="{astronaut}"]').click()
    counter, shown = page.locator(".pswp__counter"), page.locator(".pswp__item[aria-hidden=false] img.pswp__img:not(.pswp__img--placeholder)")
    await expect(counter).to_have_text(f"{at} / 6")
    await expect(shown).to_have_js_property("complete", True)
    assert await shown.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [512, 512]
    await expect(shown).to_have_attribute("src", f"/media/{astronaut}/thumb?size=1280")
    await page.shot("viewer-open")

    await page.keyboard.press("z")  # zoom in on the photo
    await expect(page.locator(".pswp")).to_have_class(lambda_zoomed := _has("pswp--zoomed-in"))
    await page.shot("viewer-zoomed")
    await page.keyboard.press("z")
    await expect(page.locator(".pswp")).not_to_have_class(lambda_zoomed)

    await page.keyboard.press("ArrowRight")
    await expect(counter).to_have_text(f"{at + 1} / 6")
    await page.keyboard.press("ArrowLeft")
    await expect(counter).to_have_text(f"{at} / 6")
    await swipe(page, -1)  # to the left: the next photo
    await expect(counter).to_have_text(f"{at + 1} / 6")
    await swipe(page, 1)
    await expect(counter).to_have_text(f"{at} / 6")

    async with page.expect_download() as download_info:
        await page.click(".pswp__button--download")
    download = await download_info.value
    assert download.suggested_filename == "astronaut.jpg"
    await download.save_as(tmp_path / "saved.jpg")
    assert (tmp_path / "saved.jpg").read_bytes() == (world.media / "alice" / "astronaut.jpg").read_bytes()

    await page.click(".pswp__button--info")  # the details dialog over the viewer
    await expect(page.locator("#viewer")).to_be_visible()
    await expect(page.locator("#details")).to_contain_text("astronaut.jpg")
    await page.shot("viewer-details")
    await page.keyboard.press("Escape")  # closes the dialog, not the viewer
    await expect(page.locator("#viewer")).to_be_hidden()
    await expect(counter).to_have_text(f"{at} / 6")

    await page.click(".pswp__button--favourite")
    await expect(page.locator(".pswp__button--favourite")).to_have_attribute("aria-pressed", "true")
    await page.click(".pswp__button--slideshow")  # it moves on by itself
    await expect(counter).to_have_text(f"{at + 1} / 6", timeout=10_000)
    await expect(counter).to_have_text(f"{at + 2} / 6", timeout=10_000)
    await page.shot("viewer-slideshow")
    await page.click(".pswp__button--slideshow")
    await expect(page.locator(".pswp__button--slideshow")).to_have_attribute("aria-pressed", "false")
    await page.keyboard.press("Escape")
    await expect(page.locator(".pswp")).to_have_count(0)
    await expect(page.locator(f'.tile.favorite[data-id="{astronaut}"]')).to_have_count(1)
    assert page.errors == [] and await page.csp() == []


def _has(name: str):
    import re

    return re.compile(rf"(^|\s){name}(\s|$)")


async def test_the_similar_button_shows_her_photos_most_like_this_one(world, sized_page, password):
    """The viewer's Similar button closes it and runs `similar:ID`: the grid holds her other photos, most alike
    first."""
    page = sized_page
    rng = np.random.default_rng(3)
    base = rng.standard_normal(1280)
    for seed, noise in ((601, 0.1), (602, 0.5), (603, 1.5), (604, 0.3)):
        add_photo(world, "alice", f"look-{seed}.jpg", seed, f"2024-06-0{seed - 600}T10:00:00")
        world.gateway.store.merge(pb.Record(id=world.ids[f"alice/look-{seed}.jpg"], vision=pb.VisionResult(
            embedding=embedding.pack(base + noise * rng.standard_normal(1280)))))
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    first = world.ids["alice/look-601.jpg"]
    await page.locator(f'.tile[data-id="{first}"]').click()
    await expect(page.locator(".pswp__button--similar")).to_be_visible()
    await page.click(".pswp__button--similar")
    await expect(page.locator("#q")).to_have_value(f"similar:{first}")
    await expect(page.locator(".pswp")).to_have_count(0)
    tiles = page.locator("#grid .tile")
    await expect(tiles).to_have_count(3)
    assert [await t.get_attribute("data-id") for t in await tiles.all()] == [
        world.ids[f"alice/look-{seed}.jpg"] for seed in (604, 602, 603)]
    assert await tiles.first.locator("figcaption").text_content() == "look-604.jpg"  # was the asked photo's id
    await page.shot("viewer-similar")
    assert not page.errors and not await page.csp()
