"""The runner's dispositions, topic matching, and a broker that is down at start."""
import logging
import socket

import pytest

from proto import pb
from services.pipeline.bus import Delivery, topic_matches
from services.pipeline.errors import Reject, Retry
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.metrics import StageMetrics
from services.pipeline.rabbit_bus import RabbitBus
from services.pipeline.runner import StageRunner, backoff_seconds, current_message
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import Stage, encode

SETTINGS = PipelineSettings(retry_base_seconds=1, retry_max_seconds=5, max_attempts=3)


@pytest.mark.parametrize("pattern, key, matches", [
    ("photo.#", "photo.exif", True), ("photo.#", "photo", True), ("photo.*", "photo.exif.x", False),
    ("#", "file.removed", True), ("photo.ingested", "photo.exif", False), ("*.removed", "file.removed", True),
])
def test_topic_matching(pattern, key, matches):
    assert topic_matches(pattern, key) is matches


def test_backoff_doubles_and_caps():
    assert [backoff_seconds(a, SETTINGS) for a in (1, 2, 3, 4)] == [1, 2, 4, 5]


def runner_for(handle):
    metrics = StageMetrics()
    return StageRunner(Stage("exif", ("photo.ingested",), handle), SETTINGS, metrics), metrics


async def test_success_publishes_encoded_outputs_and_counts():
    async def handle(key, record):
        return [("photo.exif", pb.Record(id=record.id, exif=pb.ExifResult(make="Nikon")))]

    runner, metrics = runner_for(handle)
    outcome = await runner.handle(Delivery("photo.ingested", encode(pb.Record(id="a"))))
    (key, body), = outcome.publish
    assert key == "photo.exif" and pb.Record.FromString(body).exif.make == "Nikon"
    assert (metrics.value("exif", "received"), metrics.value("exif", "done")) == (1, 1)


@pytest.mark.parametrize("error, attempt, retry_after, dead", [
    (Retry("server down"), 1, 1, None),
    (Retry("server down"), 2, 2, None),
    (RuntimeError("boom"), 3, None, "gave up after 3 attempts: RuntimeError: boom"),
    (Reject("not a photo"), 1, None, "rejected: not a photo"),
])
async def test_failures_become_retries_then_dead_letters(error, attempt, retry_after, dead):
    async def handle(key, record):
        raise error

    runner, metrics = runner_for(handle)
    outcome = await runner.handle(Delivery("photo.ingested", encode(pb.Record(id="a")), attempt))
    assert (outcome.retry_after, outcome.dead_reason, list(outcome.publish)) == (retry_after, dead, [])
    assert metrics.value("exif", "dead" if dead else "retried") == 1


async def test_log_lines_know_the_stage_key_attempt_and_photo_being_handled():
    seen = []

    async def handle(key, record):
        seen.append(current_message())
        return []

    runner, _ = runner_for(handle)
    await runner.handle(Delivery("photo.ingested", encode(pb.Record(id="a1")), 2))
    assert seen == [{"stage": "exif", "routing_key": "photo.ingested", "attempt": 2, "photo_id": "a1"}]
    assert current_message() == {}  # nothing left behind for the next message's lines


async def test_a_file_event_is_known_by_its_path_and_a_retry_is_logged_with_its_reason(caplog):
    seen = []

    async def handle(key, event):
        seen.append(current_message()["photo_id"])
        raise Retry("index busy")

    runner = StageRunner(Stage("ingest", ("file.removed",), handle), SETTINGS, StageMetrics())
    with caplog.at_level(logging.WARNING):
        await runner.handle(Delivery("file.removed", encode(pb.FileEvent(path="/m/a.jpg"))))
    assert seen == ["/m/a.jpg"]
    assert "ingest: attempt 1 failed (index busy); retry in 1.0s" in caplog.messages
    assert runner.metrics.registry.get_sample_value("picsift_stage_seconds_count", {"stage": "ingest"}) == 1


async def test_a_dead_letter_is_logged_with_stage_key_and_reason(caplog):
    async def handle(key, record):
        raise Reject("not a photo")

    runner, _ = runner_for(handle)
    with caplog.at_level(logging.ERROR):
        await runner.handle(Delivery("photo.ingested", encode(pb.Record(id="a"))))
    assert "exif: dead-lettered photo.ingested: rejected: not a photo" in caplog.messages


async def test_a_started_runner_handles_what_its_stage_subscribes_to_on_the_bus():
    handled = []

    async def handle(key, record):
        handled.append((key, record.id))
        return []

    runner, metrics = runner_for(handle)
    bus = InMemoryBus()
    await bus.start()
    await runner.start(bus)
    await bus.publish("photo.ingested", encode(pb.Record(id="a")))
    await bus.publish("photo.exif", encode(pb.Record(id="b")))  # not what the exif stage listens to
    await bus.join()
    await bus.stop()
    assert handled == [("photo.ingested", "a")] and metrics.value("exif", "done") == 1


async def test_broker_down_at_start_is_retried_with_backoff_then_reported(caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    bus = RabbitBus(f"amqp://guest:guest@127.0.0.1:{port}/", "x", connect_timeout=2.5)
    with caplog.at_level(logging.WARNING), pytest.raises(ConnectionError, match="unreachable"):
        await bus.start()
    retries = [r for r in caplog.records if "unreachable" in r.getMessage() and "retrying" in r.getMessage()]
    assert len(retries) >= 2
