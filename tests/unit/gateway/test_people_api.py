"""The people API over the gateway: her people only, named and merged by her; others' ids are 404."""
import numpy as np

from proto import embedding, pb
from services.semantic.analyse import analyse
from services.semantic.wordnet import WordNet

RNG = np.random.default_rng(3)
ANNA, TOM = RNG.standard_normal(1024), RNG.standard_normal(1024)


def with_faces(world, key: str, *people, moods=()) -> None:
    """Give a fixture photo faces of these people (as vision would, with these moods) in the store, and the face
    words the semantic stage writes for them."""
    record = world.gateway.store.get(world.ids[key])
    record.vision.ClearField("faces")
    for i, who in enumerate(people):
        record.vision.faces.append(pb.Face(box=pb.Box(x1=0.1 + 0.4 * i, y1=0.1, x2=0.3 + 0.4 * i, y2=0.4),
                                           embedding=embedding.pack(who + 0.3 * RNG.standard_normal(1024)),
                                           age=30, gender="female", emotion=moods[i] if moods else ""))
    world.gateway.store.merge(pb.Record(id=record.id, vision=record.vision,
                                        semantic=analyse(record.vision, WordNet())))


async def test_people_are_hers_named_and_merged_by_her(world, sign_in):
    with_faces(world, "alice/beach.jpg", ANNA, TOM)
    with_faces(world, "alice/cat.jpg", ANNA, TOM)
    with_faces(world, "bob/secret.jpg", ANNA, ANNA)
    csrf = await sign_in(world.client, "alice")
    headers = {"X-CSRF-Token": csrf}
    people = (await (await world.client.get("/api/people")).json())["people"]
    assert [(p["name"], p["faces"], p["photos"]) for p in people] == [(None, 2, 2), (None, 2, 2)]
    first, second = (p["id"] for p in people)
    named = await world.client.patch(f"/api/people/{first}", json={"name": "Anna"}, headers=headers)
    assert named.status == 200 and (await named.json()) == {"id": first, "name": "Anna"}
    shown = await (await world.client.get(f"/api/people/{first}")).json()
    assert {p["id"] for p in shown["photos"]} == {world.ids["alice/beach.jpg"], world.ids["alice/cat.jpg"]}
    assert (await world.client.patch(f"/api/people/{first}", json={"name": 7}, headers=headers)).status == 400
    merged = await world.client.post(f"/api/people/{second}/merge", json={"into": first}, headers=headers)
    assert (await merged.json()) == {"id": first, "name": "Anna"}
    assert (await (await world.client.get("/api/people")).json())["people"] == [
        {"id": first, "name": "Anna", "faces": 4, "photos": 2}]

    await world.client.post("/api/auth/logout", headers=headers)
    csrf = await sign_in(world.client, "bob")
    bobs = (await (await world.client.get("/api/people")).json())["people"]
    assert [(p["name"], p["faces"]) for p in bobs] == [(None, 2)] and bobs[0]["id"] != first
    for response in (await world.client.get(f"/api/people/{first}"),
                     await world.client.patch(f"/api/people/{first}", json={"name": "x"},
                                              headers={"X-CSRF-Token": csrf}),
                     await world.client.post(f"/api/people/{bobs[0]['id']}/merge", json={"into": first},
                                             headers={"X-CSRF-Token": csrf}),
                     await world.client.get("/api/people/nope")):
        assert response.status == 404 and "error" in await response.json()


async def test_people_need_a_session(world):
    for method, path in (("GET", "/api/people"), ("PATCH", "/api/people/1"), ("POST", "/api/people/1/merge")):
        assert (await world.client.request(method, path)).status == 401


