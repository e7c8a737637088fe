"""Operations: `status` of the pipeline and `dlq` (dead letters on RabbitMQ, listed or replayed)."""
from __future__ import annotations

import asyncio
import json

import click

from services.app.output import EXIT_DONE, CommandError, emit, json_option, printable
from services.pipeline.stages import STATUS_STAGES


@click.command("status", short_help="Per stage: done, failed, pending; queues and dead letters on RabbitMQ.")
@json_option
def cmd_status(as_json: bool) -> int:
    """What the pipeline has done and what it is doing: per stage done, failed, pending; on RabbitMQ its queues.

    A data dir with nothing indexed yet answers zeros (and is not created).
    """
    from services.app.wiring import store_path
    from services.pipeline.settings import PipelineSettings

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
    emit(data, as_json, "\n".join(lines))
    return EXIT_DONE


def library_state() -> dict:
    from services.app.wiring import open_store

    store = open_store()
    try:
        return {"photos": store.count(), "stages": store.stage_counts(),
                "failed": [o.__dict__ for o in store.outcomes(("failed",))],
                "skipped": len(store.outcomes(("skipped",)))}
    finally:
        store.close()


async def queue_state(settings) -> dict:
    """Per stage queue on RabbitMQ: messages waiting and the dead letters with their reasons."""
    from services.pipeline.factory import make_bus

    bus = make_bus(settings)
    await bus.start()
    try:
        return {stage: {"ready": await bus.queue_depth(stage),
                        "dead_letters": [d.as_dict() for d in await bus.dead_letters(stage)]}
                for stage in settings.stages}
    finally:
        await bus.stop()


@click.command("dlq", short_help="Dead letters with their reasons: list or replay them.")
@click.argument("action", type=click.Choice(("list", "replay")))
@click.option("--stage", default=None, help="Only this stage's dead-letter queue (default: every stage's).")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="Replay at most this many per stage (oldest first).")
@json_option
def cmd_dlq(action: str, stage: str | None, limit: int | None, as_json: bool) -> int:
    """List the dead letters on RabbitMQ with their reasons, or replay them to their stage."""
    from services.pipeline.settings import PipelineSettings

    settings = PipelineSettings()
    if settings.is_memory:
        raise CommandError("dead letters live on RabbitMQ: set PICSIFT_BUS=amqp://... "
                           "(in one process, `picsift index` lists them in its summary)")
    stages = [stage] if stage else settings.stages
    data = asyncio.run(dead_letter_action(settings, stages, action, limit))
    if action == "list":
        emit(data, as_json, "\n".join(f"{name}: {printable(d['path']) or d['routing_key']}: {d['reason']} "
                                      f"({d['attempts']} attempts)" for name, items in data.items() for d in items)
             or "no dead letters")
    else:
        emit(data, as_json, "\n".join(f"{name}: replayed {n}" for name, n in data.items()))
    return EXIT_DONE


async def dead_letter_action(settings, stages: list[str], action: str, limit: int | None = None) -> dict:
    from services.pipeline.factory import make_bus

    bus = make_bus(settings)
    await bus.start()
    try:
        if action == "replay":
            return {stage: await bus.replay_dead_letters(stage, limit) for stage in stages}
        return {stage: [d.as_dict() for d in await bus.dead_letters(stage)] for stage in stages}
    finally:
        await bus.stop()


COMMANDS = (cmd_status, cmd_dlq)
