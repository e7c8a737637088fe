"""Downloads: an original saved under its own name (only hers, only from inside her folders on disk)."""
from __future__ import annotations

import os

from services.gateway.downloads import attachment


def test_the_attachment_header_names_the_file_safely():
    assert attachment("cat.jpg") == "attachment; filename=\"cat.jpg\"; filename*=UTF-8''cat.jpg"
    assert attachment('Zoë "best"\\.jpg') == ("attachment; filename=\"Zo_ _best__.jpg\"; "
                                            "filename*=UTF-8''Zo%C3%AB%20%22best%22%5C.jpg")
    assert "\n" not in attachment("a\nb.jpg") and "\r" not in attachment("a\rb.jpg")


async def test_an_original_downloads_under_its_name_and_is_shown_without_asking(world, sign_in):
    await sign_in(world.client, "alice")
    cat = world.ids["alice/cat.jpg"]
    saved = await world.client.get(f"/media/{cat}/original", params={"download": "1"})
    assert saved.status == 200
    assert saved.headers["Content-Disposition"] == "attachment; filename=\"cat.jpg\"; filename*=UTF-8''cat.jpg"
    assert await saved.read() == (world.media / "alice" / "cat.jpg").read_bytes()
    shown = await world.client.get(f"/media/{cat}/original")
    assert shown.status == 200 and "Content-Disposition" not in shown.headers
    assert (await world.client.get(f"/media/{cat}/original", params={"download": "maybe"})).status == 400


async def test_a_download_swapped_for_a_link_is_refused(world, sign_in):
    await sign_in(world.client, "alice")
    cat = world.media / "alice" / "cat.jpg"
    os.replace(cat, world.media / "bob" / "moved.jpg")
    os.symlink(world.media / "bob" / "secret.jpg", cat)
    response = await world.client.get(f"/media/{world.ids['alice/cat.jpg']}/original", params={"download": "1"})
    assert response.status == 404 and "error" in await response.json()
