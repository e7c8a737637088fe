"""The hashes stage as the registry sees it: photo.ingested -> photo.hashes, rerun from the file."""
from __future__ import annotations

from services.pipeline.stages import BY_NAME, StageSpec, from_file


def build(decodes):
    from services.hashes.service import build_stage
    from services.hashes.settings import HashesSettings

    return build_stage(HashesSettings(), decodes)


def version() -> str:
    from services.hashes.analyse import VERSION

    return VERSION


SPEC = StageSpec(BY_NAME["hashes"], build=build, version=version, reprocess_input=from_file,
                 needs=("decodes",))
