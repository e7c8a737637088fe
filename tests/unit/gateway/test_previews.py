"""The viewer's preview is made from the original the first time a photo is opened (ingest makes only the grid's
thumbnail), once however many ask at the same time, only from a file still inside the user's folders, and a photo
whose original is gone still shows its small thumbnail."""
from __future__ import annotations

import asyncio
import io
import os
import shutil

from PIL import Image, ImageOps

from fixtures.gateway import add_photo
from services.gateway.previews import PREVIEWS
from services.pipeline.layout import MADE_AT_INGEST, THUMB_SIZES, thumb_path, thumbs_dir

PREVIEW = max(THUMB_SIZES)
REAL = "jpg/hdr/canon_hdr_YES.jpg"  # 2048x1536, EXIF orientation 6 (portrait when upright)


async def a_real_photo(world, samples_dir) -> str:
    """Alice's copy of a real camera photo, with only what ingest makes."""
    return add_photo(world, "alice", "phone.jpg", seed=41, source=samples_dir / REAL)


async def fetched(world, photo_id: str, size: int = PREVIEW) -> tuple[int, bytes]:
    response = await world.client.get(f"/media/{photo_id}/thumb", params={"size": str(size)})
    return response.status, await response.read()


def test_ingest_makes_only_the_grid_thumbnail(tmp_path, samples_dir):
    """What the fixtures (so every gateway test) start from, as ingest leaves it with its default settings."""
    from services.ingest.catalog import Catalog
    from services.ingest.examine import NEW, examine
    from services.ingest.settings import IngestSettings

    found = examine(samples_dir / REAL, samples_dir, Catalog(tmp_path / "catalog.db"), tmp_path / "thumbs", IngestSettings().thumb_sizes)
    assert found.kind == NEW and found.record.file.has_thumbs
    assert [p.name for p in (tmp_path / "thumbs").rglob("*")] == [found.id[:2], f"{found.id}_{min(THUMB_SIZES)}.jpg"]
    assert MADE_AT_INGEST == (min(THUMB_SIZES),)


async def test_a_preview_is_made_on_first_view_upright_and_kept(world, sign_in, samples_dir):
    photo_id = await a_real_photo(world, samples_dir)
    target = thumb_path(thumbs_dir(world.gateway.data_dir), photo_id, PREVIEW)
    assert not target.exists()
    await sign_in(world.client, "alice")
    status, body = await fetched(world, photo_id)
    assert status == 200
    with Image.open(samples_dir / REAL) as original:
        upright = ImageOps.exif_transpose(original).size
    preview = Image.open(io.BytesIO(body))
    assert max(preview.size) == PREVIEW and preview.height > preview.width  # its long side, turned upright
    assert abs(preview.width / preview.height - upright[0] / upright[1]) < 0.01
    assert target.read_bytes() == body  # kept, and served from disk from now on
    made = world.client.app[PREVIEWS].made
    assert await fetched(world, photo_id) == (200, body)
    assert world.client.app[PREVIEWS].made == made == 1


async def test_many_asking_at_once_make_it_once(world, sign_in, samples_dir):
    photo_id = await a_real_photo(world, samples_dir)
    await sign_in(world.client, "alice")
    answers = await asyncio.gather(*(fetched(world, photo_id) for _ in range(6)))
    assert {status for status, _ in answers} == {200} and len({body for _, body in answers}) == 1
    assert world.client.app[PREVIEWS].made == 1


