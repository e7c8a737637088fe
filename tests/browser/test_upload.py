"""Upload from the browser: photos picked in the dialog go into her folder, are indexed by the pipeline and show in
her grid; what is not a photo, or too big, is refused with the reason (desktop and phone); no CSP violation."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image
from playwright.async_api import expect
from skimage import data

from fixtures.browser import signed_in


def jpeg(pixels) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90)
    return out.getvalue()


async def test_upload_photos_into_her_folder_then_see_them_indexed(world, world_ingest, sized_page, password):
    page = sized_page
    world.gateway.settings.upload_max_mb = 1
    await signed_in(page, str(world.client.make_url("/")), "alice", password)
    await expect(page.locator("#grid .tile")).to_have_count(2)
    await page.click("#upload-button")
    await expect(page.locator("#upload-dialog")).to_be_visible()
    await expect(page.locator("#upload-root-label")).to_be_hidden()  # one media folder: nothing to pick
    await page.fill("#upload-folder", "holiday 2024")
    noise = np.random.default_rng(3).integers(0, 255, (1200, 1600, 3), dtype=np.uint8)
    await page.set_input_files("#upload-files", [
        {"name": "astronaut.jpg", "mimeType": "image/jpeg", "buffer": jpeg(data.astronaut())},
        {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"shopping list, not a photo"},
        {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": jpeg(noise)},
        {"name": "readme.txt", "mimeType": "text/plain", "buffer": b"hello"},
    ])
    await page.click("#upload-start")
    rows = page.locator("#upload-list li")
    await expect(rows).to_have_count(4)
    await expect(rows.nth(0).locator(".state")).to_have_text("saved as holiday 2024/astronaut.jpg · new")
    await expect(rows.nth(1).locator(".state")).to_have_text("'notes.jpg' is not a JPEG photo")
    await expect(rows.nth(2).locator(".state")).to_have_text("'huge.jpg' is larger than the upload limit of 1 MB")
    await expect(rows.nth(3).locator(".state")).to_contain_text("'readme.txt' is not a kind of photo picsift reads")
    await expect(page.locator("#message")).to_have_text("1 photo of 4 uploaded")
    await page.shot("upload")
    assert sorted(p.name for p in (world.media / "alice" / "holiday 2024").iterdir()) == ["astronaut.jpg"]

    await world_ingest.bus.join()
    await page.click("#upload-close")
    await expect(page.locator("#grid .tile")).to_have_count(3)  # the grid shows it once the dialog closes
    await page.fill("#q", "holiday")
    await page.press("#q", "Enter")
    await expect(page.locator("#grid .tile")).to_have_count(1)
    await expect(page.locator("#grid .tile figcaption")).to_contain_text("holiday")
    await page.shot("upload-found")
    assert page.errors == [] and await page.csp() == []
