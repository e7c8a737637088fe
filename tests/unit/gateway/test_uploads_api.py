"""Upload from the browser over HTTP: into her own folder only, streamed within the size limit, only photos picsift
reads, never over another file or through a link, and indexed by the normal pipeline."""
from __future__ import annotations

import io
import os
import struct
import zlib

import aiohttp
import numpy as np
import pytest
from PIL import Image

from services.media.formats import register_openers



def photo(kind: str = "JPEG", seed: int = 1, size=(96, 64)) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, kind)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header claiming this size, with no pixels: a decompression bomb to Pillow."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def half_a_jxl() -> bytes:
    register_openers()  # the JPEG XL plugin
    made = io.BytesIO()
    Image.new("RGB", (64, 64), (9, 9, 9)).save(made, "JXL")
    return made.getvalue()[: len(made.getvalue()) // 2]


def form(*files: tuple[str, bytes]) -> aiohttp.FormData:
    data = aiohttp.FormData()
    for name, content in files:
        data.add_field("file", content, filename=name, content_type="application/octet-stream")
    return data


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob(".upload-*"))


async def test_photos_go_into_her_folder_under_their_own_names_never_over_another(world, sign_in):
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    first, second = photo(seed=1), photo(seed=2)
    made = await world.client.post("/api/uploads", data=form(("Trip.jpg", first), ("b.png", photo("PNG"))),
                                   headers=headers)
    answer = await made.json()
    mine = world.media / "alice"
    assert made.status == 201, answer
    assert answer["folder"] == str(mine / "uploads")
    assert [(f["name"], f["path"], f["bytes"]) for f in answer["files"]] == [
        ("Trip.jpg", str(mine / "uploads" / "Trip.jpg"), len(first)), ("b.png", str(mine / "uploads" / "b.png"), len(photo("PNG")))]
    assert answer["files"][0]["indexing"]["outcome"] == "queued"  # this gateway runs no ingest: the watcher's job
    again = await world.client.post("/api/uploads", params={"folder": "2024/summer trip"},
                                    data=form(("Trip.jpg", first)), headers=headers)
    assert (await again.json())["files"][0]["path"] == str(mine / "2024" / "summer trip" / "Trip.jpg")
    clash = await world.client.post("/api/uploads", data=form(("Trip.jpg", second)), headers=headers)
    assert (await clash.json())["files"][0]["path"] == str(mine / "uploads" / "Trip (2).jpg")
    assert (mine / "uploads" / "Trip.jpg").read_bytes() == first and (mine / "uploads" / "Trip (2).jpg").read_bytes() == second
    assert leftovers(mine) == []


@pytest.mark.parametrize("name, content, status, message", [
    ("notes.txt", b"hello", 415, "'notes.txt' is not a kind of photo picsift reads"),
    ("fake.jpg", photo("PNG"), 415, "'fake.jpg' is not a JPEG photo (it reads as PNG)"),
    ("broken.jpg", b"\xff\xd8\xff garbage", 415, "'broken.jpg' is not a JPEG photo"),
    ("empty.jpg", b"", 400, "'empty.jpg' is empty"),
    (".hidden.jpg", photo(), 400, "not hidden"),
    ("bomb.png", png_claiming(200_000, 200_000), 415, "'bomb.png' is not a PNG photo"),  # were 500s
    ("half.jxl", half_a_jxl(), 415, "'half.jxl' is not a JXL photo"),
])
async def test_what_is_not_a_photo_it_reads_is_refused_and_leaves_nothing(world, sign_in, name, content, status,
                                                                           message):
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    refused = await world.client.post("/api/uploads", data=form(("ok.jpg", photo()), (name, content)), headers=headers)
    answer = await refused.json()
    assert refused.status == status and message in answer["error"], answer
    assert [f["name"] for f in answer["saved"]] == ["ok.jpg"]  # what came before it in the request stays
    assert sorted(os.listdir(world.media / "alice" / "uploads")) == ["ok.jpg"]


