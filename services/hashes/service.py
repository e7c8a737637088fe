"""The hashes stage on the bus: photo.ingested -> photo.hashes; decode, then analyse()."""
from __future__ import annotations

import asyncio
import time

from proto import pb
from services.hashes.analyse import DECODE_SIZE, VERSION, analyse
from services.hashes.settings import HashesSettings
from services.media.decode import DecodeError, decode
from services.media.shared_decodes import Decoder, SharedDecodes, decoder_for
from services.pipeline.stage import Outgoing, Stage
from services.pipeline.stages import BY_NAME

DECL = BY_NAME["hashes"]


def hashes_of(path: str, decoder: Decoder = decode) -> pb.HashesResult:
    """The result for one file, a failed outcome with the reason when it cannot be decoded."""
    try:
        result = analyse(decoder(path, DECODE_SIZE, long_side=True))
    except DecodeError as exc:
        return pb.HashesResult(meta=pb.StageMeta(stage=DECL.name, version=VERSION, outcome=pb.OUTCOME_FAILED,
                                                 reason=str(exc), finished_at=time.time()))
    result.meta.CopyFrom(pb.StageMeta(stage=DECL.name, version=VERSION, outcome=pb.OUTCOME_OK,
                                      finished_at=time.time()))
    return result


def build_stage(settings: HashesSettings, decodes: SharedDecodes | None = None) -> Stage:
    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        result = await asyncio.to_thread(hashes_of, record.file.path, decoder_for(decodes, record.id))
        return [(DECL.publishes, pb.Record(id=record.id, hashes=result))]

    return Stage(name=DECL.name, subscribes=DECL.subscribes, handle=handle, prefetch=settings.prefetch)
