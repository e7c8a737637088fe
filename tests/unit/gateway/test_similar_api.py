"""`similar:ID` through the gateway (what the viewer's Similar button asks): her photos only, ranked by similarity;
a photo she cannot see finds nothing, as one that does not exist."""
import numpy as np

from proto import embedding, pb

RNG = np.random.default_rng(5)
BEACH = RNG.standard_normal(1280)


def with_embedding(world, key: str, noise: float) -> None:
    """Give a fixture photo an embedding (as the vision stage would): the beach's vector plus noise."""
    vector = embedding.pack(BEACH + noise * RNG.standard_normal(1280))
    world.gateway.store.merge(pb.Record(id=world.ids[key], vision=pb.VisionResult(
        embedding=vector, meta=pb.StageMeta(outcome=pb.OUTCOME_OK))))


async def similar(world, key_or_id: str, **params):
    photo = world.ids.get(key_or_id, key_or_id)
    return await world.client.get("/api/search", params={"q": f"similar:{photo}", **params})


async def test_similar_finds_her_photos_most_like_hers_first(world, sign_in):
    with_embedding(world, "alice/beach.jpg", 0.1)
    with_embedding(world, "alice/cat.jpg", 1.0)
    with_embedding(world, "bob/secret.jpg", 0.2)  # nearest of all to the beach, but bob's
    await sign_in(world.client, "root")
    found = await (await similar(world, "alice/beach.jpg", explain="1")).json()
    assert [h["id"] for h in found["hits"]] == [world.ids["bob/secret.jpg"], world.ids["alice/cat.jpg"]]
    assert found["hits"][0]["score"] > found["hits"][1]["score"] > 0
    assert found["hits"][0]["explain"][0] == {"key": "similar", "value": world.ids["alice/beach.jpg"],
                                              "source": "embedding", "weight": round(found["hits"][0]["score"], 3),
                                              "tier": "similar"}
    await world.client.post("/api/auth/logout", headers={"X-CSRF-Token": (await (await world.client.get(
        "/api/auth/me")).json())["csrf"]})
    await sign_in(world.client, "alice")
    found = await (await similar(world, "alice/beach.jpg")).json()
    assert [h["id"] for h in found["hits"]] == [world.ids["alice/cat.jpg"]] and found["total"] == 1
    assert found["hits"][0]["path"].startswith(str(world.media / "alice"))
    hers = await similar(world, "bob/secret.jpg")  # she cannot see it: nothing, as for an id nobody has
    assert hers.status == 200 and (await hers.json())["total"] == 0
    assert (await (await similar(world, "f" * 64)).json())["total"] == 0
    assert (await similar(world, "../etc")).status == 400


async def test_similar_needs_a_session(world):
    assert (await similar(world, "alice/beach.jpg")).status == 401
