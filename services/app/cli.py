"""The `picsift` command: the entrypoint owns the process (signals, logging, exit codes)."""
from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import secrets
import os
import signal
import sys
from pathlib import Path

from services.app.index_command import index_paths, is_terminal, summary_text
from services.app.logs import setup_logging
from services.app.output import CommandError, emit, fail
from services.app.wiring import (
    build_gateway, declare_topology, embedded_pipeline, make_ingest, open_index, open_users, serve_gateway,
    service_pipeline, store_path,
)
from services.gateway.app import Ops
from services.gateway.users import UserError
from services.ingest.settings import IngestSettings
from services.pipeline.factory import make_bus
from services.pipeline.metrics import StageMetrics
from services.pipeline.settings import PipelineSettings
from services.search.api import CursorError, QueryError, SearchService
from services.search.record_view import record_to_dict
from services.search.store import RecordStore

log = logging.getLogger("picsift")
SERVICES = ("ingest", "exif", "vision", "semantic", "indexer", "search", "gateway")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="picsift", description="Find photos by typing what you remember.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        return p

    up = command("up", "run every service in one process on the embedded defaults, watching the media")
    up.add_argument("--media", type=Path, action="append", help="media root (repeatable)")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8080)
    svc = command("service", "run one service against the configured bus (RabbitMQ)")
    svc.add_argument("name", choices=SERVICES)
    idx = command("index", "run the pipeline on paths and wait until every photo is processed")
    idx.add_argument("paths", type=Path, nargs="+")
    show = command("show", "print everything known about one photo, by path or id")
    show.add_argument("target")
    search = command("search", "search photos in plain words")
    search.add_argument("query")
    search.add_argument("--user")
    search.add_argument("--explain", action="store_true")
    users = command("users", "manage users")
    users.add_argument("action", choices=("add", "passwd", "list", "remove"))
    users.add_argument("name", nargs="?")
    users.add_argument("--root", type=Path, action="append")
    users.add_argument("--admin", action="store_true")
    users.add_argument("--password-stdin", action="store_true")
    models = command("models", "build or list the vision models")
    models.add_argument("action", choices=("build", "list"))
    reprocess = command("reprocess", "run a stage again for photos whose stage version changed")
    reprocess.add_argument("--stage", required=True, choices=("exif", "vision", "semantic"))
    reprocess.add_argument("--all", action="store_true", help="every photo, not only those of another version")
    command("status", "what the pipeline has done and what it is doing")
    dlq = command("dlq", "list or replay dead letters")
    dlq.add_argument("action", choices=("list", "replay"))
    dlq.add_argument("--stage", default=None)
    dlq.add_argument("--limit", type=int, default=None, help="replay at most this many per stage (oldest first)")
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ banner is not for users
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    handler = COMMANDS.get(args.command)
    try:
        if handler is None:
            raise CommandError(f"'{args.command}' is not available yet in this build of picsift")
        return handler(args) or 0
    except CommandError as exc:
        return fail(str(exc), args.json)
    except KeyboardInterrupt:
        return 130


def cmd_index(args) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise CommandError(f"no such file or folder: {', '.join(missing)}")
    summary = asyncio.run(index_paths(args.paths, PipelineSettings(), IngestSettings(),
                                      show_progress=is_terminal() and not args.json))
    emit(summary, args.json, summary_text(summary))
    return 1 if summary["failed"] or summary["incomplete"] else 0


def cmd_show(args) -> int:
    store = open_store()
    try:
        record = store.get(args.target)
        if record is None:
            photo_id = store.id_for_path(os.path.abspath(args.target))
            record = store.get(photo_id) if photo_id else None
    finally:
        store.close()
    if record is None:
        raise CommandError(f"no photo with id or path {args.target!r}")
    view = record_to_dict(record)
    emit(view, args.json, format_show(view))
    return 0


def format_show(view: dict) -> str:
    lines = [f"id      {view['id']}", *(f"path    {p}" for p in view["paths"]),
             "status  " + ", ".join(f"{k}={v}" for k, v in view["status"].items())]
    lines += [f"reason  {stage}: {why}" for stage, why in view["reasons"].items()]
    lines += [f"term    {t['key']}={t['value']} ({t['source']}, {t['weight']})" for t in view["terms"]]
    return "\n".join(lines)


