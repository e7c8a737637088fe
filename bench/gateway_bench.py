"""Gateway requests/s and latency for the photo list, search, suggest and thumbnails under concurrent local load.

The gateway runs as its own process (`picsift service gateway`) over a generated library (the search bench's
records; one user's roots hold a quarter of them); a local aiohttp client signs in and keeps CONCURRENCY
requests in flight per endpoint for a fixed time. Search answers carry facets, counted over every match.
Usage: PYTHONPATH=. .venv/bin/python bench/gateway_bench.py [--records 100000] [--seconds 10] [--concurrency 32]
       [--data DIR]  (a data dir built by an earlier run, or a search bench store of as many records, is used again)
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
from urllib.parse import quote

import aiohttp
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from search_bench import QUERIES, make_record  # noqa: E402
from stamp import stamp  # noqa: E402

from services.gateway.users import UserStore  # noqa: E402
from services.pipeline.layout import THUMB_SIZES, thumb_path, thumbs_dir  # noqa: E402
from services.search.index.bitmap import BitmapIndex  # noqa: E402
from services.search.store import RecordStore  # noqa: E402

PASSWORD = "benchmark password"
WARM_UP_SECONDS = 3  # of load on each endpoint before it is measured
BATCH = 1000  # records merged into the store per transaction while the library is built


def build(data: Path, n: int) -> None:
    """The store (in batches), then the index over it in one pass (saved as its snapshot)."""
    store = RecordStore(data / "picsift.db")
    rng = random.Random(n)
    batch = []
    for i in range(n):
        batch.append(make_record(i, rng))
        if len(batch) == BATCH or i == n - 1:
            store.merge_many(batch)
            batch = []
    index = BitmapIndex(store)
    index.rebuild(store)  # taken in and saved as the snapshot the gateway opens
    index.close()
    store.close()


def add_user_and_thumbs(data: Path) -> list[str]:
    """The bench's user (the first root), and a thumbnail for 2,000 of its photos (their ids)."""
    store = RecordStore(data / "picsift.db")
    thumb = data / "one-thumb.jpg"
    Image.new("RGB", (320, 240), (90, 120, 150)).save(thumb, quality=85)
    ids = []
    for record in store.iter_all():
        if record.paths and record.paths[0].startswith("/media/user1/"):
            ids.append(record.id)
            target = thumb_path(thumbs_dir(data), record.id, THUMB_SIZES[0])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(thumb, target)
            if len(ids) == 2000:
                break
    store.close()
    users = UserStore(data / "users.db")
    users.add("bench", PASSWORD, ["/media/user1"])
    users.close()
    return ids


async def later_pages(session: aiohttp.ClientSession, base: str, pages: int) -> list[str]:
    """The URLs of the next pages of the photo list, following its cursors."""
    urls, cursor = [], None
    async with session.get(base + "/api/photos?limit=60") as response:
        cursor = (await response.json())["next_cursor"]
    while cursor and len(urls) < pages:
        urls.append(f"/api/photos?limit=60&cursor={cursor}")
        async with session.get(base + urls[-1]) as response:
            cursor = (await response.json())["next_cursor"]
    return urls


async def load(session: aiohttp.ClientSession, base: str, paths: list[str], seconds: float,
               concurrency: int) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal errors
        i = offset
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            async with session.get(base + paths[i % len(paths)]) as response:
                await response.read()
                errors += response.status != 200
            latencies.append((time.perf_counter() - started) * 1000)
            i += concurrency

    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return len(latencies), latencies, errors


