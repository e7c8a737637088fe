"""Downloads: an original saved under its own name, a selection as a zip streamed while it is written (only hers,
only from inside her folders on disk); many favourites at once."""
from __future__ import annotations

import io
import os
import threading
import zipfile

from fixtures.gateway import add_photo
from fixtures.waiting import until
from services.gateway.downloads import attachment
from services.media.formats import register_openers


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
    assert shown.status == 200 and shown.headers["Content-Disposition"].startswith('inline; filename="cat.jpg"')
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert (await world.client.get(f"/media/{cat}/original", params={"download": "maybe"})).status == 400


async def test_an_original_is_sent_with_its_own_type_and_name_whatever_its_kind(world, sign_in, samples_dir):
    # Served from a checked descriptor (/proc/self/fd/N): its type and name come from the photo's own name (a HEIC
    # was application/octet-stream saved as "original").
    register_openers()
    heic = add_photo(world, "alice", "IMG_5195.HEIC", seed=0, source=samples_dir / "heic" / "IMG_5195.HEIC")
    await sign_in(world.client, "alice")
    shown = await world.client.get(f"/media/{heic}/original")
    assert shown.status == 200 and shown.headers["Content-Type"] == "image/heic"
    assert 'filename="IMG_5195.HEIC"' in shown.headers["Content-Disposition"]


async def test_a_download_swapped_for_a_link_is_refused(world, sign_in):
    await sign_in(world.client, "alice")
    cat = world.media / "alice" / "cat.jpg"
    os.replace(cat, world.media / "bob" / "moved.jpg")
    os.symlink(world.media / "bob" / "secret.jpg", cat)
    response = await world.client.get(f"/media/{world.ids['alice/cat.jpg']}/original", params={"download": "1"})
    assert response.status == 404 and "error" in await response.json()


async def zip_of(world, ids: list[str]) -> zipfile.ZipFile:
    made = await world.client.post("/api/downloads", json={"ids": ids}, headers=await csrf(world))
    assert made.status == 201, await made.text()
    response = await world.client.get((await made.json())["url"])
    assert response.status == 200 and response.content_type == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=\"picsift-")
    return zipfile.ZipFile(io.BytesIO(await response.read()))


async def csrf(world) -> dict:
    return {"X-CSRF-Token": (await (await world.client.get("/api/auth/me")).json())["csrf"]}


async def test_a_selection_downloads_as_one_zip_of_her_originals(world, sign_in):
    await sign_in(world.client, "alice")
    cat, beach = world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"]
    other = add_photo(world, "alice", "more/cat.jpg", 600)  # the same name in another folder
    archive = await zip_of(world, [cat, beach, other, cat])
    assert sorted(archive.namelist()) == ["beach.jpg", "cat (2).jpg", "cat.jpg"]
    assert archive.testzip() is None
    names = dict(zip(archive.namelist(), ("cat.jpg", "beach.jpg", "more/cat.jpg")))
    for name in archive.namelist():
        assert archive.read(name) == (world.media / "alice" / names[name]).read_bytes()


async def test_a_zip_streams_past_its_buffers_and_leaves_out_a_file_swapped_for_a_link(world, sign_in):
    """Eight photos of 1 MB (more than the chunks queued ahead) arrive whole; a file swapped for a link to bob's
    photo after the link was made is left out and named."""
    await sign_in(world.client, "alice")
    big = []
    for seed in range(700, 708):
        big.append(add_photo(world, "alice", f"big-{seed}.jpg", seed))
        path = world.media / "alice" / f"big-{seed}.jpg"
        path.write_bytes(path.read_bytes() + os.urandom(1024 * 1024))
    made = await world.client.post("/api/downloads", json={"ids": big + [world.ids["alice/cat.jpg"]]},
                                   headers=await csrf(world))
    cat = world.media / "alice" / "cat.jpg"
    cat.unlink()
    os.symlink(world.media / "bob" / "secret.jpg", cat)
    archive = zipfile.ZipFile(io.BytesIO(await (await world.client.get((await made.json())["url"])).read()))
    assert len(archive.namelist()) == 9 and "cat.jpg" not in archive.namelist()
    assert archive.read("not-included.txt").decode().endswith("cat.jpg\n")
    for seed in range(700, 708):
        assert archive.read(f"big-{seed}.jpg") == (world.media / "alice" / f"big-{seed}.jpg").read_bytes()


async def test_a_client_that_goes_away_stops_the_zip_writer(world, sign_in):
    await sign_in(world.client, "alice")
    big = []
    for seed in range(720, 740):
        big.append(add_photo(world, "alice", f"big-{seed}.jpg", seed))
        path = world.media / "alice" / f"big-{seed}.jpg"
        path.write_bytes(path.read_bytes() + os.urandom(1024 * 1024))
    made = await world.client.post("/api/downloads", json={"ids": big}, headers=await csrf(world))
    response = await world.client.get((await made.json())["url"])
    await response.content.readexactly(64 * 1024)
    assert any(thread.name == "zip" for thread in threading.enumerate())
    response.close()  # gone with 20 MB still to come
    await until(lambda: not any(thread.name == "zip" for thread in threading.enumerate()))


async def test_only_her_own_photos_and_links(world, sign_in):
    await sign_in(world.client, "alice")
    mine = await world.client.post("/api/downloads", json={"ids": [world.ids["alice/cat.jpg"]]},
                                   headers=await csrf(world))
    refused = await world.client.post("/api/downloads", json={"ids": [world.ids["bob/secret.jpg"]]},
                                      headers=await csrf(world))
    assert refused.status == 404
    world.client.session.cookie_jar.clear()
    await sign_in(world.client, "bob")
    assert (await world.client.get((await mine.json())["url"])).status == 404
    assert (await world.client.get("/api/downloads/nonsense")).status == 404


async def test_many_favourites_at_once_all_hers_or_none(world, sign_in):
    await sign_in(world.client, "alice")
    cat, beach = world.ids["alice/cat.jpg"], world.ids["alice/beach.jpg"]
    done = await world.client.post("/api/favorites", json={"ids": [cat, beach], "favorite": True},
                                   headers=await csrf(world))
    assert (await done.json()) == {"ids": [cat, beach], "favorite": True}
    listed = (await (await world.client.get("/api/photos")).json())["items"]
    assert all(item["favorite"] for item in listed)
    refused = await world.client.post("/api/favorites", json={"ids": [cat, world.ids["bob/secret.jpg"]],
                                                              "favorite": False}, headers=await csrf(world))
    assert refused.status == 404
    assert (await (await world.client.get(f"/api/photos/{cat}")).json())["favorite"] is True
