"""One contract for the ModelRuntime port: TensorFlow in process, ONNX Runtime in process and TF Serving's gRPC API
give the same answers, within a tolerance, on real photos."""
import asyncio
import socket

import numpy as np
import pytest
from PIL import Image
from skimage import data

from proto import embedding, pb
from services.media.decode import decode
from services.vision.analyse import VisionModels, analyse
from services.vision.build import build_models, read_manifest
from services.vision.inference.classifier import Classifier, load_labels
from services.vision.inference.faces import face_crop
from services.vision.runtime.grpc_serving import GrpcRuntime, ServingUnavailable
from services.vision.runtime.local import LocalRuntime
from services.vision.runtime.onnx_runtime import OnnxRuntime
from services.vision.runtime.port import ModelError
from services.vision.service import build_stage
from services.vision.settings import VisionSettings

# Real photos with faces, people, cars, cups, boats (what vision saw in them: tests/unit/semantic/real_photo_terms.json)
REAL_PHOTOS = ("jpg/PaintTool_sample.jpg", "jpg/exif-org/canon-ixus.jpg", "jpg/exif-org/fujifilm-dx10.jpg",
               "jpg/exif-org/kodak-dc210.jpg", "jpg/exif-org/olympus-c960.jpg", "jpg/exif-org/sony-d700.jpg",
               "jpg/gps/DSCN0027.jpg", "jpg/invalid/image00971.jpg", "jpg/xmp/no_exif.jpg",
               "tiff/DudleyLeavittUtah.tiff", "jpg/mobile/HMD_Nokia_8.3_5G.jpg")
SCORE, BOX, AGE, COSINE = 1e-4, 1e-4, 0.01, 0.9999  # how far another runtime may answer from TensorFlow's


@pytest.fixture(scope="module")
def models_dir():
    settings = VisionSettings()
    build_models(settings.models_dir, progress=lambda line: None)
    return settings.models_dir


def classifier(models_dir) -> Classifier:
    """The classifier's own pre- and post-processing, answering its best class only."""
    return Classifier(read_manifest(models_dir)["models"][Classifier.name], load_labels(models_dir), 1, 0.0)


def versions(models_dir):
    return {name: entry["version"] for name, entry in read_manifest(models_dir)["models"].items()}


@pytest.fixture(params=["tensorflow", "onnx", "grpc"])
async def runtime(request, models_dir, tf_serving):
    if request.param == "tensorflow":
        runtime = LocalRuntime(models_dir)
    elif request.param == "onnx":
        runtime = OnnxRuntime(models_dir)
    else:
        target, _ = await tf_serving(models_dir)
        runtime = GrpcRuntime(target, versions(models_dir))
    yield runtime
    await runtime.close()


@pytest.fixture(scope="module")
def reference(models_dir):
    """TensorFlow on the SavedModels, the runtime TF Serving is: what the others are held to (loaded once)."""
    runtime = LocalRuntime(models_dir)
    yield runtime
    asyncio.run(runtime.close())


@pytest.fixture(scope="module")
def images(tmp_path_factory, models_dir):
    folder = tmp_path_factory.mktemp("images")
    batch = []
    for name in ("chelsea", "coffee", "astronaut"):
        path = folder / f"{name}.jpg"
        Image.fromarray(getattr(data, name)()).convert("RGB").save(path, quality=92)
        batch.append(classifier(models_dir).preprocess(decode(path)))
    return np.stack(batch)


@pytest.fixture(scope="module")
def photos(samples_dir):
    return {name: decode(samples_dir / name) for name in REAL_PHOTOS}


@pytest.fixture(scope="module")
def models(models_dir):
    return VisionModels.load(read_manifest(models_dir)["models"], models_dir, 5, 0.03)


async def test_each_runtime_names_the_cat_and_the_espresso(runtime, images, models_dir):
    probabilities = (await runtime.predict("mobilenet_v2", {"images": images}))["probabilities"]
    assert probabilities.shape == (3, 1000)
    top = [classifier(models_dir).postprocess({"probabilities": p})[0].label for p in probabilities]
    assert top[1] == "espresso" and top[0] in ("Egyptian cat", "tiger cat", "tabby")


async def test_every_model_answers_as_tensorflow_on_real_photos(runtime, reference, models, photos):
    """Each model's raw outputs, batched where the model takes batches, within a part in 10,000 of their scale."""
    detector, describer, feeler = models.faces
    crops = [face_crop(image, np.array([0.3, 0.2, 0.6, 0.6], np.float32)) for image in photos.values()]
    cases = [(models.classifier, list(photos.values()), True), (models.objects, list(photos.values()), False),
             (detector, list(photos.values()), False), (describer, crops, True), (feeler, crops, True),
             (models.embedder, crops, True)]
    for model, examples, batched in cases:
        tensors = [model.preprocess(example)[None] for example in examples]
        for batch in [np.concatenate(tensors)] if batched else tensors:
            got = await runtime.predict(model.name, {"images": batch})
            expected = await reference.predict(model.name, {"images": batch})
            assert set(got) == set(expected), model.name
            for name, value in expected.items():
                scale = max(1.0, float(np.max(np.abs(value))))
                np.testing.assert_allclose(got[name], value, rtol=0, atol=SCORE * scale, err_msg=model.name)


