"""Latency of the timeline buckets, "on this day" and map clusters APIs (issue #18: p95 <= 100 ms at 100k photos).

The gateway runs as its own process (`picsift service gateway`) over a generated library (the search bench's records:
every photo dated and placed in one of its cities); one request at a time, signed in as a user whose roots hold the
whole library and as one holding a quarter. "after a write" merges one changed record into the store before each
request, so the index takes it in and the scope's month buckets, month-days and map columns are computed again (the
cold path); otherwise they are cached per scope until the index changes.
Usage: PYTHONPATH=. .venv/bin/python bench/browse_bench.py [--records 100000] [--requests 200] [--data DIR]
       (DIR: a data dir holding a store of generated records, e.g. a copy of a search bench store, used again)
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from gateway_bench import build, pct  # noqa: E402
from stamp import stamp  # noqa: E402

from proto import pb  # noqa: E402
from services.gateway.users import UserStore  # noqa: E402
from services.search.index.bitmap import BitmapIndex  # noqa: E402
from services.search.store import RecordStore  # noqa: E402

PASSWORD = "benchmark password"
USERS = {"everything": "/media", "quarter": "/media/user1"}
BOXES = {"world, zoom 2": "-180,-85,180,85&zoom=2", "a continent, zoom 5": "-30,30,40,65&zoom=5",
         "a region, zoom 8": "-84,24,-78,29&zoom=8", "a city, zoom 13": "-80.3,25.7,-80.1,25.9&zoom=13"}
ON_THIS_DAY = "/api/on-this-day?date=2026-06-15&limit=30"
WARM_UP = 10


def prepare(data: Path, records: int) -> None:
    """The store (built, or given), its index snapshot, and the two users."""
    if not (data / "picsift.db").exists():
        build(data, records)
    if not (data / "picsift.db.index").exists():
        store = RecordStore(data / "picsift.db")
        BitmapIndex(store).save()
        store.close()
    if not (data / "users.db").exists():
        users = UserStore(data / "users.db")
        for name, root in USERS.items():
            users.add(name, PASSWORD, [root])
        users.close()


def touch(store: RecordStore, rng: random.Random) -> None:
    """A write the index must take in: one photo gets one more word."""
    photo_id = store.changed_since(rng.randrange(1000, 50_000), 1)[0][1].id
    store.merge(pb.Record(id=photo_id, terms=[pb.Term(key="keyword", value=f"w{rng.randrange(10**6)}",
                                                      source="bench", weight=0.1)]))


async def timed(session: aiohttp.ClientSession, url: str, requests: int, before=None) -> list[float]:
    latencies = []
    for i in range(WARM_UP + requests):
        if before is not None:
            await asyncio.to_thread(before)
        started = time.perf_counter()
        async with session.get(url) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"{url}: {response.status}")
        if i >= WARM_UP:
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--data", type=Path, help="a data dir to build once and use again")
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="picsift-browse-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    prepare(data, args.records)
    store = RecordStore(data / "picsift.db")
    photos = store.count()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PICSIFT_DATA_DIR": str(data), "PICSIFT_GATEWAY_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "services.app.cli", "service", "gateway"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, rows, rng = f"http://127.0.0.1:{port}", [], random.Random(1)
    try:
        for user in USERS:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # an IP host
                for _ in range(300):
                    try:
                        async with session.post(base + "/api/auth/login",
                                                json={"username": user, "password": PASSWORD}) as response:
                            if response.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.2)
                async with session.get(base + "/api/timeline") as response:
                    scope = (await response.json())["total"]
                cases = [("timeline", "/api/timeline", None), ("timeline, after a write", "/api/timeline",
                                                               lambda: touch(store, rng))]
                cases += [("on this day", ON_THIS_DAY, None),
                          ("on this day, after a write", ON_THIS_DAY, lambda: touch(store, rng))]
                cases += [(f"map: {name}", f"/api/map?bbox={box}", None) for name, box in BOXES.items()]
                cases.append(("map: continent, after a write", f"/api/map?bbox={BOXES['a continent, zoom 5']}",
                              lambda: touch(store, rng)))
                for name, url, before in cases:
                    latencies = await timed(session, base + url, args.requests, before)
                    rows.append((f"{user} ({scope:,})", name, pct(latencies, 0.5), pct(latencies, 0.95),
                                 pct(latencies, 0.99), max(latencies)))
    finally:
        server.terminate()
        server.wait(30)
        store.close()
        if not args.data:
            shutil.rmtree(data, ignore_errors=True)
    print(stamp())
    print(f"\n{photos:,} photos, one request at a time, {args.requests} requests per row after {WARM_UP} unmeasured")
    print(f"{'user (photos in scope)':<24} {'request':<32} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for user, name, p50, p95, p99, most in rows:
        print(f"{user:<24} {name:<32} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} {most:>7.1f}")


if __name__ == "__main__":
    asyncio.run(main())
