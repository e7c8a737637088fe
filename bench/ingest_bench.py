"""Ingest throughput (photos/s, MB/s, hashing included) per bus, and bare RabbitMQ publishes/s with confirms.

Usage: .venv/bin/python bench/ingest_bench.py [--sizes 1000,10000] [--amqp URL]
Prints a table; bus overhead = 1 - (photos/s on the bus / photos/s with a bus that drops everything).
A second table prices the decoder pool (a process per worker, killed on overrun) against decoding in process.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from PIL import Image

from services.pipeline.host import Pipeline
from services.ingest.catalog import Catalog
from services.media.decoders import IN_PROCESS, Decoder, IsolatedDecoder
from services.media.formats import register_openers
from services.ingest.service import IngestService
from services.ingest.settings import IngestSettings
from services.pipeline.bus import Bus
from services.pipeline.memory_bus import InMemoryBus
from services.pipeline.rabbit_bus import RabbitBus
from services.pipeline.settings import PipelineSettings
from services.search.indexer import build_indexer
from services.search.store import RecordStore
from stamp import stamp


class DroppingBus(InMemoryBus):
    """The floor: publishing costs nothing, so what remains is disk, hashing and header parsing."""

    async def publish(self, routing_key: str, body: bytes) -> None:
        return None


def generate(folder: Path, n: int) -> int:
    """n distinct camera-like JPEGs (640x480, EXIF block) in 20 folders; returns total bytes."""
    rng = np.random.default_rng(7)
    base = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 40D"
    total = 0
    for i in range(n):
        pixels = base.copy()
        pixels[0, :8, 0] = np.frombuffer(i.to_bytes(8, "little"), dtype=np.uint8)
        path = folder / f"d{i % 20:02}" / f"img_{i:05}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(path, "JPEG", quality=85, exif=exif)
        total += path.stat().st_size
    return total


async def ingest_once(media: Path, bus: Bus, work: Path, thumbs: bool, store: RecordStore | None,
                      decoder: Decoder = IN_PROCESS) -> float:
    catalog = Catalog(work / f"catalog-{uuid.uuid4().hex}.db")
    settings = IngestSettings(thumb_sizes=(320, 1280) if thumbs else ())
    pipeline = Pipeline(PipelineSettings(), bus, store, [build_indexer(store)] if store else [])
    await pipeline.start()
    service = IngestService(settings, bus, catalog, work / "thumbs", None, decoder)
    started = time.perf_counter()
    await service.scan([media])
    if isinstance(bus, InMemoryBus):
        await bus.join()
    elapsed = time.perf_counter() - started
    await bus.stop()
    catalog.close()
    return elapsed


async def bare_publishes(url: str, n: int, concurrency: int) -> float:
    bus = RabbitBus(url, f"bench{uuid.uuid4().hex[:8]}")
    await bus.start()
    await bus.declare("sink", ["bench.#"])
    body = b"x" * 1024
    started = time.perf_counter()
    for start in range(0, n, concurrency):
        await asyncio.gather(*(bus.publish("bench.msg", body) for _ in range(min(concurrency, n - start))))
    elapsed = time.perf_counter() - started
    channel = await bus._connection.channel()
    await channel.queue_delete(bus._queue_name("sink"))
    await channel.queue_delete(bus._queue_name("sink") + ".dlq")
    await bus.stop()
    return n / elapsed


async def decoder_costs(media: Path, n: int, work: Path) -> list[tuple]:
    """ms per photo with ingest's default decoder pool, warmed up, against decoding in process; and the pool's start."""
    settings = IngestSettings()
    rows = []
    for thumbs in (False, True):
        for label, make in (("in process", lambda: IN_PROCESS),
                            ("process pool", lambda: IsolatedDecoder(settings.workers, settings.decode_seconds))):
            started = time.perf_counter()
            decoder = make()
            try:
                await asyncio.gather(*(asyncio.to_thread(decoder.run, os.getpid) for _ in range(settings.workers)))
                start_seconds = time.perf_counter() - started
                seconds = await ingest_once(media, DroppingBus(), work, thumbs, None, decoder)
            finally:
                decoder.close()
            rows.append((n, "with thumbnails" if thumbs else "no thumbnails", label, 1000 * seconds / n, start_seconds))
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672/")
    args = parser.parse_args()
    register_openers()
    rows = []
    pool_rows: list[tuple] = []
    for n in (int(s) for s in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix="picsift-bench-"))
        media = work / "media"
        megabytes = generate(media, n) / 1e6
        floor = None
        for label, thumbs in (("no thumbnails", False), ("with thumbnails", True)):
            if thumbs and n > 1000:
                continue
            for bus_name in ("dropping", "memory + indexer", "rabbitmq"):
                if bus_name == "dropping":
                    bus, store = DroppingBus(), None
                elif bus_name == "memory + indexer":
                    bus, store = InMemoryBus(), RecordStore(work / f"store-{uuid.uuid4().hex}.db")
                else:
                    bus, store = RabbitBus(args.amqp, f"bench{uuid.uuid4().hex[:8]}"), None
                    await bus.start()
                    await bus.declare("indexer", ["photo.#", "file.#"])
                seconds = await ingest_once(media, bus, work, thumbs, store)
                if bus_name == "rabbitmq":
                    cleanup = RabbitBus(args.amqp, bus.exchange_name)
                    await cleanup.start()
                    channel = await cleanup._connection.channel()
                    for q in ("indexer", "indexer.dlq"):
                        await channel.queue_delete(f"{bus.exchange_name}.{q}")
                    await cleanup.stop()
                rate = n / seconds
                if bus_name == "dropping":
                    floor = rate
                overhead = max(0.0, 1 - rate / floor) if floor else 0.0
                rows.append((n, label, bus_name, rate, megabytes / seconds, 1000 / rate, overhead))
        if n <= 1000:
            pool_rows += await decoder_costs(media, n, work)
        shutil.rmtree(work)
    print(stamp())
    print(f"\n{'photos':>7} {'mode':<16} {'bus':<17} {'photos/s':>9} {'MB/s':>7} {'ms/photo':>9} {'bus overhead':>13}")
    for n, label, bus_name, rate, mbps, ms, overhead in rows:
        print(f"{n:>7} {label:<16} {bus_name:<17} {rate:>9.0f} {mbps:>7.1f} {ms:>9.2f} {overhead:>12.0%}")
    print(f"\n{'photos':>7} {'mode':<16} {'decoder':<13} {'ms/photo':>9} {'pool cost ms/photo':>19} {'start s':>8}")
    in_process = {(n, label): ms for n, label, decoder, ms, _ in pool_rows if decoder == "in process"}
    for n, label, decoder, ms, start in pool_rows:
        print(f"{n:>7} {label:<16} {decoder:<13} {ms:>9.2f} {ms - in_process[n, label]:>19.2f} {start:>8.2f}")
    print(f"\n{'bare RabbitMQ adapter (1 KiB, confirms)':<44} {'msgs/s':>8}")
    for concurrency in (1, 100):
        rate = await bare_publishes(args.amqp, 5000, concurrency)
        print(f"{f'{concurrency} in flight':<44} {rate:>8.0f}")


if __name__ == "__main__":
    asyncio.run(main())
