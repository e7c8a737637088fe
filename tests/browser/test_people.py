"""The people page in the browser: her people as round face crops, named in place, merged by picking, and a
person's photos in the grid (desktop and phone); another user's people never show."""
from __future__ import annotations

import numpy as np
from playwright.async_api import expect
from skimage import data

from fixtures.browser import signed_in
from fixtures.gateway import add_photo
from proto import embedding

RNG = np.random.default_rng(5)
ANNA, TOM = RNG.standard_normal(1024), RNG.standard_normal(1024)
ASTRONAUT_FACE = (0.34, 0.1, 0.52, 0.33)


def face_of(who) -> bytes:
    return embedding.pack(who + 0.3 * RNG.standard_normal(1024))


async def test_people_named_in_place_merged_and_their_photos(world, sized_page, password):
    page, astronaut = sized_page, data.astronaut()
    x1, y1, x2, y2 = ASTRONAUT_FACE
    add_photo(world, "alice", "astronaut.jpg", 400, pixels=astronaut, faces=[(ASTRONAUT_FACE, face_of(ANNA))])
    add_photo(world, "alice", "astronaut-mirrored.jpg", 401, pixels=astronaut[:, ::-1].copy(),
              faces=[((1 - x2, y1, 1 - x1, y2), face_of(ANNA))])
    add_photo(world, "alice", "tom-1.jpg", 402, faces=[((0.3, 0.2, 0.6, 0.7), face_of(TOM))])
    add_photo(world, "alice", "tom-2.jpg", 403, faces=[((0.2, 0.1, 0.5, 0.6), face_of(TOM))])
    add_photo(world, "bob", "his-1.jpg", 404, faces=[((0.3, 0.2, 0.6, 0.7), face_of(ANNA))])
    add_photo(world, "bob", "his-2.jpg", 405, faces=[((0.3, 0.2, 0.6, 0.7), face_of(ANNA))])
    await signed_in(page, str(world.client.make_url("/")), "alice", password)

    await page.click("#people-button")
    assert page.url.endswith("/people")
    cards = page.locator("#people-list .person")
    await expect(cards).to_have_count(2)  # hers; bob's Anna is his alone
    faces = page.locator("#people-list .face img")
    for i in range(2):
        await expect(faces.nth(i)).to_have_js_property("complete", True)
        assert await faces.nth(i).evaluate("img => img.naturalWidth") == 192
    assert await page.locator(".person .face").first.evaluate("b => getComputedStyle(b).borderRadius") == "50%"
    await page.shot("people-list")

    anna = cards.filter(has=page.locator('img[src$="/face"]')).nth(0)
    anna_id = await anna.get_attribute("data-id")
    shown = await (await world.client.get(f"/api/people/{anna_id}", headers={"Cookie": await cookie(page)})).json()
    assert {p["path"].rsplit("/", 1)[-1] for p in shown["photos"]} == {"astronaut.jpg", "astronaut-mirrored.jpg"}
    name = anna.locator(".person-name")
    await name.fill("Anna")
    await name.press("Enter")
    await expect(page.locator("#message")).to_have_text("Named Anna")
    await page.reload()  # the name is the server's
    await expect(page.locator(f'.person[data-id="{anna_id}"] .person-name')).to_have_value("Anna")

    other = page.locator(f'.person:not([data-id="{anna_id}"])')
    await other.locator(".merge").click()
    await expect(page.locator("#merging")).to_be_visible()
    await expect(page.locator(".person.target")).to_have_count(1)
    await page.shot("people-merging")
    await page.locator(f'.person[data-id="{anna_id}"] .face').click()
    await expect(cards).to_have_count(1)
    await expect(cards.first).to_contain_text("4 photos")
    await expect(cards.first.locator(".person-name")).to_have_value("Anna")

    await cards.first.locator(".face").click()
    assert page.url.endswith(f"/people?person={anna_id}")
    await expect(page.locator("#summary")).to_have_text("Anna · 4 photos")
    await expect(page.locator("#grid .tile")).to_have_count(4)
    await page.shot("people-photos")
    await page.reload()  # the person's address opens her photos itself
    await expect(page.locator("#grid .tile")).to_have_count(4)
    assert page.errors == [] and await page.csp() == []


async def cookie(page) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in await page.context.cookies())