async def test_too_big_wrong_folders_links_and_missing_roots_are_clear_errors(world, sign_in):
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    world.gateway.settings.upload_max_mb = 1
    big = photo(size=(2000, 1400))
    assert len(big) > 2**20
    chunked = await world.client.post("/api/uploads", data=form(("big.jpg", big)), headers=headers)
    assert chunked.status == 413 and "larger than the upload limit of 1 MB" in (await chunked.json())["error"]
    sized = await world.client.post("/api/uploads", data=form(("a.jpg", big), ("b.jpg", big)), headers=headers)
    assert sized.status == 413 and "at most 1 MB" in (await sized.json())["error"]
    assert leftovers(world.media / "alice") == []
    for folder in ("../bob", "/etc", ".secret", "a/../../bob", "x/.git"):
        bad = await world.client.post("/api/uploads", params={"folder": folder}, data=form(("a.jpg", photo())),
                                      headers=headers)
        assert bad.status == 400 and "error" in await bad.json(), folder
    (world.media / "alice" / "sneaky").symlink_to(world.media / "bob", target_is_directory=True)
    linked = await world.client.post("/api/uploads", params={"folder": "sneaky"}, data=form(("a.jpg", photo())),
                                     headers=headers)
    assert linked.status == 400 and "is a link or a file" in (await linked.json())["error"]
    assert sorted(os.listdir(world.media / "bob")) == ["secret.jpg"]
    plain = await world.client.post("/api/uploads", json={"file": "a.jpg"}, headers=headers)
    assert plain.status == 415 and "multipart/form-data" in (await plain.json())["error"]
    other = await world.client.post("/api/uploads", params={"root": "1"}, data=form(("a.jpg", photo())),
                                    headers=headers)
    assert other.status == 400 and "root is 0 to 0" in (await other.json())["error"]
    assert (await world.client.post("/api/uploads", data=form(("a.jpg", photo())))).status == 403  # no CSRF token
    world.gateway.users.add("carol", "long enough password", [str(world.media / "carol")])
    carol = {"X-CSRF-Token": await sign_in(world.client, "carol", "long enough password")}
    gone = await world.client.post("/api/uploads", data=form(("a.jpg", photo())), headers=carol)
    assert gone.status == 409 and "is not there" in (await gone.json())["error"]


async def test_an_upload_is_indexed_by_the_pipeline_and_found_by_its_folder(world, world_ingest, sign_in):
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    made = await world.client.post("/api/uploads", params={"folder": "zanzibar"},
                                   data=form(("dhow.jpg", photo(seed=5))), headers=headers)
    indexing = (await made.json())["files"][0]["indexing"]
    assert made.status == 201 and indexing["outcome"] == "new" and len(indexing["id"]) == 64
    await world_ingest.bus.join()
    found = await (await world.client.get("/api/search", params={"q": "zanzibar"})).json()
    assert [hit["id"] for hit in found["hits"]] == [indexing["id"]]
    thumb = await world.client.get(f"/media/{indexing['id']}/thumb")
    assert thumb.status == 200 and thumb.content_type == "image/jpeg"


async def test_a_body_that_is_not_a_readable_form_is_a_400(world, sign_in):
    headers = {"X-CSRF-Token": await sign_in(world.client, "alice")}
    for content_type, body in (("multipart/form-data", b"x"),  # no boundary
                               ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"file\"; "
                                                                    b"filename=\"a.jpg\"\r\n\r\n\xff\xd8"),  # broken off
                               ("multipart/form-data; boundary=zz", b"garbage"),
                               ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"file\"; "
                                                                    b"filename=\"a\x01b.jpg\"\r\n\r\nxx\r\n--zz--\r\n"),
                               ("multipart/form-data; boundary=zz", b"--zz\r\nno colon here\r\n\r\nxx\r\n--zz--\r\n"),
                               ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Type: multipart/mixed; boundary=yy\r\n"
                                                                    b"\r\n--yy\r\n\r\nxx\r\n--yy--\r\n--zz--\r\n")):
        refused = await world.client.post("/api/uploads", data=body, headers={**headers, "Content-Type": content_type})
        assert refused.status in (400, 415) and "error" in await refused.json(), (content_type, body)
    assert leftovers(world.media / "alice") == []
