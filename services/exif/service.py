"""The exif stage on the bus: photo.ingested -> photo.exif."""
from __future__ import annotations

import asyncio

from proto import pb
from services.exif.analyse import analyse
from services.exif.place import Geocoder
from services.exif.settings import ExifSettings
from services.pipeline.stage import Outgoing, Stage
from services.pipeline.stages import BY_NAME

DECL = BY_NAME["exif"]


def build_stage(settings: ExifSettings, geocoder: Geocoder | None = None) -> Stage:
    geocoder = geocoder or Geocoder()

    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        result = await asyncio.to_thread(analyse, record.file.path, geocoder)
        return [(DECL.publishes, pb.Record(id=record.id, exif=result))]

    return Stage(name=DECL.name, subscribes=DECL.subscribes, handle=handle, prefetch=settings.prefetch)