WRK_SCRIPT = """
paths = {%s}
counter = 0
wrk.headers["Cookie"] = %s
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%f %%f %%f %%d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_load(base: str, cookie: str, paths: list[str], seconds: float, concurrency: int,
             scratch: Path) -> tuple[float, float, float, int]:
    """The same load from wrk (C, one thread): the gateway gets the machine's CPU the Python client takes.
    (req/s, p50 ms, p95 ms, errors)."""
    script = scratch / "load.lua"
    script.write_text(WRK_SCRIPT % (", ".join(lua_string(p) for p in paths), lua_string(cookie)))
    out = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "-s", str(script), base],
                         capture_output=True, text=True, check=True).stdout
    requests, duration, p50, p95, errors = out.rsplit("RESULT ", 1)[1].split()
    return int(requests) / float(duration), float(p50), float(p95), int(errors)


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--data", type=Path, help="a data dir to build once and use again")
    parser.add_argument("--distinct-queries", action="store_true",
                        help="every search a query not asked before (each of the 20 with a different rare word "
                             "excluded), so no answer comes from the index's kept answers")
    parser.add_argument("--search-processes", type=int, default=0,
                        help="PICSIFT_GATEWAY_SEARCH_PROCESSES: reader processes that answer searches (0: the gateway's own)")
    parser.add_argument("--client", choices=("python", "wrk"), default="python",
                        help="the load generator: this process (aiohttp), or wrk (C; set-up installs it) so the "
                             "client takes little of the machine")
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="picsift-gateway-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    if not (data / "picsift.db").exists():
        build(data, args.records)
    if (data / "users.db").exists():
        ids = [p.name.split("_")[0] for p in thumbs_dir(data).rglob("*.jpg")][:2000]
    else:
        ids = add_user_and_thumbs(data)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PICSIFT_DATA_DIR": str(data), "PICSIFT_GATEWAY_PORT": str(port),
           "PICSIFT_GATEWAY_SEARCH_PROCESSES": str(args.search_processes)}
    server = subprocess.Popen([sys.executable, "-m", "services.app.cli", "service", "gateway"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.concurrency),
                                         cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # an IP host
            for _ in range(100):
                try:
                    async with session.post(base + "/api/auth/login",
                                            json={"username": "bench", "password": PASSWORD}) as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.2)
            endpoints = {
                "photo list (60, newest first)": ["/api/photos?limit=60"],
                "photo list, pages 2-5": await later_pages(session, base, 4),
                "search (20 queries)": [f"/api/search?q={quote(q)}" for q in QUERIES] if not args.distinct_queries
                else [f"/api/search?q={quote(f'{q} -lemma{k:05}')}" for k in range(1000) for q in QUERIES],
                "suggest (2-4 letters)": [f"/api/suggest?q={quote(q.split()[0][:n])}" for q in QUERIES
                                          for n in (2, 3, 4)],
                "thumbnail": [f"/media/{i}/thumb" for i in ids],
            }
            rows = []
            for name, paths in endpoints.items():
                warm = measured = paths
                if args.distinct_queries and name.startswith("search"):  # no query of the warm-up asked again
                    warm, measured = paths[:len(paths) // 2], paths[len(paths) // 2:]
                if args.client == "wrk":
                    cookie = "; ".join(f"{c.key}={c.value}" for c in session.cookie_jar)
                    wrk_load(base, cookie, warm, WARM_UP_SECONDS, args.concurrency, data)
                    rows.append((name, *wrk_load(base, cookie, measured, args.seconds, args.concurrency, data)))
                    continue
                await load(session, base, warm, WARM_UP_SECONDS, args.concurrency)  # caches filled, readers started
                count, latencies, errors = await load(session, base, measured, args.seconds, args.concurrency)
                rows.append((name, count / args.seconds, pct(latencies, 0.5), pct(latencies, 0.95), errors))
    finally:
        server.terminate()
        server.wait(30)
        if not args.data:
            shutil.rmtree(data, ignore_errors=True)
    print(stamp())
    print(f"\n{args.records} records, {args.concurrency} concurrent requests, {args.seconds:.0f} s per endpoint, "
          f"search processes {args.search_processes or 'none (in the gateway)'}, load from {args.client}"
          + (", every search a new query" if args.distinct_queries else ", the 20 queries asked again and again"))
    print(f"{'endpoint':<32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for name, rate, p50, p95, errors in rows:
        print(f"{name:<32} {rate:>8.0f} {p50:>8.1f} {p95:>8.1f} {errors:>7}")


if __name__ == "__main__":
    asyncio.run(main())
