"""Similar photos: precision@10 by class family on real photos, the cost per photo of each step, the index at scale.

Real photos: the 1000 ImageNet sample images of EliSchwartz/imagenet-sample-images (one photo per class; `fetch` it
and pass the bare mirror, or a folder of its files). A photo's family is the first of FAMILIES its class lies below
in WordNet 3.0 (dogs, birds, road vehicles...), taken from the wnid in its file name, never from results. Each photo
asks the similar book for its 10 nearest among all 1000 (the other families and the unfamilied classes are the
distractors); precision@10 is the share of them in its own family, beside chance (the family's share of the rest).
The scale part uses generated embeddings (clusters of 50 noisy copies) through the same book and record store.
Saves the table under bench/results/similar.txt.
Usage: PYTHONPATH=. .venv/bin/python bench/similar_bench.py IMAGES [--scale 100000]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

import numpy as np

from proto import embedding, pb
from stamp import publish, stamp
from third_party_corpora import extract
from services.media.decode import decode
from services.search.store import RecordStore
from services.semantic.wordnet import WordNet
from services.similar import book as similar_book
from services.similar.book import SimilarBook
from services.similar.service import Neighbours
from services.similar.settings import SimilarSettings
from services.vision.build import build_models, read_manifest
from services.vision.inference.classifier import Classifier, load_labels
from services.vision.runtime.onnx_runtime import OnnxRuntime
from services.vision.settings import VisionSettings

FAMILIES = (  # first match wins: the narrower families before the broader ones
    ("dogs", ("dog.n.01",)), ("cats", ("feline.n.01",)), ("primates", ("primate.n.02",)),
    ("hoofed mammals", ("ungulate.n.01",)), ("other mammals", ("mammal.n.01",)), ("birds", ("bird.n.01",)),
    ("fish", ("fish.n.01",)), ("reptiles, amphibians", ("reptile.n.01", "amphibian.n.03")),
    ("insects, spiders", ("insect.n.01", "arachnid.n.01")), ("other invertebrates", ("invertebrate.n.01",)),
    ("road vehicles", ("wheeled_vehicle.n.01",)), ("boats, aircraft", ("vessel.n.02", "craft.n.02")),
    ("musical instruments", ("musical_instrument.n.01",)), ("food", ("food.n.01", "food.n.02")),
    ("clothing", ("clothing.n.01",)), ("furniture", ("furniture.n.01",)), ("structures", ("structure.n.01",)),
    ("containers", ("container.n.01",)), ("devices", ("device.n.01",)),
)
BATCH = 8
K = 10
ROOT = "/bench/imagenet"


def photos_of(source: Path, scratch: Path) -> list[Path]:
    """The sample images: from a bare mirror (extracted under scratch) or a folder."""
    folder = extract(f"{source}:", scratch) if (source / "HEAD").exists() else source
    return sorted(p for p in folder.rglob("*.JPEG"))


def family_of(path: Path, wordnet: WordNet) -> str:
    name = wordnet.by_wnid(path.name.split("_", 1)[0])
    above = {name, *(hypernym for hypernym, _ in wordnet.chain(name))} if name else set()
    return next((family for family, synsets in FAMILIES if above & set(synsets)), "")


async def embed(paths: list[Path], settings: VisionSettings) -> tuple[np.ndarray, list[str]]:
    """Each photo's embedding as the vision stage makes it, and the timings of each step per photo."""
    manifest = read_manifest(settings.models_dir)["models"]
    classifier = Classifier(manifest[Classifier.name], load_labels(settings.models_dir), 5, 0.03)
    started = time.perf_counter()
    pixels = [classifier.preprocess(decode(path)) for path in paths]
    prepared = (time.perf_counter() - started) * 1000 / len(paths)
    runtime = OnnxRuntime(settings.models_dir, settings.vision_threads)
    await runtime.predict(Classifier.name, {"images": np.stack(pixels[:BATCH])})  # loaded once
    started, rows = time.perf_counter(), []
    for start in range(0, len(pixels), BATCH):
        outputs = await runtime.predict(Classifier.name, {"images": np.stack(pixels[start:start + BATCH])})
        rows += [{key: value[i] for key, value in outputs.items()} for i in range(len(outputs["features"]))]
    called = (time.perf_counter() - started) * 1000 / len(paths)
    started = time.perf_counter()
    packed = [classifier.embedding(row) for row in rows]
    packing = (time.perf_counter() - started) * 1e6 / len(paths)
    await runtime.close()
    lines = [f"decode + shorter side 256 + centre crop 224: {prepared:.1f} ms per photo (one core)",
             f"MobileNetV2 v{classifier.version} call, classes and features together (ONNX Runtime, batches of "
             f"{BATCH}, {settings.vision_threads} threads): {called:.1f} ms per photo",
             *classes_alone(settings, np.stack(pixels), called),
             f"the embedding as the record carries it (unit length, float16, {len(packed[0])} bytes): "
             f"{packing:.0f} us per photo"]
    return np.stack([embedding.unpack(blob) for blob in packed]), lines


