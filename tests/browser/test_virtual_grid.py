"""The timeline grid at many photos (desktop and phone): months far from the screen give their tiles up and take them
back when scrolled to, so the page holds a few screens of tiles; the viewer and "All" still see every loaded photo."""
from __future__ import annotations

from playwright.async_api import expect

import os

from fixtures.browser import signed_in
from fixtures.gateway import add_photo
from services.pipeline.layout import THUMB_SIZES, thumb_path, thumbs_dir
from fixtures.waiting import until
from proto import pb

MONTHS, PER_MONTH = 40, 30
LOADED = """() => document.querySelectorAll('#grid .tile').length
    + [...document.querySelectorAll('#grid .month-gap')].reduce((n, gap) => n + gap.held.length, 0)"""


def dated(photo_id: str, path: str, taken: str) -> pb.Record:
    record = pb.Record(id=photo_id, paths=[path])
    record.file.path, record.file.root, record.file.width, record.file.height = path, path.rsplit("/", 1)[0], 64, 48
    record.file.has_thumbs = True
    record.exif.taken_at, record.exif.taken_at_trusted = taken, True
    return record


async def test_far_months_give_their_tiles_up_and_take_them_back(world, sized_page, password):
    page, gateway = sized_page, world.gateway
    records = [dated(f"{n + 10_000:064x}", f"{world.media}/alice/many/{n}.jpg",
                     f"{2024 - n // PER_MONTH // 12}-{12 - n // PER_MONTH % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00")
               for n in range(MONTHS * PER_MONTH)]
    gateway.search.index.upsert_many([gateway.store.merge(r) for r in records])
    shared = add_photo(world, "bob", "gradient.jpg", 4242)  # one real thumbnail, linked for every photo
    thumbs = thumbs_dir(gateway.data_dir)
    for record in records:
        for size in THUMB_SIZES:
            thumb_path(thumbs, record.id, size).parent.mkdir(exist_ok=True)
            os.link(thumb_path(thumbs, shared, size), thumb_path(thumbs, record.id, size))
    total = MONTHS * PER_MONTH + 2  # and her two undated photos
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    await expect(page.locator("#grid .tile").first).to_be_visible()
    first = await page.locator("#grid .tile").first.get_attribute("data-id")
    most = 0
    while (loaded := await page.evaluate(LOADED)) < total:  # scroll on: each page loads as the end comes into view
        await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")

        async def more() -> bool:
            return await page.evaluate(LOADED) > loaded

        await until(more, 20)
        most = max(most, await page.locator("#grid .tile").count())
    assert await page.evaluate(LOADED) == total
    assert most < 700 and await page.locator("#grid .month-gap").count() > 10  # a few screens in the page, not 1,202
    await page.shot("virtual-bottom")
    given_up, whole = await page.evaluate("""() => {
        const before = document.documentElement.scrollHeight;
        window.dispatchEvent(new Event("resize"));  // takes every month back at once, then gives far ones up again
        return [before, document.documentElement.scrollHeight];
    }""")
    assert abs(given_up - whole) <= 2  # a placeholder is as tall as its tiles: nothing jumps
    last = f"{(MONTHS - 2) * PER_MONTH + 10_000:064x}"  # a month near the end (the last one is never given up)
    await expect(page.locator(f'#grid .tile[data-id="{last}"]')).to_be_attached()

    await page.evaluate("window.scrollTo(0, 0)")
    await expect(page.locator(f'#grid .tile[data-id="{first}"]')).to_be_attached()  # taken back
    await expect(page.locator(f'#grid .tile[data-id="{last}"]')).to_have_count(0)  # given up
    assert await page.evaluate(LOADED) == total
    await page.locator(f'#grid .tile[data-id="{first}"]').click()
    await expect(page.locator(".pswp__counter")).to_have_text(f"1 / {total}")  # the viewer has every loaded photo
    shown = page.locator(".pswp__item[aria-hidden=false] img.pswp__img:not(.pswp__img--placeholder)")
    await expect(shown).to_have_js_property("complete", True)  # opened: it closes from now on
    await page.click(".pswp__button--close")
    await expect(page.locator(".pswp")).to_have_count(0)
    await page.click("#select-button")
    await page.click("#bulk-all")
    await expect(page.locator("#bulk-count")).to_have_text(f"{total} photos selected")
    assert page.errors == [] and await page.csp() == []
