"""One contract for the ModelRuntime port: the local runtime and TF Serving's gRPC API give the same answers."""
import socket

import numpy as np
import pytest
from PIL import Image
from skimage import data

from services.vision.build import build_models, read_manifest
from services.media.decode import decode
from services.vision.inference.classifier import Classifier, load_labels
from services.vision.runtime.grpc_serving import GrpcRuntime, ServingUnavailable
from services.vision.runtime.local import LocalRuntime
from services.vision.runtime.port import ModelError
from services.vision.settings import VisionSettings


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


@pytest.fixture(params=["local", "grpc"])
async def runtime(request, models_dir, tf_serving):
    if request.param == "local":
        runtime = LocalRuntime(models_dir)
    else:
        target, _ = await tf_serving(models_dir)
        runtime = GrpcRuntime(target, versions(models_dir))
    yield runtime
    await runtime.close()


@pytest.fixture(scope="module")
def images(tmp_path_factory, models_dir):
    folder = tmp_path_factory.mktemp("images")
    batch = []
    for name in ("chelsea", "coffee", "astronaut"):
        path = folder / f"{name}.jpg"
        Image.fromarray(getattr(data, name)()).convert("RGB").save(path, quality=92)
        batch.append(classifier(models_dir).preprocess(decode(path)))
    return np.stack(batch)


async def test_each_runtime_names_the_cat_and_the_espresso(runtime, images, models_dir):
    probabilities = (await runtime.predict("mobilenet_v2", {"images": images}))["probabilities"]
    assert probabilities.shape == (3, 1000)
    top = [classifier(models_dir).postprocess({"probabilities": p})[0].label for p in probabilities]
    assert top[1] == "espresso" and top[0] in ("Egyptian cat", "tiger cat", "tabby")


async def test_tf_serving_answers_as_the_local_runtime(images, models_dir, tf_serving):
    target, _ = await tf_serving(models_dir)
    served, local = GrpcRuntime(target, versions(models_dir)), LocalRuntime(models_dir)
    try:
        remote = (await served.predict("mobilenet_v2", {"images": images}))["probabilities"]
        expected = (await local.predict("mobilenet_v2", {"images": images}))["probabilities"]
    finally:
        await served.close()
        await local.close()
    np.testing.assert_allclose(remote, expected, atol=1e-5)


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


async def test_both_runtimes_find_the_same_face(runtime, models_dir):
    from services.vision.inference.faces import FaceDetector

    detector = FaceDetector(read_manifest(models_dir)["models"][FaceDetector.name])
    outputs = await runtime.predict("blazeface", {"images": detector.preprocess(Image.fromarray(data.astronaut()))[None]})
    (box, score), = detector.postprocess(outputs)
    assert score > 0.8 and 0.3 < box[0] < box[2] < 0.6