def classes_alone(settings: VisionSettings, pixels: np.ndarray, called: float) -> list[str]:
    """The v1 classifier (classes only), when its ONNX file is still on disk: what the features add to the call."""
    v1 = settings.models_dir / "onnx" / Classifier.name / "1.onnx"
    if not v1.exists():
        return ["(no v1 ONNX file on disk: the call without the features output not measured)"]
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = settings.vision_threads, 1
    session = onnxruntime.InferenceSession(str(v1), options, providers=["CPUExecutionProvider"])
    session.run(None, {"images": pixels[:BATCH]})
    started = time.perf_counter()
    for start in range(0, len(pixels), BATCH):
        session.run(None, {"images": pixels[start:start + BATCH]})
    alone = (time.perf_counter() - started) * 1000 / len(pixels)
    return [f"the same call of v1, classes only: {alone:.1f} ms per photo (the features are the layer the classes "
            f"are read from: no cost beyond the noise, {called - alone:+.1f} ms here)"]


def precision(paths: list[Path], vectors: np.ndarray, families: list[str], scratch: Path) -> list[str]:
    """Precision@10 per family through the book (exact at this size, and through the HNSW graph), and over the
    float32 features for comparison."""
    store = RecordStore(scratch / "picsift.db")
    ids = [f"{i:064x}" for i in range(len(paths))]
    store.merge_many([pb.Record(id=photo, paths=[f"{ROOT}/{path.name}"], vision=pb.VisionResult(
        embedding=embedding.pack(vector))) for photo, path, vector in zip(ids, paths, vectors)])
    book = SimilarBook(scratch / "similar.db")
    started = time.perf_counter()
    book.follow(store.changed_since)
    filed = (time.perf_counter() - started) * 1000 / len(paths)
    lookup = Neighbours(book, store, None, SimilarSettings(count=K))
    family = dict(zip(ids, families))
    found, timings = {}, {}
    for way in ("exact", "graph"):
        with compared(way):
            started = time.perf_counter()
            found[way] = {photo: [other for other, _ in lookup(photo)] for photo in ids}
            timings[way] = (time.perf_counter() - started) * 1000 / len(ids)
    full = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = full @ full.T
    np.fill_diagonal(similarity, -np.inf)
    found["float32"] = {ids[i]: [ids[j] for j in np.argsort(-similarity[i])[:K]] for i in range(len(ids))}
    size = len(ids)
    rows = [f"{len(paths)} real photos (1000 ImageNet classes, one photo each), {sum(map(bool, families))} of them "
            f"in {len(FAMILIES)} families by WordNet; the rest are distractors",
            f"{'family':22s} {'photos':>6s} {'p@10':>6s} {'graph':>6s} {'float32':>7s} {'chance':>6s}"]
    for name, _ in FAMILIES:
        members = [photo for photo in ids if family[photo] == name]
        if not members:
            continue
        scores = {way: np.mean([sum(family[o] == name for o in found[way][p]) / K for p in members]) for way in found}
        rows.append(f"{name:22s} {len(members):6d} {scores['exact']:6.2f} {scores['graph']:6.2f} "
                    f"{scores['float32']:7.2f} {(len(members) - 1) / (size - 1):6.2f}")
    scored = [photo for photo in ids if family[photo]]
    mean = {way: np.mean([sum(family[o] == family[p] for o in found[way][p]) / K for p in scored]) for way in found}
    chance = np.mean([(families.count(family[p]) - 1) / (size - 1) for p in scored])
    rows += [f"{'all families':22s} {len(scored):6d} {mean['exact']:6.2f} {mean['graph']:6.2f} {mean['float32']:7.2f} "
             f"{chance:6.2f}",
             "p@10: the book comparing the photos one by one (as it does at this size); graph: through its HNSW graph "
             "(both: int8 vectors, the candidates ranked again by their float16 embeddings); float32: the features "
             "compared exactly",
             f"the book: {filed:.2f} ms per photo to file it from the change feed; a query {timings['exact']:.2f} ms "
             f"(compared one by one), {timings['graph']:.2f} ms (graph)"]
    book.close()
    store.close()
    return rows


