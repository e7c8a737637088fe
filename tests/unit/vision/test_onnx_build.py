"""`models build` converts each SavedModel to ONNX once (tf2onnx) and names the file in the manifest; the stage runs
the ONNX files in process unless PICSIFT_VISION_ENGINE=tensorflow, and TF Serving when PICSIFT_MODELS says grpc."""
import shutil

import numpy as np
import pytest
from PIL import Image
from skimage import data

from services.app.registry import model_runtime
from services.vision.build import build_models, build_onnx, read_manifest, write_manifest
from services.vision.inference.faces import Emotion, face_crop
from services.vision.runtime.grpc_serving import GrpcRuntime
from services.vision.runtime.local import LocalRuntime
from services.vision.runtime.onnx_runtime import OnnxRuntime
from services.vision.settings import VisionSettings


async def test_a_savedmodel_is_converted_once_and_answers_as_tensorflow(tmp_path):
    built = VisionSettings().models_dir
    build_models(built, progress=lambda line: None)  # a no-op once built
    entry = {key: value for key, value in read_manifest(built)["models"]["emotion"].items() if key != "onnx"}
    shutil.copytree(built / "emotion" / "1", tmp_path / "emotion" / "1")
    write_manifest(tmp_path, {"models": {"emotion": entry}})
    said = []
    build_onnx(tmp_path, read_manifest(tmp_path), said.append)
    build_onnx(tmp_path, read_manifest(tmp_path), said.append)
    assert said == ["emotion v1: converting to ONNX"]
    converted = read_manifest(tmp_path)["models"]["emotion"]["onnx"]
    assert converted["path"] == "onnx/emotion/1.onnx" and converted["packages"]["tf2onnx"] == "1.17.0"
    face = Emotion(entry).preprocess(face_crop(Image.fromarray(data.astronaut()), np.array([0.4, 0.1, 0.6, 0.4])))
    onnx, tensorflow = OnnxRuntime(tmp_path), LocalRuntime(tmp_path)
    got = (await onnx.predict("emotion", {"images": face[None]}))["emotion"]
    expected = (await tensorflow.predict("emotion", {"images": face[None]}))["emotion"]
    await onnx.close()
    await tensorflow.close()
    assert expected.argmax() == 3  # happy, as the manifest notes for the astronaut
    np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize("env, runtime_class", [({}, OnnxRuntime),
                                                ({"PICSIFT_VISION_ENGINE": "tensorflow"}, LocalRuntime),
                                                ({"PICSIFT_MODELS": "grpc://127.0.0.1:8500"}, GrpcRuntime)])
async def test_the_settings_choose_the_runtime(monkeypatch, env, runtime_class):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runtime = model_runtime()
    assert type(runtime) is runtime_class
    await runtime.close()
