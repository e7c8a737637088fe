"""The viewer's details draw the lines the text stage read in a photo, each box where its text is (desktop and
phone)."""
from __future__ import annotations

import numpy as np
from PIL import Image
from playwright.async_api import expect

from fixtures.browser import signed_in
from fixtures.gateway import add_photo
from fixtures.signs import LINES, SIGN, sign_on_coffee
from proto import pb
from services.text.reader import TextReader, version
from services.text.service import text_of


async def test_found_by_text_and_shown_with_the_boxes_of_its_lines(world, sized_page, password, tmp_path):
    page = sized_page
    pixels = np.asarray(Image.open(sign_on_coffee(tmp_path / "cafe.jpg")))
    photo_id = add_photo(world, "alice", "cafe.jpg", 600, "2024-05-04T10:00:00", pixels=pixels)
    read = text_of(str(world.media / "alice" / "cafe.jpg"), TextReader(threads=1), version())
    world.gateway.search.index.upsert(world.gateway.store.merge(pb.Record(id=photo_id, text=read)))
    await signed_in(page, str(world.client.make_url("/")), "alice", password)

    await page.fill("#q", "text:coffee")
    await page.press("#q", "Enter")
    await expect(page.locator("#summary")).to_have_text("1 photo")
    await page.locator(f'.tile[data-id="{photo_id}"]').click()
    await page.click(".pswp__button--info")
    boxes = page.locator("#boxes .box.text")
    await expect(boxes).to_have_count(len(LINES))
    await expect(boxes.filter(has_text=LINES[0])).to_be_visible()
    await expect(page.locator("#photo")).to_have_js_property("complete", True)
    photo = await page.locator("#photo").bounding_box()
    for box in [await b.bounding_box() for b in await boxes.all()]:  # on the sign, as drawn on the photo
        left, top = (box["x"] - photo["x"]) / photo["width"] * 600, (box["y"] - photo["y"]) / photo["height"] * 400
        right, bottom = left + box["width"] / photo["width"] * 600, top + box["height"] / photo["height"] * 400
        assert SIGN[0] - 12 <= left < right <= SIGN[2] + 12 and SIGN[1] - 12 <= top < bottom <= SIGN[3] + 12
    await expect(page.locator("#details")).to_contain_text(LINES[1])
    await page.shot("viewer-text-boxes")
    assert page.errors == [] and await page.csp() == []
