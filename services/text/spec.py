"""The text stage as the registry sees it: photo.ingested -> photo.text, rerun from the file."""
from __future__ import annotations

from services.pipeline.stages import BY_NAME, StageSpec, from_file


def build(decodes):
    from services.text.service import build_stage
    from services.text.settings import TextSettings

    return build_stage(TextSettings(), decodes)


def version() -> str:
    from services.text.reader import version

    return version()


SPEC = StageSpec(BY_NAME["text"], build=build, version=version, reprocess_input=from_file,
                 needs=("decodes",))
