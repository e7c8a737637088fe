"""The web gallery in a real headless Chromium (Playwright driving Debian's chromium); screenshots in test-artifacts/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from fixtures.gateway import add_photo

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
async def page():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: scripts/setup.sh installs it")
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1100, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        yield page
        await browser.close()


async def test_sign_in_browse_search_open_and_sign_out(world, page, password):
    base = str(world.client.make_url("/"))
    await page.goto(base)
    await page.fill("input[name=username]", "alice")
    await page.fill("input[name=password]", password)
    await page.click("#login-form button[type=submit]")
    await expect(page.locator(".tile")).to_have_count(2)
    await page.screenshot(path=ARTIFACTS / "grid.png")

    await page.fill("#q", "cat")
    await page.press("#q", "Enter")
    await expect(page.locator("#summary")).to_have_text("1 photo")
    first = page.locator(".tile").first
    assert await first.get_attribute("data-id") == world.ids["alice/cat.jpg"]
    await page.screenshot(path=ARTIFACTS / "search.png")

    await first.click()  # the viewer; its details button opens the dialog with the boxes
    await page.click(".pswp__button--info")
    face = page.locator("#boxes .box.face")
    await expect(face).to_be_visible()
    await expect(face).to_contain_text("female")
    label = face.locator("span")  # light on the label's dark ground (it inherited the dialog's dark text)
    assert await label.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    description = page.locator("#details dd", has_text="<script>")
    await expect(description).to_have_text("<script>window.pwned = 1</script>")
    assert await page.evaluate("window.pwned") is None
    await page.screenshot(path=ARTIFACTS / "photo.png")

    await page.click("#close-viewer")
    await page.keyboard.press("Escape")
    await expect(page.locator(".pswp")).to_have_count(0)
    await page.click("#logout")
    await expect(page.locator("#login-form")).to_be_visible()
    assert page.errors == []


async def test_a_wrong_password_says_so(world, page):
    await page.goto(str(world.client.make_url("/")))
    await page.fill("input[name=username]", "alice")
    await page.fill("input[name=password]", "wrong password!")
    await page.click("#login-form button[type=submit]")
    await expect(page.locator("#login-error")).to_have_text("wrong user name or password")


async def test_a_share_link_opens_signed_out_without_asking_to_sign_in(world, page, sign_in):
    csrf = await sign_in(world.client, "alice")
    share = await (await world.client.post("/api/shares", json={"query": "cat"}, headers={"X-CSRF-Token": csrf})).json()
    await page.goto(str(world.client.make_url(share["url"])))
    await expect(page.locator(".tile")).to_have_count(1)
    await expect(page.locator("#summary")).to_have_text("1 shared photo for “cat”")
    await expect(page.locator("#login")).to_be_hidden()
    await expect(page.locator("header nav")).to_be_hidden()  # was Map, Albums, People, Upload...: "sign in first"
    assert page.errors == []


async def test_the_status_line_counts_and_the_share_message_reads_as_success(world, page, password):
    """A stage known only by its queue (the indexer) reads plainly, not `undefined/NaN`; a new share link is not
    shown in the error colour."""
    from services.gateway.app import Ops

    queued = {"indexer": 3}

    async def queues() -> dict[str, int]:
        return dict(queued)

    world.gateway.ops = Ops(queues=queues)
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    await page.goto(str(world.client.make_url("/")))
    await page.fill("input[name=username]", "alice")
    await page.fill("input[name=password]", password)
    await page.click("#login-form button[type=submit]")
    status = page.locator("#status")
    await expect(status).to_contain_text("indexer (3 queued)")
    await expect(status).to_contain_text("2 photos ·")
    assert "undefined" not in await status.text_content() and "NaN" not in await status.text_content()
    queued["indexer"] = 0  # an empty queue says nothing (it read "2 photos · indexer")
    await expect(status).not_to_contain_text("indexer", timeout=10_000)
    await page.fill("#q", "cat")
    await page.press("#q", "Enter")
    await page.click("#share-button")
    message = page.locator("#message")
    await expect(message).to_contain_text("Share link (72 h)")
    assert "error" not in (await message.get_attribute("class") or "")
    await page.screenshot(path=ARTIFACTS / "status-and-share.png")
    assert page.errors == [] and missing == []  # no request of the page is a 404


async def test_the_admin_page_has_its_own_route_and_lists_photos_whose_analysis_failed(world, page, password):
    from proto import pb

    failed = pb.Record(id=world.ids["alice/cat.jpg"])
    failed.vision.meta.outcome, failed.vision.meta.reason = pb.OUTCOME_FAILED, "the classifier timed out"
    world.gateway.store.merge(failed)
    await page.goto(str(world.client.make_url("/")))
    await page.fill("input[name=username]", "root")
    await page.fill("input[name=password]", password)
    await page.click("#login-form button[type=submit]")
    await expect(page.locator(".tile")).to_have_count(3)
    await page.click("#admin-button")
    await expect(page.locator("#admin")).to_be_visible()
    await expect(page.locator("#grid")).to_be_hidden()
    assert page.url.endswith("/admin")
    await expect(page.locator("#failed")).to_contain_text("cat.jpg: vision failed: the classifier timed out")
    await page.screenshot(path=ARTIFACTS / "admin.png")
    await page.reload()  # the route opens the admin page itself
    await expect(page.locator("#admin")).to_be_visible()
    await page.fill("#q", "beach")
    await page.press("#q", "Enter")
    await expect(page.locator("#admin")).to_be_hidden()
    await expect(page.locator(".tile")).to_have_count(2)
    assert page.errors == []


async def test_a_suggestion_of_several_words_is_put_in_quotes(world, page, password):
    # Taken unquoted, "article of clothing" is three words, "of" dropped: it found 2 photos where the term is on 13.
    add_photo(world, "alice", "shirt.jpg", seed=61, label="article of clothing")
    await page.goto(str(world.client.make_url("/")))
    await page.fill("input[name=username]", "alice")
    await page.fill("input[name=password]", password)
    await page.click("#login-form button[type=submit]")
    await expect(page.locator(".tile")).to_have_count(3)
    await page.locator("#q").press_sequentially("beach arti")
    option = page.locator("#suggestions option")
    await expect(option).to_have_count(1)
    assert await option.get_attribute("value") == 'beach "article of clothing"'
    assert page.errors == []


async def test_back_and_forward_show_the_page_the_address_names(world, page, password):
    await page.goto(str(world.client.make_url("/")))
    await page.fill("input[name=username]", "alice")
    await page.fill("input[name=password]", password)
    await page.click("#login-form button[type=submit]")
    await expect(page.locator(".tile")).to_have_count(2)
    await page.fill("#q", "cat")
    await page.press("#q", "Enter")
    await expect(page.locator("#summary")).to_have_text("1 photo")
    await page.click("#albums-button")
    await expect(page.locator("#albums")).to_be_visible()
    await page.go_back()  # was: the address went back, the albums stayed and the grid stayed hidden
    await expect(page.locator("#albums")).to_be_hidden()
    await expect(page.locator(".tile")).to_have_count(1)
    assert await page.input_value("#q") == "cat"
    await page.go_back()  # the search before: everything
    await expect(page.locator(".tile")).to_have_count(2)
    await page.go_forward()
    await page.go_forward()
    await expect(page.locator("#albums")).to_be_visible()
    assert page.url.endswith("/albums") and page.errors == []