async def test_every_runtime_sees_the_same_in_real_photos(runtime, reference, models, photos):
    """Whole answers after post-processing: the same classes, objects and faces, scores and boxes within 1e-4."""
    faces = 0
    for name, image in photos.items():
        got, expected = await analyse(image, models, runtime), await analyse(image, models, reference)
        assert [c.label for c in got.classes] == [c.label for c in expected.classes], name
        assert [o.label for o in got.objects] == [o.label for o in expected.objects], name
        assert len(got.faces) == len(expected.faces), name
        assert float(embedding.unpack(got.embedding) @ embedding.unpack(expected.embedding)) >= COSINE, name
        pairs = [*zip(got.classes, expected.classes), *zip(got.objects, expected.objects)]
        assert all(abs(a.score - b.score) <= SCORE for a, b in pairs), name
        for a, b in [*zip(got.objects, expected.objects), *zip(got.faces, expected.faces)]:
            assert np.allclose([a.box.x1, a.box.y1, a.box.x2, a.box.y2], [b.box.x1, b.box.y1, b.box.x2, b.box.y2],
                               atol=BOX), name
        for a, b in zip(got.faces, expected.faces):
            assert abs(a.age - b.age) <= AGE and (a.gender, a.emotion) == (b.gender, b.emotion), name
            assert abs(a.gender_score - b.gender_score) <= SCORE and abs(a.emotion_score - b.emotion_score) <= SCORE
            mine, theirs = np.frombuffer(a.embedding, np.float32), np.frombuffer(b.embedding, np.float32)
            assert mine @ theirs / np.linalg.norm(mine) / np.linalg.norm(theirs) >= COSINE, name
        faces += len(expected.faces)
    assert faces >= 8  # the photos hold faces enough to compare


async def test_grpc_retries_while_the_server_is_unavailable(models_dir, images, tf_serving):
    target, servicer = await tf_serving(models_dir, fail_first=2)
    runtime = GrpcRuntime(target, versions(models_dir), retries=3, backoff_seconds=0.01)
    result = await runtime.predict("mobilenet_v2", {"images": images[:1]})
    assert result["probabilities"].shape == (1, 1000) and servicer.requests == 3
    await runtime.close()


async def test_grpc_server_down_is_a_retryable_error_and_a_wrong_version_a_clear_one(models_dir, images, tf_serving):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"
    runtime = GrpcRuntime(dead, versions(models_dir), deadline_seconds=2, retries=2, backoff_seconds=0.01)
    with pytest.raises(ServingUnavailable):
        await runtime.predict("mobilenet_v2", {"images": images[:1]})
    await runtime.close()
    target, _ = await tf_serving(models_dir)
    pinned = GrpcRuntime(target, {"mobilenet_v2": 99})
    with pytest.raises(ModelError, match="NOT_FOUND"):
        await pinned.predict("mobilenet_v2", {"images": images[:1]})
    await pinned.close()


async def test_the_vision_stage_batches_photos_into_shared_tf_serving_requests(models_dir, tf_serving, tmp_path):
    """Production's path: the stage over gRPC; eight photos handled side by side are two classifier requests."""
    target, servicer = await tf_serving(models_dir)
    runtime = GrpcRuntime(target, versions(models_dir))
    settings = VisionSettings(vision_batch_size=4, vision_batch_wait_ms=60_000)  # full batches only
    stage = build_stage(settings, runtime, read_manifest(models_dir)["models"])
    records = []
    for i, name in enumerate(["coffee", "chelsea"] * 4):
        path = tmp_path / f"{i}.jpg"
        Image.fromarray(getattr(data, name)()).convert("RGB").save(path)
        records.append(pb.Record(id=str(i), file=pb.FileFacts(path=str(path))))
    outputs = await asyncio.gather(*(stage.handle("photo.ingested", record) for record in records))
    best = [out.vision.classes[0].label for ((_, out),) in outputs]
    assert best[0] == "espresso" and best[1] in {"tabby", "tiger cat", "Egyptian cat"}
    assert servicer.requests_by_model["mobilenet_v2"] == 2 and servicer.requests_by_model["centernet"] == 8
    await runtime.close()


@pytest.mark.parametrize("runtime_class", [LocalRuntime, OnnxRuntime])
async def test_an_unbuilt_model_is_a_clear_error(runtime_class, tmp_path, images):
    runtime = runtime_class(tmp_path)
    with pytest.raises(ModelError, match="models build"):
        await runtime.predict("mobilenet_v2", {"images": images[:1]})
    await runtime.close()


async def test_both_runtimes_find_the_same_face(runtime, models_dir):
    from services.vision.inference.faces import FaceDetector

    detector = FaceDetector(read_manifest(models_dir)["models"][FaceDetector.name])
    outputs = await runtime.predict("blazeface", {"images": detector.preprocess(Image.fromarray(data.astronaut()))[None]})
    (box, score), = detector.postprocess(outputs)
    assert score > 0.8 and 0.3 < box[0] < box[2] < 0.6
