"""Operations: `status` of the pipeline and `dlq` (dead letters on RabbitMQ, listed or replayed)."""
from __future__ import annotations

import asyncio
import json

from services.app.output import CommandError, emit, printable
from services.app.wiring import open_store, store_path
from services.pipeline.factory import make_bus
from services.pipeline.settings import PipelineSettings
from services.pipeline.stages import STATUS_STAGES


def register(command) -> None:
    command("status", "what the pipeline has done and what it is doing", cmd_status)
    dlq = command("dlq", "list or replay dead letters", cmd_dlq)
    dlq.add_argument("action", choices=("list", "replay"))
    dlq.add_argument("--stage", default=None)
    dlq.add_argument("--limit", type=int, default=None, help="replay at most this many per stage (oldest first)")


def cmd_status(args) -> int:
    settings = PipelineSettings()
    data = library_state() if store_path(settings).exists() else {
        "photos": 0, "stages": {stage: {"pending": 0} for stage in STATUS_STAGES}, "failed": [], "skipped": 0}
    state = settings.data_dir / "ingest.state.json"
    data["ingest"] = json.loads(state.read_text()) if state.exists() else {"paused": False, "reason": ""}
    if not settings.is_memory:
        data["queues"] = asyncio.run(queue_state(settings))
    lines = [f"{data['photos']} photos, {len(data['failed'])} failed files, {data['skipped']} skipped"]
    if data["ingest"]["paused"]:
        lines.append(f"  ingest: {data['ingest']['reason']}")
    for stage, outcomes in data["stages"].items():
        lines.append(f"  {stage:<9} " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()) if n))
    for stage, queue in data.get("queues", {}).items():
        lines.append(f"  queue {stage:<9} {queue['ready']} waiting, {len(queue['dead_letters'])} dead letters")
    lines += [f"  failed: {printable(f['path'])}: {f['reason']}" for f in data["failed"]]
    emit(data, args.json, "\n".join(lines))
    return 0


def library_state() -> dict:
    store = open_store()
    try:
        return {"photos": store.count(), "stages": store.stage_counts(),
                "failed": [o.__dict__ for o in store.outcomes(("failed",))],
                "skipped": len(store.outcomes(("skipped",)))}
    finally:
        store.close()


async def queue_state(settings: PipelineSettings) -> dict:
    """Per stage queue on RabbitMQ: messages waiting and the dead letters with their reasons."""

    bus = make_bus(settings)
    await bus.start()
    try:
        return {stage: {"ready": await bus.queue_depth(stage),
                        "dead_letters": [d.as_dict() for d in await bus.dead_letters(stage)]}
                for stage in settings.stages}
    finally:
        await bus.stop()


def cmd_dlq(args) -> int:
    settings = PipelineSettings()
    if settings.is_memory:
        raise CommandError("dead letters live on RabbitMQ: set PICSIFT_BUS=amqp://... "
                           "(in one process, `picsift index` lists them in its summary)")
    stages = [args.stage] if args.stage else settings.stages
    data = asyncio.run(dead_letter_action(settings, stages, args.action, args.limit))
    if args.action == "list":
        emit(data, args.json, "\n".join(f"{stage}: {printable(d['path']) or d['routing_key']}: {d['reason']} ({d['attempts']} attempts)"
                                         for stage, items in data.items() for d in items) or "no dead letters")
    else:
        emit(data, args.json, "\n".join(f"{stage}: replayed {n}" for stage, n in data.items()))
    return 0


async def dead_letter_action(settings: PipelineSettings, stages: list[str], action: str,
                             limit: int | None = None) -> dict:

    bus = make_bus(settings)
    await bus.start()
    try:
        if action == "replay":
            return {stage: await bus.replay_dead_letters(stage, limit) for stage in stages}
        return {stage: [d.as_dict() for d in await bus.dead_letters(stage)] for stage in stages}
    finally:
        await bus.stop()
