"""The semantic stage on the bus: photo.vision -> photo.semantic."""
from __future__ import annotations

import asyncio
from collections import Counter

from proto import pb
from services.pipeline.stage import Outgoing, Stage
from services.pipeline.stages import BY_NAME
from services.semantic.analyse import analyse
from services.semantic.settings import SemanticSettings
from services.semantic.wordnet import WordNet

DECL = BY_NAME["semantic"]


def build_stage(settings: SemanticSettings, wordnet: WordNet | None = None) -> Stage:
    wordnet = wordnet or WordNet(settings.wordnet_dir, settings.nltk_dir)
    misses: Counter = Counter()  # what WordNet did not know, over the process's life

    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        result = await asyncio.to_thread(analyse, record.vision, wordnet, misses)
        return [(DECL.publishes, pb.Record(id=record.id, semantic=result))]

    return Stage(name=DECL.name, subscribes=DECL.subscribes, handle=handle, prefetch=settings.prefetch)
