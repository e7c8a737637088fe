"""One contract for the Bus port, run over the in-memory bus and the real RabbitMQ broker."""
from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
from collections import Counter

import pytest

from proto import pb
from services.pipeline.errors import Reject, Retry
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.metrics import StageMetrics
from services.pipeline.rabbit_bus import RabbitBus
from services.pipeline.runner import StageRunner
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import Stage, encode

SETTINGS = PipelineSettings(retry_base_seconds=0.05, retry_max_seconds=0.2, max_attempts=3)


@pytest.fixture(params=["memory", "rabbitmq"])
async def make_bus(request):
    """A factory so a test can open several connections to the same broker."""
    async with bus_factory(request, request.param) as factory:
        yield factory


@pytest.fixture
async def make_rabbit_bus(request):
    """For failure modes only a real broker has: killed connections, a second consumer process."""
    async with bus_factory(request, "rabbitmq") as factory:
        yield factory


@contextlib.asynccontextmanager
async def bus_factory(request, kind):
    made = []
    exchange = request.getfixturevalue("exchange_name")

    async def factory():
        if kind == "memory":
            if made:
                return made[0]
            bus = InMemoryBus()
        else:
            bus = RabbitBus(request.getfixturevalue("amqp_url"), exchange, connect_timeout=30, stop_timeout=2)
        await bus.start()
        made.append(bus)
        return bus

    try:
        yield factory
    finally:
        for bus in made:
            await bus.stop()


async def start(bus, name, keys, handle, prefetch=8):
    await StageRunner(Stage(name, tuple(keys), handle, prefetch), SETTINGS, StageMetrics()).start(bus)


async def wait_for(predicate, timeout=30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def publish_records(bus, n, key="photo.ingested"):
    for i in range(n):
        await bus.publish(key, encode(pb.Record(id=f"p{i}")))


async def test_messages_flow_through_two_stages(make_bus):
    bus = await make_bus()
    seen = Counter()

    async def exif(key, record):
        return [("photo.exif", pb.Record(id=record.id, exif=pb.ExifResult(make="Canon")))]

    async def indexer(key, record):
        seen[(key, record.id, record.exif.make)] += 1
        return []

    await start(bus, "exif", ["photo.ingested"], exif)
    await start(bus, "indexer", ["photo.#"], indexer)
    await publish_records(bus, 20)
    await wait_for(lambda: len(seen) == 40)
    assert {k for k, _, _ in seen} == {"photo.ingested", "photo.exif"}
    assert all(make == "Canon" for key, _, make in seen if key == "photo.exif")


async def test_retry_with_backoff_until_success(make_bus):
    bus = await make_bus()
    tried_at: dict[str, list[float]] = {}

    async def flaky(key, record):
        tried_at.setdefault(record.id, []).append(time.monotonic())
        if len(tried_at[record.id]) < 3:
            raise Retry("server busy")
        return []

    await start(bus, "vision", ["photo.ingested"], flaky)
    await publish_records(bus, 5)
    await wait_for(lambda: len(tried_at) == 5 and all(len(t) == 3 for t in tried_at.values()))
    base = SETTINGS.retry_base_seconds
    for first, second, third in tried_at.values():  # each wait at least the doubling base delay
        assert second - first >= base * 0.9 and third - second >= 2 * base * 0.9
    assert await bus.dead_letters("vision") == []


async def wait_for_letters(bus, stage: str, n: int) -> list:
    """The stage's dead letters once there are n of them."""
    letters: list = []

    async def count() -> int:
        letters[:] = await bus.dead_letters(stage)
        return len(letters)

    deadline = asyncio.get_running_loop().time() + 30
    while await count() != n:
        assert asyncio.get_running_loop().time() < deadline, f"{len(letters)} dead letters, not {n}"
        await asyncio.sleep(0.05)
    return letters


async def test_reject_and_exhausted_retries_are_dead_lettered_with_reason_then_replayed(make_bus):
    bus = await make_bus()
    calls = Counter()
    healed = set()

    async def picky(key, record):
        calls[record.id] += 1
        if record.id in healed:
            return []
        if record.id == "p0":
            raise Reject("not a photo")
        raise RuntimeError("model exploded")

    await start(bus, "semantic", ["photo.ingested"], picky)
    await publish_records(bus, 2)
    await wait_for(lambda: calls["p0"] == 1 and calls["p1"] == SETTINGS.max_attempts)
    letters = await wait_for_letters(bus, "semantic", 2)
    reasons = sorted(letter.reason for letter in letters)
    assert reasons[0].startswith("gave up after 3 attempts: RuntimeError: model exploded")
    assert reasons[1] == "rejected: not a photo"
    assert len(await bus.dead_letters("semantic")) == 2  # listing leaves them in place
    healed.add("p0")
    assert await bus.replay_dead_letters("semantic") == 2
    # A replayed message starts again at attempt 1: the still-failing one gets every retry once more.
    await wait_for(lambda: calls["p0"] == 2 and calls["p1"] == 2 * SETTINGS.max_attempts)
    [again] = await wait_for_letters(bus, "semantic", 1)
    assert again.reason.startswith(f"gave up after {SETTINGS.max_attempts} attempts")
    healed.add("p1")
    assert await bus.replay_dead_letters("semantic") == 1
    await wait_for(lambda: calls["p1"] == 2 * SETTINGS.max_attempts + 1)
    await wait_for_letters(bus, "semantic", 0)


@pytest.mark.rabbitmq
async def test_broker_connections_killed_mid_stream_lose_nothing(make_rabbit_bus, rabbitmq_vhost):
    bus = await make_rabbit_bus()
    effects: set[str] = set()
    handled = Counter()

    async def slow(key, record):
        await asyncio.sleep(0.005)
        handled[record.id] += 1
        return [("photo.exif", pb.Record(id=record.id))]

    async def sink(key, record):
        effects.add(record.id)
        return []

    await start(bus, "exif", ["photo.ingested"], slow)
    await start(bus, "indexer", ["photo.exif"], sink)
    publisher = asyncio.create_task(publish_records(bus, 300))
    await wait_for(lambda: len(handled) >= 60)
    killed = await asyncio.to_thread(
        subprocess.run, ["rabbitmqctl", "close_all_connections", "-p", rabbitmq_vhost, "test kill"],
        capture_output=True, text=True, timeout=60)
    assert killed.returncode == 0, killed.stderr
    await publisher
    await wait_for(lambda: len(effects) == 300, timeout=120)
    assert effects == {f"p{i}" for i in range(300)}


@pytest.mark.rabbitmq
async def test_consumer_that_dies_before_ack_is_redelivered_to_another(make_rabbit_bus):
    first = await make_rabbit_bus()
    holding = asyncio.Event()
    done = Counter()

    async def dies(key, record):
        holding.set()
        await asyncio.sleep(3600)

    async def works(key, record):
        done[record.id] += 1
        return []

    await start(first, "vision", ["photo.ingested"], dies, prefetch=1)
    await publish_records(first, 1)
    await asyncio.wait_for(holding.wait(), 30)
    await first._connection.close()  # the consumer's connection dies with the message unacked
    second = await make_rabbit_bus()
    await start(second, "vision", ["photo.ingested"], works)
    await wait_for(lambda: done["p0"] == 1)
    await second.publish("photo.ingested", encode(pb.Record(id="after")))  # queued behind any duplicate of p0
    await wait_for(lambda: done["after"] == 1)
    assert done == {"p0": 1, "after": 1}
