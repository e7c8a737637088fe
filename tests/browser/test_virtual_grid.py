"""The grid at many photos (desktop and phone): on the timeline, months far from the screen give their tiles up and
take them back when scrolled to, and search results do so by runs of rows, so the page holds a few screens of tiles;
the viewer and "All" still see every loaded photo, and a photo's favourite button works after paging."""
from __future__ import annotations

from playwright.async_api import expect

import os

from fixtures.browser import signed_in
from fixtures.gateway import add_photo
from services.pipeline.layout import MADE_AT_INGEST, thumb_path, thumbs_dir
from fixtures.waiting import until
from proto import pb

MONTHS, PER_MONTH = 40, 30
SEARCH_ROWS = 8  # rows of search results given up together (virtual.js)
SHOWN = ".pswp__item[aria-hidden=false] img.pswp__img:not(.pswp__img--placeholder)"  # the viewer's photo, loaded
LOADED = """() => document.querySelectorAll('#grid .tile').length
    + [...document.querySelectorAll('#grid .tiles-gap')].reduce((n, gap) => n + gap.held.length, 0)"""


def dated(photo_id: str, path: str, taken: str) -> pb.Record:
    record = pb.Record(id=photo_id, paths=[path])
    record.file.path, record.file.root, record.file.width, record.file.height = path, path.rsplit("/", 1)[0], 64, 48
    record.file.has_thumbs = True
    record.terms.append(pb.Term(key="label", value="sunset", source="classifier", weight=1.0))
    record.exif.taken_at, record.exif.taken_at_trusted = taken, True
    return record


async def test_far_months_and_far_rows_of_search_results_give_their_tiles_up_and_take_them_back(world, sized_page, password):
    page, gateway = sized_page, world.gateway
    records = [dated(f"{n + 10_000:064x}", f"{world.media}/alice/many/{n}.jpg",
                     f"{2024 - n // PER_MONTH // 12}-{12 - n // PER_MONTH % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00")
               for n in range(MONTHS * PER_MONTH)]
    gateway.search.index.upsert_many([gateway.store.merge(r) for r in records])
    shared = add_photo(world, "bob", "gradient.jpg", 4242)  # one real thumbnail, linked for every photo
    thumbs = thumbs_dir(gateway.data_dir)
    for record in records:
        for size in MADE_AT_INGEST:
            thumb_path(thumbs, record.id, size).parent.mkdir(exist_ok=True)
            os.link(thumb_path(thumbs, shared, size), thumb_path(thumbs, record.id, size))
    total = MONTHS * PER_MONTH + 2  # and her two undated photos
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    await expect(page.locator("#grid .tile").first).to_be_visible()
    first = await page.locator("#grid .tile").first.get_attribute("data-id")
    most = await scrolled_to_the_end(page, total)
    assert await page.evaluate(LOADED) == total
    assert most < 700 and await page.locator("#grid .tiles-gap").count() > 10  # a few screens in the page, not 1,202
    await page.shot("virtual-bottom")
    given_up, whole = await page.evaluate(RESIZED)
    assert abs(given_up - whole) <= 2  # a placeholder is as tall as its tiles: nothing jumps
    last = f"{(MONTHS - 2) * PER_MONTH + 10_000:064x}"  # a month near the end (the last one is never given up)
    await expect(page.locator(f'#grid .tile[data-id="{last}"]')).to_be_attached()

    await page.evaluate("window.scrollTo(0, 0)")
    await expect(page.locator(f'#grid .tile[data-id="{first}"]')).to_be_attached()  # taken back
    await expect(page.locator(f'#grid .tile[data-id="{last}"]')).to_have_count(0)  # given up
    assert await page.evaluate(LOADED) == total
    await page.locator(f'#grid .tile[data-id="{first}"]').click()
    await expect(page.locator(".pswp__counter")).to_have_text(f"1 / {total}")  # the viewer has every loaded photo
    await expect(page.locator(SHOWN)).to_have_js_property("complete", True)  # opened: it closes from now on
    await page.click(".pswp__button--close")
    await expect(page.locator(".pswp")).to_have_count(0)
    await page.click("#select-button")
    await page.click("#bulk-all")
    await expect(page.locator("#bulk-count")).to_have_text(f"{total} photos selected")
    await page.click("#bulk-done")

    hits = MONTHS * PER_MONTH  # search results: the same grid, given up by runs of whole rows
    await page.fill("#q", "sunset")
    await page.press("#q", "Enter")
    await expect(page.locator("#summary")).to_have_text(f"{hits} photos")
    most = await scrolled_to_the_end(page, hits)
    assert most < 700 and await page.locator("#grid .tiles-gap").count() > 10
    assert await page.evaluate(LOADED) == hits and len(set(await page.evaluate(IDS))) == hits
    await page.shot("virtual-search-bottom")
    given_up, whole = await page.evaluate(RESIZED)
    assert abs(given_up - whole) <= 2

    columns = await page.evaluate("getComputedStyle(document.querySelector('#grid')).gridTemplateColumns.split(' ').length")
    run = SEARCH_ROWS * columns
    index = hits - (hits % run or run) - 1  # the last photo of the run before the last (that one never gives up)
    late_id = (await page.evaluate(IDS))[index]  # on a late page: its favourite button after paging
    await page.locator(f'#grid .tile[data-id="{late_id}"]').click()
    await expect(page.locator(".pswp__counter")).to_have_text(f"{index + 1} / {hits}")
    await expect(page.locator(SHOWN)).to_have_js_property("complete", True)  # opened: it closes from now on
    await page.click(".pswp__button--favourite")
    await expect(page.locator(".pswp__button--favourite")).to_have_attribute("aria-pressed", "true")
    await page.click(".pswp__button--close")
    await expect(page.locator(".pswp")).to_have_count(0)
    await expect(page.locator(f'#grid .tile.favorite[data-id="{late_id}"]')).to_have_count(1)
    await page.evaluate("window.scrollTo(0, 0)")
    await expect(page.locator(f'#grid .tile[data-id="{late_id}"]')).to_have_count(0)  # given up, its heart kept
    assert await page.evaluate(f"""() => [...document.querySelectorAll('#grid .tiles-gap')]
        .some((gap) => gap.held.some((t) => t.dataset.id === '{late_id}' && t.classList.contains('favorite')))""")
    await page.shot("virtual-search-top")
    found = await page.evaluate("fetch('/api/search?q=favorite').then((r) => r.json())")
    assert [hit["id"] for hit in found["hits"]] == [late_id]
    assert page.errors == [] and await page.csp() == []


IDS = """() => [...document.querySelector('#grid').children]  // in the grid's order, given up or not
    .flatMap((node) => node.classList.contains('tiles-gap') ? node.held : [node]).map((tile) => tile.dataset.id)
    .filter(Boolean)"""
RESIZED = """() => {
    const before = document.documentElement.scrollHeight;
    window.dispatchEvent(new Event("resize"));  // takes every run back at once, then gives far ones up again
    return [before, document.documentElement.scrollHeight];
}"""


async def scrolled_to_the_end(page, total: int) -> int:
    """Scroll on until the grid holds every one of the total photos (each page loads as the end comes into view);
    the most tiles the page held meanwhile."""
    most = 0
    while (loaded := await page.evaluate(LOADED)) < total:

        async def more() -> bool:
            return await page.evaluate(LOADED) > loaded

        await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        await until(more, 20)
        most = max(most, await page.locator("#grid .tile").count())
    return most
