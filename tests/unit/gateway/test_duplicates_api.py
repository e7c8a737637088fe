"""The duplicates API: her groups of near-copies only; a copy under another user's roots never shows."""
from proto import pb

HASH = 0x9F3A_5C21_77E0_1B4D


def with_hashes(world, key: str, flipped_bits: int, quality: int) -> None:
    """Give a fixture photo perceptual hashes (as the hashes stage would) a few bits from HASH."""
    near = HASH ^ ((1 << flipped_bits) - 1)
    world.gateway.store.merge(pb.Record(id=world.ids[key], hashes=pb.HashesResult(
        phash=near, dhash=near, quality=quality, sharpness=10.0, meta=pb.StageMeta(outcome=pb.OUTCOME_OK))))


async def test_groups_are_hers_with_the_best_copy_first(world, sign_in):
    with_hashes(world, "alice/beach.jpg", 0, 60)
    with_hashes(world, "alice/cat.jpg", 2, 90)
    with_hashes(world, "bob/secret.jpg", 1, 95)  # nearest of all to beach, but bob's
    await sign_in(world.client, "alice")
    found = await (await world.client.get("/api/duplicates")).json()
    assert [[(p["id"], p["best"], p["quality"]) for p in g["photos"]] for g in found["groups"]] == [
        [(world.ids["alice/cat.jpg"], True, 90), (world.ids["alice/beach.jpg"], False, 60)]]
    assert found["groups"][0]["best"] == world.ids["alice/cat.jpg"]
    assert all(p["path"].startswith(str(world.media / "alice")) for p in found["groups"][0]["photos"])
    await world.client.post("/api/auth/logout", headers={"X-CSRF-Token": (await (await world.client.get(
        "/api/auth/me")).json())["csrf"]})
    await sign_in(world.client, "bob")
    assert (await (await world.client.get("/api/duplicates")).json()) == {"groups": []}


async def test_duplicates_need_a_session(world):
    assert (await world.client.get("/api/duplicates")).status == 401
