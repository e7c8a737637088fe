"""The timeline in the browser: month headers in the grid and a scrubber of the server's month buckets that jumps
the grid to a month (desktop and phone)."""
from __future__ import annotations

from playwright.async_api import expect

from fixtures.browser import signed_in
from fixtures.gateway import add_photo

MONTHS = [(2021, 8), (2021, 3), (2020, 12), (2019, 7), (2019, 6), (2018, 3), (2017, 11)]


async def test_month_headers_and_a_scrubber_that_jumps_to_a_month(world, sized_page, password):
    page, seed = sized_page, 100
    for year, month in MONTHS:  # three photos a month for alice, one for bob in the same months
        for day in (3, 12, 25):
            add_photo(world, "alice", f"{year}-{month:02d}-{day}.jpg", seed, f"{year}-{month:02d}-{day:02d}T12:00:00")
            seed += 1
        add_photo(world, "bob", f"{year}-{month:02d}.jpg", seed, f"{year}-{month:02d}-15T12:00:00")
        seed += 1
    await signed_in(page, str(world.client.make_url("/")), "alice", password)

    headers = page.locator("#grid h2.month")
    await expect(headers).to_have_count(len(MONTHS) + 1)  # her two undated photos make this month's header
    assert (await headers.all_text_contents())[1:4] == ["August 2021", "March 2021", "December 2020"]
    marks = page.locator("#scrubber .scrub")
    await expect(marks).to_have_count(len(MONTHS) + 1)
    await expect(page.locator("#scrubber .scrub.year")).to_have_count(6)  # a year label where a year starts
    await page.shot("timeline-grid")

    await page.click('#scrubber [data-month="2018-03"]')
    await expect(headers.first).to_have_text("March 2018")
    assert await page.locator(".tile").first.get_attribute("data-id") == world.ids["alice/2018-03-25.jpg"]
    await expect(page.locator(".tile")).to_have_count(6)  # March 2018 and November 2017, hers only
    await expect(page.locator("#newest")).to_be_visible()
    await page.shot("timeline-jumped")

    await page.click("#newest")
    await expect(page.locator(".tile")).to_have_count(len(MONTHS) * 3 + 2)
    assert not set(world.ids[f"bob/{y}-{m:02d}.jpg"] for y, m in MONTHS) & set(
        await page.locator(".tile").evaluate_all("tiles => tiles.map(t => t.dataset.id)"))
    await page.fill("#q", "cat")
    await page.press("#q", "Enter")
    await expect(page.locator("#scrubber")).to_be_hidden()  # search results rank by relevance: no months
    await expect(headers).to_have_count(0)
    assert page.errors == [] and await page.csp() == []
