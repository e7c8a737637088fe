"""`picsift dlq` and `picsift status` against the real RabbitMQ: a poison message is listed with its reason and replayed."""
import asyncio
import json
import os
import subprocess
import sys

import pytest

from proto import pb
from services.pipeline.errors import Reject
from services.pipeline.metrics import StageMetrics
from services.pipeline.rabbit_bus import RabbitBus
from services.pipeline.runner import StageRunner
from services.pipeline.settings import PipelineSettings
from services.pipeline.stage import Stage, encode
from services.search.store import RecordStore

pytestmark = pytest.mark.rabbitmq


def picsift(env: dict, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "services.app.cli", *args, "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def wait_until(predicate, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_dead_letters_are_listed_with_reasons_and_replayed(tmp_path, amqp_url, exchange_name):
    seen = []

    async def picky(key, record):
        seen.append(record.id)
        if record.id == "poison":
            raise Reject("cannot read this photo")
        return []

    settings = PipelineSettings(max_attempts=2, retry_base_seconds=0.05)
    exif = Stage("exif", ("photo.ingested",), picky)
    bus = RabbitBus(amqp_url, exchange_name, connect_timeout=30)
    await bus.start()
    await StageRunner(exif, settings, StageMetrics()).start(bus)
    for photo_id in ("good", "poison"):
        await bus.publish("photo.ingested", encode(pb.Record(id=photo_id, paths=[f"/media/p/{photo_id}.jpg"])))
    await wait_until(lambda: len(seen) == 2)
    await bus.stop()
    RecordStore(tmp_path / "data" / "picsift.db").close()
    env = {**os.environ, "PICSIFT_BUS": amqp_url, "PICSIFT_EXCHANGE": exchange_name,
           "PICSIFT_DATA_DIR": str(tmp_path / "data"), "PICSIFT_STAGES": '["exif"]'}
    poison = {"routing_key": "photo.ingested", "reason": "rejected: cannot read this photo",
              "attempts": 1, "path": "/media/p/poison.jpg", "id": "poison"}
    assert await asyncio.to_thread(picsift, env, "dlq", "list") == {"exif": [poison]}
    before = await asyncio.to_thread(picsift, env, "status")
    assert before["queues"]["exif"]["dead_letters"] == [poison] and before["queues"]["exif"]["ready"] == 0
    assert await asyncio.to_thread(picsift, env, "dlq", "replay", "--limit", "0") == {"exif": 0}
    assert await asyncio.to_thread(picsift, env, "dlq", "replay", "--limit", "1") == {"exif": 1}
    after = await asyncio.to_thread(picsift, env, "status")
    assert after["queues"]["exif"]["dead_letters"] == [] and after["queues"]["exif"]["ready"] == 1
    bus = RabbitBus(amqp_url, exchange_name, connect_timeout=30)  # the replayed photo reaches the stage again
    await bus.start()
    await StageRunner(exif, settings, StageMetrics()).start(bus)
    await wait_until(lambda: seen.count("poison") == 2)
    await bus.stop()
    assert await asyncio.to_thread(picsift, env, "dlq", "list") == {"exif": [poison]}


async def test_the_gateway_service_shows_queues_and_dead_letters_and_replays(tmp_path, amqp_url, exchange_name):
    import aiohttp

    from fixtures.cluster import free_port
    from services.gateway.users import UserStore

    async def refuse(key, record):
        raise Reject("cannot read this photo")

    bus = RabbitBus(amqp_url, exchange_name, connect_timeout=30)
    await bus.start()
    await StageRunner(Stage("exif", ("photo.ingested",), refuse), PipelineSettings(), StageMetrics()).start(bus)
    await bus.publish("photo.ingested", encode(pb.Record(id="poison", paths=["/media/p/poison.jpg"])))
    dead: list = []

    async def dead_lettered() -> bool:
        dead[:] = await bus.dead_letters("exif")
        return bool(dead)

    deadline = asyncio.get_running_loop().time() + 60
    while not await dead_lettered():
        assert asyncio.get_running_loop().time() < deadline, "the poison photo was never dead-lettered"
        await asyncio.sleep(0.05)
    await bus.stop()
    bus = RabbitBus(amqp_url, exchange_name, connect_timeout=30)  # no consumer now: what is published waits
    await bus.start()
    await bus.publish("photo.ingested", encode(pb.Record(id="waiting")))
    await bus.stop()
    RecordStore(tmp_path / "data" / "picsift.db").close()
    users = UserStore(tmp_path / "data" / "users.db")
    users.add("root", "long enough password", [str(tmp_path)], admin=True)
    users.close()
    port = free_port()
    env = {**os.environ, "PICSIFT_BUS": amqp_url, "PICSIFT_EXCHANGE": exchange_name,
           "PICSIFT_DATA_DIR": str(tmp_path / "data"), "PICSIFT_STAGES": '["exif"]', "PICSIFT_GATEWAY_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "services.app.cli", "service", "gateway"], env=env)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            base = f"http://127.0.0.1:{port}"
            csrf = await sign_in_when_up(session, base, server)
            headers = {"X-CSRF-Token": csrf}
            status = await get_json(session, base + "/api/status")
            letters = (await get_json(session, base + "/api/admin/dead-letters"))["items"]
            async with session.post(base + "/api/admin/dead-letters/exif/replay", headers=headers) as r:
                replayed = await r.json()
            after = await get_json(session, base + "/api/status")
            left = (await get_json(session, base + "/api/admin/dead-letters"))["items"]
            async with session.post(base + "/api/admin/rescan", headers=headers) as r:
                rescan = (r.status, await r.json())
    finally:
        server.terminate()
        server.wait(30)
    assert status["stages"]["exif"]["queued"] == 1
    assert [(letter["stage"], letter["id"], letter["reason"]) for letter in letters] == [
        ("exif", "poison", "rejected: cannot read this photo")]
    assert replayed == {"replayed": 1} and left == [] and after["stages"]["exif"]["queued"] == 2
    assert rescan == (503, {"error": "this gateway runs without the ingest service; rescan from it"})


async def sign_in_when_up(session, base: str, server: subprocess.Popen) -> str:
    """Signs in as root as soon as the gateway answers; returns the CSRF token."""
    import aiohttp

    deadline = asyncio.get_running_loop().time() + 60
    while True:
        assert server.poll() is None, "the gateway exited"
        assert asyncio.get_running_loop().time() < deadline, "the gateway did not come up"
        try:
            async with session.post(base + "/api/auth/login",
                                    json={"username": "root", "password": "long enough password"}) as r:
                return (await r.json())["csrf"]
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.2)


async def get_json(session, url: str) -> dict:
    async with session.get(url) as response:
        assert response.status == 200, await response.text()
        return await response.json()
