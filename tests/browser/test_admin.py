"""The admin page on its own route in the browser: users, a failed file retried once mended, and the ops view's
charts (Chart.js, vendored from npm) drawn from /api/admin/ops (desktop and phone); no CSP violation."""
from __future__ import annotations

import json
import time

from playwright.async_api import expect

from fixtures.browser import signed_in
from fixtures.gateway import add_photo
from proto import pb


async def test_admin_route_retries_a_mended_file_and_draws_the_ops_charts(world, world_ingest, sized_page, password,
                                                                          jpeg_factory):
    page = sized_page
    for seed, camera, year, country in ((610, "canon eos", "2021", "france"), (611, "canon eos", "2019", "france"),
                                        (612, "nikon d90", "2019", "japan")):
        photo_id = add_photo(world, "alice", f"p{seed}.jpg", seed, f"{year}-05-01T10:00:00")
        exif = world.gateway.store.get(photo_id).exif
        exif.terms.extend([pb.Term(key="camera", value=camera, source="exif", weight=0.9),
                           pb.Term(key="year", value=year, source="exif", weight=1.0),
                           pb.Term(key="country", value=country, source="place", weight=0.8)])
        world.gateway.search.index.upsert(world.gateway.store.merge(pb.Record(id=photo_id, exif=exif)))
    broken = world.media / "alice" / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not a photo yet")
    world.gateway.store.record_outcome(pb.FileEvent(path=str(broken), root=str(world.media), outcome=pb.OUTCOME_FAILED,
                                                    reason="not a readable image: truncated", at=time.time()))
    await signed_in(page, str(world.client.make_url("/admin")), "root", password)
    await expect(page.locator("#admin")).to_be_visible()
    await expect(page.locator("#grid")).to_be_hidden()
    await expect(page.locator("#users tbody tr")).to_have_count(3)
    failed = page.locator(f'#failed li[data-path="{broken}"]')
    await expect(failed).to_contain_text("not a readable image: truncated")
    camera = page.locator("#chart-camera")
    await expect(camera).to_have_attribute("data-values", json.dumps([["canon eos", 2], ["nikon d90", 1]]).replace(", ", ","))
    await expect(page.locator("#chart-year")).to_have_attribute("data-values", '[["2019",2],["2021",1]]')
    await expect(page.locator("#chart-country")).to_have_attribute("data-values", '[["france",2],["japan",1]]')
    await expect(page.locator("#chart-indexed")).to_have_attribute("data-total", "6")
    await expect(page.locator("#chart-failures")).to_have_attribute("data-values", '[["ingest: not a readable image",1]]')
    assert await camera.evaluate("canvas => canvas.width > 0 && canvas.height > 0")
    await page.shot("admin-page")
    await page.locator("#ops").scroll_into_view_if_needed()
    await page.shot("admin-ops")

    await failed.locator("button.retry").click()  # still broken: it says so and stays
    await expect(page.locator("#message")).to_contain_text("0 files of 1 read now; still failing: not a readable image")
    jpeg_factory(broken, seed=612)  # mended on disk
    await page.locator(f'#failed li[data-path="{broken}"] button.retry').click()
    await expect(page.locator("#message")).to_have_text("1 file of 1 read now")
    await expect(page.locator(f'#failed li[data-path="{broken}"]')).to_have_count(0)
    await world_ingest.bus.join()
    await expect(page.locator("#chart-indexed")).to_have_attribute("data-total", "7", timeout=15_000)  # the next poll
    await page.locator("#ops .chart").first.scroll_into_view_if_needed()
    await page.shot("admin-retried")
    assert page.errors == [] and await page.csp() == []
