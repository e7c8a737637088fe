"""What the library holds: `index` paths, `show` a photo, `search` in plain words, `reprocess` a stage."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

from services.app.index_command import index_paths, is_terminal, summary_text
from services.app.output import CommandError, emit, printable
from services.app.wiring import (
    embedded_pipeline, open_index, open_store, open_users, refuse_exposed_data_dir, store_path,
)
from services.ingest.examine import shown_path
from services.ingest.settings import IngestSettings
from services.pipeline.factory import make_bus
from services.pipeline.host import declare_topology
from services.pipeline.settings import PipelineSettings
from services.pipeline.stages import STAGE_PARTS
from services.people.service import NamedPeople, open_book
from services.search.api import CursorError, QueryError, SearchService
from services.search.marks import Marks
from services.similar.service import lookup as similar_lookup, open_book as open_similar
from services.search.record_view import record_to_dict


def register(command) -> None:
    index = command("index", "run the pipeline on paths and wait until every photo is processed", cmd_index)
    index.add_argument("paths", type=Path, nargs="+")
    show = command("show", "print everything known about one photo, by path or id", cmd_show)
    show.add_argument("target")
    search = command("search", "search photos in plain words", cmd_search)
    search.add_argument("query")
    search.add_argument("--user", help="only the photos this gateway user may see")
    search.add_argument("--explain", action="store_true", help="show why each photo matched")
    search.add_argument("--limit", type=int, default=None, help="photos to show (default 50, at most 200)")
    reprocess = command("reprocess", "run a stage again for photos whose stage version changed", cmd_reprocess)
    reprocess.add_argument("--stage", required=True, choices=STAGE_PARTS)
    reprocess.add_argument("--all", action="store_true", help="every photo, not only those of another version")
    command("reindex", "rebuild the search index from the record store", cmd_reindex)


def cmd_index(args) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise CommandError(f"no such file or folder: {', '.join(missing)}")
    settings = PipelineSettings()
    refuse_exposed_data_dir(settings, [p for p in args.paths if p.is_dir()])
    summary = asyncio.run(index_paths(args.paths, settings, IngestSettings(),
                                      show_progress=is_terminal() and not args.json))
    emit(summary, args.json, summary_text(summary))
    return 1 if summary["failed"] or summary["incomplete"] else 0


def cmd_show(args) -> int:
    target = shown_path(args.target)  # a name that is not UTF-8 is stored as shown, with \xNN escapes
    store = open_store()
    try:
        record = store.get(target)
        if record is None:
            photo_id = store.id_for_path(shown_path(os.path.abspath(args.target)))
            record = store.get(photo_id) if photo_id else None
    finally:
        store.close()
    if record is None:
        raise CommandError(f"no photo with id or path {target!r}")
    view = record_to_dict(record)
    emit(view, args.json, format_show(view))
    return 0


def format_show(view: dict) -> str:
    lines = [f"id      {view['id']}", *(f"path    {printable(p)}" for p in view["paths"]),
             "status  " + ", ".join(f"{k}={v}" for k, v in view["status"].items())]
    lines += [f"reason  {stage}: {why}" for stage, why in view["reasons"].items()]
    lines += [f"term    {t['key']}={t['value']} ({t['source']}, {t['weight']})" for t in view["terms"]]
    return "\n".join(lines)


def cmd_search(args) -> int:
    settings = PipelineSettings()
    roots = user_roots(args.user, settings) if args.user is not None else None
    index = open_index(settings)
    owner = args.user.strip().lower() if args.user is not None else ""  # "": the whole library's people
    marks = Marks(store_path(settings)) if args.user is not None else None  # her favourites and albums
    store, book, alike = open_store(), open_book(settings.data_dir), open_similar(settings.data_dir)
    try:
        result = SearchService(index).search_sync(args.query, roots, limit=args.limit, explain=args.explain,
                                                  marks=marks.lookup(owner) if marks else None,
                                                  people=NamedPeople(book, store, owner, roots),
                                                  similar=similar_lookup(index, alike, store, roots))
    except (QueryError, CursorError) as exc:
        raise CommandError(str(exc)) from None
    finally:
        index.close()
        book.close()
        alike.close()
        store.close()
        if marks is not None:
            marks.close()
    emit(result, args.json, search_text(result))
    return 0


def search_text(result: dict) -> str:
    """The text answer: how many, each hit with its matched terms (and why, with --explain), how many more."""
    total, hits = result["total"], result["hits"]
    lines = [f"{total} photo{'s' if total != 1 else ''}" + (" holding most of the words (none holds them all)"
                                                             if result["partial"] else "")]
    for hit in hits:
        lines.append(f"{hit['score']:6.2f}  {printable(hit['path'])}  [{', '.join(hit['matched'])}]")
        lines += [f"        {e['key']}:{e['value']}  {e['tier']}, {e['source']}, weight {e['weight']}"
                  + (f", face {e['face']}" if e.get("face") else "") for e in hit.get("explain", ())]
    if total > len(hits):
        lines.append(f"... {total - len(hits)} more (--limit N shows more, at most 200)")
    return "\n".join(lines)


def user_roots(name: str, settings: PipelineSettings) -> list[str]:
    """The media roots a gateway user may see: `search --user` answers as that user would in the web UI."""
    users = open_users(settings)
    try:
        user = users.get(name.strip().lower())
    finally:
        users.close()
    if user is None:
        raise CommandError(f"no user {name!r} (picsift users list)")
    return list(user.roots)


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


def cmd_reindex(args) -> int:
    """Rebuild the search index from the record store (the store is the source of truth)."""
    store, index = open_store(), open_index(PipelineSettings())
    try:
        count = index.rebuild(store)
    finally:
        index.close()
        store.close()
    emit({"reindexed": count}, args.json, f"{count} photos reindexed")
    return 0