def cmd_status(args) -> int:
    settings = PipelineSettings()
    store = open_store()
    try:
        data = {"photos": store.count(), "stages": store.stage_counts(),
                "failed": [o.__dict__ for o in store.outcomes(("failed",))],
                "skipped": len(store.outcomes(("skipped",)))}
    finally:
        store.close()
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
    lines += [f"  failed: {f['path']}: {f['reason']}" for f in data["failed"]]
    emit(data, args.json, "\n".join(lines))
    return 0


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
        emit(data, args.json, "\n".join(f"{stage}: {d['path'] or d['routing_key']}: {d['reason']} ({d['attempts']} attempts)"
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


def cmd_service(args) -> int:
    settings = PipelineSettings()
    if settings.is_memory and args.name != "gateway":
        raise CommandError("`picsift service` needs PICSIFT_BUS=amqp://... (use `picsift up` for one process)")
    return asyncio.run(run_service(args.name, settings))


async def run_service(name: str, settings: PipelineSettings) -> int:
    stop = until_signalled()
    if name == "gateway":
        from services.gateway.settings import GatewaySettings

        gateway_settings = GatewaySettings()
        store = RecordStore(store_path(settings))
        bus = None if settings.is_memory else make_bus(settings)
        if bus is not None:
            await bus.start()
        runner = await serve_gateway(build_gateway(settings, store, bus_ops(bus, settings)),
                                     gateway_settings.host, gateway_settings.port)
        log.info("gateway on http://%s:%d/", gateway_settings.host, gateway_settings.port)
        await stop.wait()
        await runner.cleanup()
        if bus is not None:
            await bus.stop()
        store.close()
        return 0
    if name == "ingest":
        ingest_settings = IngestSettings()
        if not ingest_settings.media_root:
            raise CommandError("set PICSIFT_MEDIA_ROOT to the folder(s) to ingest, e.g. '[\"/photos\"]'")
        bus = make_bus(settings)
        await bus.start()
        await declare_topology(bus, settings)
        metrics = StageMetrics()
        if settings.metrics_port:
            metrics.serve(settings.metrics_port)
        ingest = make_ingest(settings, ingest_settings, bus, lambda done: metrics.count("ingest", done.kind))
        try:
            await ingest.scan(ingest_settings.media_root)
            log.info("initial scan done; watching %s", ", ".join(map(str, ingest_settings.media_root)))
            await ingest.watch(ingest_settings.media_root, stop)
        finally:
            ingest.close()
            await bus.stop()
        return 0
    try:
        pipeline = service_pipeline(settings, name)
    except KeyError:
        raise CommandError(f"service '{name}' is not available yet in this build of picsift") from None
    if settings.metrics_port:
        pipeline.metrics.serve(settings.metrics_port)
    await pipeline.start()
    await declare_topology(pipeline.bus, settings)
    log.info("service %s consuming from %s", name, settings.exchange)
    await stop.wait()
    log.info("stopping %s: finishing in-flight messages", name)
    await pipeline.stop()
    return 0


def cmd_up(args) -> int:
    settings = PipelineSettings()
    ingest_settings = IngestSettings()
    roots = args.media or ingest_settings.media_root
    if not roots:
        raise CommandError("give a media folder with --media DIR or PICSIFT_MEDIA_ROOT")
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        raise CommandError(f"media folder not found: {', '.join(missing)}")
    return asyncio.run(run_up(roots, settings, ingest_settings, args.host, args.port))


async def run_up(roots: list[Path], settings: PipelineSettings, ingest_settings: IngestSettings,
                 host: str, port: int) -> int:
    stop = until_signalled()
    pipeline = embedded_pipeline(settings)
    await pipeline.start()
    ingest = make_ingest(settings, ingest_settings, pipeline.bus)
    ops = Ops(rescan=lambda: _count(ingest.scan(roots)), dead_letters=lambda: _dead_letters(pipeline),
              replay=pipeline.bus.replay_dead_letters, registry=pipeline.metrics.registry,
              queues=lambda: _queues(pipeline))
    gateway = build_gateway(settings, pipeline.store, ops)
    first_admin(gateway.users, roots)
    runner = await serve_gateway(gateway, host, port)
    print(f"picsift is up: http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    try:
        results = await ingest.scan(roots)
        log.info("scanned %d files under %s; watching for changes", len(results), ", ".join(map(str, roots)))
        await ingest.watch(roots, stop)
    finally:
        ingest.close()
        await runner.cleanup()
        await pipeline.stop()
    return 0


def bus_ops(bus, settings: PipelineSettings) -> Ops:
    """What the gateway can show and do on the bus: queue depths, dead letters, replay (none without a bus)."""
    if bus is None:
        return Ops()

    async def dead_letters() -> list[dict]:
        return [{"stage": stage, **d.as_dict()} for stage in settings.stages for d in await bus.dead_letters(stage)]

    async def queues() -> dict[str, int]:
        return {stage: await bus.queue_depth(stage) for stage in settings.stages}

    return Ops(dead_letters=dead_letters, replay=bus.replay_dead_letters, queues=queues)


async def _count(scan) -> int:
    return len(await scan)


async def _queues(pipeline) -> dict[str, int]:
    return {stage.name: await pipeline.bus.queue_depth(stage.name) for stage in pipeline.stages}


async def _dead_letters(pipeline) -> list[dict]:
    return [{"stage": stage.name, **letter.as_dict()}
            for stage in pipeline.stages for letter in await pipeline.bus.dead_letters(stage.name)]


def first_admin(users, roots: list[Path]) -> None:
    """On a first start with no users, an admin with a one-time password, printed once."""
    if users.count():
        return
    password = secrets.token_urlsafe(12)
    users.add("admin", password, [str(r) for r in roots], admin=True)
    print(f"created user 'admin' with the one-time password {password} "
          "(change it: picsift users passwd admin)", flush=True)


def cmd_users(args) -> int:
    settings = PipelineSettings()
    users = open_users(settings)
    try:
        if args.action == "list":
            items = [u.public() for u in users.list()]
            emit(items, args.json, "\n".join(f"{u['name']}{' (admin)' if u['admin'] else ''}: "
                                             f"{', '.join(u['roots'])}" for u in items) or "no users")
            return 0
        if not args.name:
            raise CommandError(f"users {args.action} needs a NAME")
        if args.action == "remove":
            users.remove(args.name)
        elif args.action == "add":
            roots = [str(r) for r in args.root or []]
            missing = [r for r in roots if not Path(r).is_dir()]
            if missing:
                raise CommandError(f"media root not found: {', '.join(missing)}")
            users.add(args.name, read_password(args), roots, admin=args.admin)
        else:
            users.set_password(args.name, read_password(args))
        emit({"ok": True, "user": args.name}, args.json, f"{args.action}: {args.name}")
        return 0
    except UserError as exc:
        raise CommandError(str(exc)) from None
    finally:
        users.close()


def read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise CommandError("the passwords differ")
    return first


def until_signalled() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so services stop cleanly instead of dying mid-message."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def open_store() -> RecordStore:
    path = store_path(PipelineSettings())
    if not path.exists():
        raise CommandError(f"no index at {path} yet: run `picsift index PATH` or `picsift up` first")
    return RecordStore(path)


def cmd_search(args) -> int:
    if args.user:
        raise CommandError("--user needs the gateway's user accounts, which this build does not have yet")
    store = open_store()
    index = open_index(PipelineSettings())
    try:
        result = SearchService(index).search_sync(args.query, None, explain=args.explain)
    except (QueryError, CursorError) as exc:
        raise CommandError(str(exc)) from None
    finally:
        index.close()
        store.close()
    lines = [f"{result['total']} photos"]
    for hit in result["hits"]:
        lines.append(f"{hit['score']:6.2f}  {hit['path']}  [{', '.join(hit['matched'])}]")
    emit(result, args.json, "\n".join(lines))
    return 0


def cmd_models(args) -> int:
    from services.vision.build import build_models, read_manifest
    from services.vision.settings import VisionSettings

    models_dir = VisionSettings().models_dir
    if args.action == "build":
        progress = (lambda line: print(line, file=sys.stderr)) if args.json else print
        manifest = build_models(models_dir, progress=progress)
    else:
        manifest = read_manifest(models_dir)
    items = [{"name": m["name"], "version": m["version"], "task": m["task"], "source": m["source"],
              "licence": m["licence"]} for m in manifest["models"].values()]
    emit({"models_dir": str(models_dir), "models": items}, args.json,
         "\n".join(f"{m['name']} v{m['version']} ({m['task']}): {m['source']}" for m in items)
         or f"no models in {models_dir}: run `picsift models build`")
    return 0


def cmd_reprocess(args) -> int:
    result = asyncio.run(run_reprocess(args.stage, args.all, PipelineSettings()))
    emit(result, args.json, f"{args.stage} ({result['version']}): {result['requested']} photos reprocessed"
         if result.get("drained") else f"{args.stage} ({result['version']}): {result['requested']} photos queued")
    return 0


async def run_reprocess(stage: str, everything: bool, settings: PipelineSettings) -> dict:
    """Embedded: run the pipeline in process until drained. On RabbitMQ: queue the requests for the services."""
    from services.app.reprocess import reprocess

    if settings.is_memory:
        pipeline = embedded_pipeline(settings)
        await pipeline.start()
        try:
            result = await reprocess(stage, pipeline.store, pipeline.bus, force=everything)
            await pipeline.bus.join()
        finally:
            await pipeline.stop()
        return {**result, "drained": True}
    store = open_store()
    bus = make_bus(settings)
    await bus.start()
    try:
        await declare_topology(bus, settings)
        return await reprocess(stage, store, bus, force=everything)
    finally:
        await bus.stop()
        store.close()


COMMANDS = {"reprocess": cmd_reprocess, "dlq": cmd_dlq, "models": cmd_models, "users": cmd_users, "search": cmd_search, "index": cmd_index, "show": cmd_show, "status": cmd_status, "service": cmd_service, "up": cmd_up}

if __name__ == "__main__":
    sys.exit(main())
