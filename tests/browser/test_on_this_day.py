""""On this day" in the browser: a strip above the timeline of her photos taken on today's date in earlier years,
opening the viewer over them (desktop and phone); no CSP violation."""
from __future__ import annotations

import datetime

from playwright.async_api import expect
from skimage import data

from fixtures.browser import signed_in
from fixtures.gateway import add_photo


async def test_the_strip_shows_this_days_photos_of_earlier_years_and_opens_them(world, sized_page, password):
    page = sized_page
    today = datetime.date.today()
    day = f"{today:%m-%d}" if f"{today:%m-%d}" != "02-29" else "02-28"
    photos = {"astronaut.jpg": (today.year - 1, 700), "coffee.jpg": (today.year - 6, 701), "chelsea.jpg": (today.year, 702),
              "rocket.jpg": (today.year - 2, 703)}
    for name, (year, seed) in photos.items():
        taken = f"{year}-{day}T10:00:00" if name != "rocket.jpg" else f"{year}-01-0{1 if day != '01-01' else 2}T10:00:00"
        add_photo(world, "alice", name, seed, taken, pixels=getattr(data, name.split(".")[0])())
    add_photo(world, "bob", "hubble.jpg", 704, f"{today.year - 3}-{day}T10:00:00", pixels=data.hubble_deep_field())
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    memories = page.locator("#on-this-day .memory")
    await expect(memories).to_have_count(2)  # not this year's, not another day's, not bob's
    assert [await m.get_attribute("data-id") for m in await memories.all()] == [
        world.ids["alice/astronaut.jpg"], world.ids["alice/coffee.jpg"]]
    await expect(memories.first.locator("figcaption")).to_have_text(f"a year ago · {today.year - 1}")
    await expect(memories.nth(1).locator("figcaption")).to_have_text(f"6 years ago · {today.year - 6}")
    await expect(page.locator("#on-this-day-title")).to_have_text("On this day · 2 photos from 2 earlier years")
    await expect(page.locator("#grid .tile")).to_have_count(6)
    await page.shot("on-this-day")

    await memories.nth(1).click()  # the viewer over the strip's photos
    await expect(page.locator(".pswp__counter")).to_have_text("2 / 2")
    shown = page.locator(".pswp__item[aria-hidden=false] img.pswp__img:not(.pswp__img--placeholder)")
    await expect(shown).to_have_attribute("src", f"/media/{world.ids['alice/coffee.jpg']}/thumb?size=1280")
    await page.keyboard.press("Escape")
    await expect(page.locator(".pswp")).to_have_count(0)

    await page.fill("#q", "coffee")
    await page.press("#q", "Enter")
    await expect(page.locator("#on-this-day")).to_be_hidden()  # a search has no memories strip
    await page.click("#home")
    await expect(memories).to_have_count(2)
    assert page.errors == [] and await page.csp() == []
