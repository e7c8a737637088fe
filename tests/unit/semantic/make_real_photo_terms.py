"""Makes real_photo_terms.json: what vision saw in the real sample photos and the terms the semantic stage wrote.

The file pins the semantic stage's output: test_wordnet_table.py checks that the stage still writes exactly these
terms. Made once with the nltk-read WordNet the table replaced; run again only when the terms are meant to change.
Usage: PYTHONPATH=. .venv/bin/python tests/unit/semantic/make_real_photo_terms.py [SAMPLES_DIR]
       PYTHONPATH=. .venv/bin/python tests/unit/semantic/make_real_photo_terms.py --repin
       (--repin: the terms again from the pinned vision results, read with nltk's WordNet, the table's reference:
        for a change to the semantic stage's rules that is meant to change its terms)
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from google.protobuf import json_format

from proto import pb
from services.media.decode import DecodeError, decode
from services.semantic.analyse import analyse
from services.semantic.wordnet import WordNet
from services.vision.analyse import VisionModels, analyse as see
from services.vision.build import read_manifest
from services.vision.runtime.local import LocalRuntime
from services.vision.settings import VisionSettings

SAMPLES = Path(os.environ.get("PICSIFT_SAMPLES",
                              Path(__file__).resolve().parents[4] / "shared" / "testdata" / "exif-samples"))
OUTPUT = Path(__file__).with_name("real_photo_terms.json")


async def visions(folder: Path) -> dict[str, pb.VisionResult]:
    """Each decodable sample's vision result, face embeddings left out (semantic does not read them)."""
    settings = VisionSettings()
    manifest = read_manifest(settings.models_dir)["models"]
    models = VisionModels.load(manifest, settings.models_dir, settings.vision_top_k, settings.vision_min_score)
    runtime = LocalRuntime(settings.models_dir, settings.vision_threads)
    seen = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            image = decode(path)
        except DecodeError:
            continue
        result = await see(image, models, runtime)
        for face in result.faces:
            face.ClearField("embedding")
        seen[str(path.relative_to(folder))] = result
    await runtime.close()
    return seen


def repin() -> None:
    from services.semantic.wordnet_nltk import NltkWordNet

    pinned = json.loads(OUTPUT.read_text())
    wordnet = NltkWordNet()
    for photo in pinned["photos"]:
        vision = json_format.ParseDict(photo["vision"], pb.VisionResult())
        photo["terms"] = [[t.key, t.value, t.source, t.weight, t.face] for t in analyse(vision, wordnet).terms]
    OUTPUT.write_text(json.dumps(pinned, separators=(",", ":")) + "\n")
    print(f"{len(pinned['photos'])} photos pinned again -> {OUTPUT}")


def main() -> None:
    if sys.argv[1:] == ["--repin"]:
        return repin()
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES
    wordnet = WordNet()
    photos = []
    for name, vision in asyncio.run(visions(folder)).items():
        terms = analyse(vision, wordnet).terms
        photos.append({"photo": name, "vision": json_format.MessageToDict(vision),
                       "terms": [[t.key, t.value, t.source, t.weight, t.face] for t in terms]})
    OUTPUT.write_text(json.dumps({"source": "shared/testdata/exif-samples (CC BY-SA 4.0)", "photos": photos},
                                 separators=(",", ":")) + "\n")
    print(f"{len(photos)} photos, {sum(len(p['terms']) for p in photos)} terms -> {OUTPUT}")


if __name__ == "__main__":
    main()