async def test_a_link_swapped_in_for_the_original_never_becomes_the_preview(world, sign_in, samples_dir):
    """Alice replaces her photo with a link to Bob's: her photo's preview is not made from his file."""
    photo_id = await a_real_photo(world, samples_dir)
    mine = world.media / "alice" / "phone.jpg"
    shutil.copyfile(samples_dir / REAL, world.media / "bob" / "private.jpg")
    mine.unlink()
    os.symlink(world.media / "bob" / "private.jpg", mine)
    await sign_in(world.client, "alice")
    status, body = await fetched(world, photo_id)
    small = thumb_path(thumbs_dir(world.gateway.data_dir), photo_id, min(THUMB_SIZES))
    assert status == 200 and body == small.read_bytes()  # the grid's thumbnail stands in
    assert not thumb_path(thumbs_dir(world.gateway.data_dir), photo_id, PREVIEW).exists()
    assert world.client.app[PREVIEWS].made == 0


async def test_an_original_gone_shows_the_small_thumbnail_and_is_tried_again_after_a_while(world, sign_in,
                                                                                           samples_dir):
    photo_id = await a_real_photo(world, samples_dir)
    (world.media / "alice" / "phone.jpg").unlink()
    previews = world.client.app[PREVIEWS]
    now = [1000.0]
    previews.clock = lambda: now[0]
    await sign_in(world.client, "alice")
    small = thumb_path(thumbs_dir(world.gateway.data_dir), photo_id, min(THUMB_SIZES)).read_bytes()
    assert await fetched(world, photo_id) == (200, small)
    shutil.copyfile(samples_dir / REAL, world.media / "alice" / "phone.jpg")  # back, as a drive mounted again
    now[0] += previews.retry_after - 1
    assert await fetched(world, photo_id) == (200, small)  # a hostile file costs its time limit once in a while
    assert previews.made == 0
    now[0] += 1
    status, body = await fetched(world, photo_id)
    assert status == 200 and max(Image.open(io.BytesIO(body)).size) == PREVIEW
    assert previews.made == 1


async def test_no_thumbnail_at_all_and_no_original_is_a_404(world, sign_in, samples_dir):
    photo_id = await a_real_photo(world, samples_dir)
    (world.media / "alice" / "phone.jpg").unlink()
    for size in MADE_AT_INGEST:
        thumb_path(thumbs_dir(world.gateway.data_dir), photo_id, size).unlink()
    await sign_in(world.client, "alice")
    for size in THUMB_SIZES:
        status, body = await fetched(world, photo_id, size)
        assert status == 404 and b"no thumbnail" in body


async def test_another_users_photo_has_no_preview_for_her(world, sign_in, samples_dir):
    photo_id = await a_real_photo(world, samples_dir)
    await sign_in(world.client, "bob")
    assert (await fetched(world, photo_id))[0] == 404
    assert world.client.app[PREVIEWS].made == 0


async def test_a_copy_changed_in_place_never_becomes_the_preview_others_see(world, sign_in, samples_dir):
    # Alice and Bob hold the same photo (one id, one preview for both); Bob overwrites his copy in place before anyone
    # opened it large. His view must not make the shared preview from his new bytes, nor keep hers from being made.
    photo_id = await a_real_photo(world, samples_dir)
    his = world.media / "bob" / "same.jpg"
    shutil.copyfile(samples_dir / REAL, his)
    record = world.gateway.store.get(photo_id)
    record.paths.append(str(his))
    world.gateway.search.index.upsert(world.gateway.store.merge(record))
    Image.new("RGB", (800, 600), (255, 0, 0)).save(his, quality=95)  # in place, the same inode
    await sign_in(world.client, "bob")
    small = thumb_path(thumbs_dir(world.gateway.data_dir), photo_id, min(THUMB_SIZES)).read_bytes()
    assert await fetched(world, photo_id) == (200, small)  # his changed copy: the small one until ingest sees it
    assert not thumb_path(thumbs_dir(world.gateway.data_dir), photo_id, PREVIEW).exists()
    await sign_in(world.client, "alice")
    status, body = await fetched(world, photo_id)
    preview = Image.open(io.BytesIO(body))
    assert status == 200 and max(preview.size) == PREVIEW and preview.getpixel((10, 10)) != (255, 0, 0)
    assert world.client.app[PREVIEWS].made == 1
