"""The exif stage on the bus: photo.ingested -> photo.exif."""
from __future__ import annotations

import asyncio

from proto import pb
from services.exif.analyse import analyse
from services.exif.place import Geocoder
from services.exif.settings import ExifSettings
from services.pipeline.stage import EXIF, INGESTED, Outgoing, Stage, reprocess_key


def build_stage(settings: ExifSettings, geocoder: Geocoder | None = None) -> Stage:
    geocoder = geocoder or Geocoder()

    async def handle(routing_key: str, record: pb.Record) -> list[Outgoing]:
        result = await asyncio.to_thread(analyse, record.file.path, geocoder)
        return [(EXIF, pb.Record(id=record.id, exif=result))]

    return Stage(name="exif", subscribes=(INGESTED, reprocess_key("exif")), handle=handle, prefetch=settings.prefetch)