def generated(n: int, scratch: Path) -> list[str]:
    """n generated embeddings (clusters of 50 noisy copies) for three users: the whole library, a tenth, a hundredth."""
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((max(1, n // 50), 1280)).astype(np.float32)
    vectors = centres[np.arange(n) % len(centres)] + 0.7 * rng.standard_normal((n, 1280)).astype(np.float32)
    vectors = np.maximum(vectors, 0)  # the features are ReLU6 outputs: never negative
    store = RecordStore(scratch / "scale.db")
    for start in range(0, n, 5000):
        store.merge_many([pb.Record(id=f"g{i:09d}", paths=[f"/gen/u{i % 10}/{'a' if i % 100 == 0 else 'b'}/{i}.jpg"],
                                    vision=pb.VisionResult(embedding=embedding.pack(vectors[i])))
                          for i in range(start, min(n, start + 5000))])
    book = SimilarBook(scratch / "scale-similar.db")
    started = time.perf_counter()
    book.follow(store.changed_since)
    filed = (time.perf_counter() - started) * 1000 / n
    index = book._index  # its memory, as usearch counts it
    rows = [f"{n:,} generated embeddings: filed from the change feed in {filed:.2f} ms per photo; the graph holds "
            f"{index.memory_usage / n:,.0f} bytes per photo in memory, similar.db {(scratch / 'scale-similar.db').stat().st_size / n:,.0f} "
            f"bytes per photo on disk (the record store holds the float16 embedding too: 2,560 bytes)",
            f"{'scope':28s} {'photos':>9s} {'path':>6s} {'query ms p50':>12s} {'p95':>7s} {'recall@10':>9s}"]
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    askers = rng.choice(np.arange(0, n, 100), 50, replace=False)  # photos every scope below holds
    for label, roots, members in (("whole library", None, np.arange(n)), ("a tenth (/gen/u0)", ["/gen/u0"],
                                                                         np.arange(0, n, 10)),
                                  ("a hundredth (/gen/u0/a)", ["/gen/u0/a"], np.arange(0, n, 100))):
        lookup = Neighbours(book, store, roots, SimilarSettings(count=K))
        lookup(f"g{askers[0]:09d}")  # the scope's photos read once, as the book keeps them until the feed moves
        exact = len(members) ** 2 <= similar_book.EXACT_FACTOR * (K * similar_book.RESCORED + 1) * n
        default = "exact" if exact else "graph"
        for way in ("exact", "graph"):
            times, recalls = [], []
            with compared(way):
                for asker in askers:
                    started = time.perf_counter()
                    got = [int(other[1:]) for other, _ in lookup(f"g{asker:09d}")]
                    times.append((time.perf_counter() - started) * 1000)
                    similarity = unit[members] @ unit[asker]
                    similarity[members == asker] = -np.inf
                    truth = set(members[np.argsort(-similarity)[:K]].tolist())
                    recalls.append(len(truth & set(got)) / K)
            rows.append(f"{label:28s} {len(members):9,d} {way:>6s} {np.percentile(times, 50):12.2f} "
                        f"{np.percentile(times, 95):7.2f} {np.mean(recalls):9.3f}{' <- default' if way == default else ''}")
    rows.append("recall@10: the book's neighbours against exact float32 comparison over the same scope")
    lookup, times = Neighbours(book, store, None), []  # as `similar:ID` asks: PICSIFT_SIMILAR_COUNT neighbours
    for asker in askers:
        started = time.perf_counter()
        lookup(f"g{asker:09d}")
        times.append((time.perf_counter() - started) * 1000)
    rows.append(f"`similar:ID` over the whole library ({lookup.count} neighbours, the default): p50 "
                f"{np.percentile(times, 50):.2f} ms, p95 {np.percentile(times, 95):.2f} ms")
    started = time.perf_counter()
    book.close()  # it filed them all: it saves its graph
    closed = time.perf_counter() - started
    (graph,) = scratch.glob("scale-similar.db.graph-*")
    started = time.perf_counter()
    again = SimilarBook(scratch / "scale-similar.db")
    Neighbours(again, store, None)(f"g{askers[0]:09d}")
    opened = time.perf_counter() - started
    rows.append(f"the graph saved on closing in {closed:.1f} s ({graph.stat().st_size / n:,.0f} bytes per photo); "
                f"the next process's first query, the graph read back: {opened:.1f} s (building it again from the "
                f"table: about the filing time above)")
    again.close()
    store.close()
    return rows


@contextlib.contextmanager
def compared(way: str):
    """The book made to compare one by one ("exact") or go through its graph ("graph") whatever the scope's size."""
    saved = similar_book.EXACT_FACTOR
    similar_book.EXACT_FACTOR = float("inf") if way == "exact" else 0
    try:
        yield
    finally:
        similar_book.EXACT_FACTOR = saved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("images", type=Path, help="EliSchwartz/imagenet-sample-images: its bare mirror or a folder")
    parser.add_argument("--scale", type=int, default=100_000, help="generated embeddings (0: none)")
    args = parser.parse_args()
    settings = VisionSettings()
    build_models(settings.models_dir, progress=lambda line: None)
    rows = [stamp()]
    with tempfile.TemporaryDirectory() as scratch:
        paths = photos_of(args.images, Path(scratch))
        wordnet = WordNet()
        families = [family_of(path, wordnet) for path in paths]
        vectors, timings = asyncio.run(embed(paths, settings))
        rows += timings
        rows += precision(paths, vectors, families, Path(scratch))
        if args.scale:
            rows += generated(args.scale, Path(scratch))
    publish(rows, "similar")


if __name__ == "__main__":
    main()
