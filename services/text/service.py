"""The text stage on the bus: photo.ingested -> photo.text; analyse() decoding the file at the sizes it needs."""
from __future__ import annotations

import asyncio
import time
from functools import partial

from proto import pb
from services.media.decode import DecodeError, decode
from services.media.shared_decodes import Decoder, SharedDecodes, decoder_for
from services.pipeline.stage import Outgoing, Stage
from services.pipeline.stages import BY_NAME
from services.text.analyse import analyse
from services.text.reader import TextReader, version
from services.text.settings import TextSettings

DECL = BY_NAME["text"]


def text_of(path: str, reader: TextReader, stage_version: str, decoder: Decoder = decode) -> pb.TextResult:
    """The result for one file, a failed outcome with the reason when it cannot be decoded."""
    try:
        result = analyse(partial(decoder, path), reader)
    except DecodeError as exc:
        result = pb.TextResult(meta=pb.StageMeta(outcome=pb.OUTCOME_FAILED, reason=str(exc)))
    else:
        result.meta.outcome = pb.OUTCOME_OK
    result.meta.stage, result.meta.version, result.meta.finished_at = DECL.name, stage_version, time.time()
    return result


def build_stage(settings: TextSettings, decodes: SharedDecodes | None = None) -> Stage:
    reader = TextReader(settings.threads)
    stage_version = version()

    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        decoder = decoder_for(decodes, record.id)
        result = await asyncio.to_thread(text_of, record.file.path, reader, stage_version, decoder)
        return [(DECL.publishes, pb.Record(id=record.id, text=result))]

    return Stage(name=DECL.name, subscribes=DECL.subscribes, handle=handle, prefetch=settings.prefetch)
