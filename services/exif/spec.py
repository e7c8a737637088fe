"""The exif stage as the registry sees it: photo.ingested -> photo.exif, rerun from the file."""
from __future__ import annotations

from services.pipeline.stages import BY_NAME, StageSpec, from_file


def build():
    from services.exif.service import build_stage
    from services.exif.settings import ExifSettings

    return build_stage(ExifSettings())


def version() -> str:
    from services.exif.rules import RULES_VERSION

    return RULES_VERSION


SPEC = StageSpec(BY_NAME["exif"], build=build, version=version, reprocess_input=from_file)
