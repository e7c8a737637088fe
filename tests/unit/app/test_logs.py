"""Structured logs: JSON lines off a terminal, with the photo id and stage of the message being handled."""
import io
import json
import logging

from proto import pb
from services.app.logs import setup_logging
from services.pipeline.bus import Delivery
from services.pipeline.metrics import StageMetrics
from services.pipeline.runner import StageRunner
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import Stage, encode


async def test_lines_inside_a_stage_carry_photo_id_and_stage():
    stream = io.StringIO()
    setup_logging(verbose=False, stream=stream)
    log = logging.getLogger("picsift.test")

    async def handle(key, record):
        log.info("looking at it")
        return []

    runner = StageRunner(Stage("exif", ("photo.ingested",), handle), PipelineSettings(), StageMetrics())
    await runner.handle(Delivery("photo.ingested", encode(pb.Record(id="abc123")), attempt=2))
    log.info("outside")
    inside, outside = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert inside["message"] == "looking at it" and inside["photo_id"] == "abc123" and inside["stage"] == "exif"
    assert inside["attempt"] == 2 and inside["level"] == "info"
    assert "photo_id" not in outside
    logging.getLogger().handlers.clear()