async def test_her_names_find_her_own_faces(world, sign_in):
    with_faces(world, "alice/beach.jpg", ANNA, TOM, moods=("happy", "sad"))
    with_faces(world, "alice/cat.jpg", ANNA, TOM, moods=("sad", "happy"))
    with_faces(world, "bob/secret.jpg", ANNA, ANNA, moods=("happy", "happy"))
    csrf = await sign_in(world.client, "alice")
    beach, cat = world.ids["alice/beach.jpg"], world.ids["alice/cat.jpg"]
    for person in (await (await world.client.get("/api/people")).json())["people"]:
        shown = await (await world.client.get(f"/api/people/{person['id']}")).json()
        name = "Anna" if {"id": beach, "face": 0} in [{k: p[k] for k in ("id", "face")} for p in shown["photos"]] \
            else "Tom"
        await world.client.patch(f"/api/people/{person['id']}", json={"name": name}, headers={"X-CSRF-Token": csrf})

    async def found(query: str) -> set[str]:
        result = await (await world.client.get("/api/search", params={"q": query, "explain": "true"})).json()
        return {hit["id"] for hit in result["hits"]}

    assert await found("anna") == {beach, cat}
    assert await found("anna happy") == {beach}  # at the cat photo Anna is the sad one
    assert await found("tom happy") == {cat}
    assert await found("anna tom sad") == {beach}
    hit = (await (await world.client.get("/api/search", params={"q": "anna sad", "explain": "true"})).json())["hits"]
    assert [h["id"] for h in hit] == [cat] and {"key": "person", "value": "anna", "source": "people", "weight": 1.0,
                                               "tier": "exact", "face": 1} in hit[0]["explain"]

    await world.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    await sign_in(world.client, "bob")  # her names are hers: to Bob 'anna' is a plain word
    assert await found("anna") == set() and await found("person:anna") == set()


async def test_a_persons_face_is_cut_from_her_own_photo_around_the_box(world, sign_in):
    """The crop is a square around the largest of the person's faces: a thumbnail painted red inside that face's box
    and blue elsewhere gives a crop red in the middle; another user's person is a 404."""
    import io

    from PIL import Image

    from services.pipeline.layout import thumb_path, thumbs_dir

    with_faces(world, "alice/beach.jpg", ANNA, TOM)  # boxes (0.1, 0.1)-(0.3, 0.4) and (0.5, 0.1)-(0.7, 0.4)
    with_faces(world, "alice/cat.jpg", ANNA)
    cat = world.gateway.store.get(world.ids["alice/cat.jpg"])
    cat.vision.faces[0].box.CopyFrom(pb.Box(x1=0.1, y1=0.1, x2=0.2, y2=0.2))  # a smaller face: not chosen
    world.gateway.store.merge(pb.Record(id=cat.id, vision=cat.vision))
    with_faces(world, "bob/secret.jpg", ANNA, ANNA)
    thumb = thumb_path(thumbs_dir(world.gateway.data_dir), world.ids["alice/beach.jpg"], 1280)
    painted = Image.new("RGB", (1000, 500), (0, 0, 255))
    painted.paste((255, 0, 0), (100, 50, 300, 200))  # the first face's box in pixels
    painted.save(thumb, "JPEG", quality=95)
    await sign_in(world.client, "alice")
    people = (await (await world.client.get("/api/people")).json())["people"]
    anna = next(p["id"] for p in people if p["faces"] == 2)
    response = await world.client.get(f"/api/people/{anna}/face")
    assert response.status == 200 and response.content_type == "image/jpeg"
    face = Image.open(io.BytesIO(await response.read())).convert("RGB")
    assert face.size == (192, 192)
    reds = [x for x in range(192) if face.getpixel((x, 60))[0] > 200]
    assert 80 < len(reds) < 140  # the face is 1/1.6 of the square, with what is around it either side
    assert abs((reds[0] + reds[-1]) / 2 - 96) < 6  # centred on the face
    assert face.getpixel((96, 176))[2] > 200  # below the chin: the picture around it

    await world.client.post("/api/auth/logout", headers={"X-CSRF-Token": (await (await world.client.get(
        "/api/auth/me")).json())["csrf"]})
    await sign_in(world.client, "bob")
    assert (await world.client.get(f"/api/people/{anna}/face")).status == 404
    bobs = (await (await world.client.get("/api/people")).json())["people"]
    assert (await world.client.get(f"/api/people/{bobs[0]['id']}/face")).status == 200
