"""What the library holds: `index` paths, `show` a photo, `search` in plain words, `reprocess` a stage.

Each command imports what it works with when it runs, so `picsift --help` does not load the pipeline.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import click

from services.app.output import EXIT_DONE, EXIT_SOME_FAILED, CommandError, emit, json_option, printable
from services.pipeline.stages import STAGE_PARTS

USER_HELP = "Answer as this gateway user would see it in the web UI: her photos only (default: the whole library)."


@click.command("index", short_help="Run the pipeline on paths, return when drained, print a summary.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
def cmd_index(paths: tuple[Path, ...], as_json: bool) -> int:
    """Run the pipeline on PATHS (files or folders) and wait until every photo is processed.

    Exits 1 when some files failed or a photo's analysis stage failed (listed in the summary).
    """
    from services.app.index_command import index_paths, is_terminal, summary_text
    from services.app.wiring import refuse_exposed_data_dir
    from services.ingest.settings import IngestSettings
    from services.pipeline.settings import PipelineSettings

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CommandError(f"no such file or folder: {', '.join(missing)}")
    settings = PipelineSettings()
    refuse_exposed_data_dir(settings, [p for p in paths if p.is_dir()])
    summary = asyncio.run(index_paths(list(paths), settings, IngestSettings(),
                                      show_progress=is_terminal() and not as_json))
    emit(summary, as_json, summary_text(summary))
    return EXIT_SOME_FAILED if summary["failed"] or summary["incomplete"] else EXIT_DONE


@click.command("show", short_help="Everything known about one photo.")
@click.argument("target")
@json_option
def cmd_show(target: str, as_json: bool) -> int:
    """Print everything known about one photo, by TARGET: its path or its id."""
    from services.app.wiring import open_store
    from services.ingest.examine import shown_path
    from services.search.record_view import record_to_dict

    shown = shown_path(target)  # a name that is not UTF-8 is stored as shown, with \xNN escapes
    store = open_store()
    try:
        record = store.get(shown)
        if record is None:
            photo_id = store.id_for_path(shown_path(os.path.abspath(target)))
            record = store.get(photo_id) if photo_id else None
    finally:
        store.close()
    if record is None:
        raise CommandError(f"no photo with id or path {shown!r}")
    view = record_to_dict(record)
    emit(view, as_json, format_show(view))
    return EXIT_DONE


def format_show(view: dict) -> str:
    lines = [f"id      {view['id']}", *(f"path    {printable(p)}" for p in view["paths"]),
             "status  " + ", ".join(f"{k}={v}" for k, v in view["status"].items())]
    lines += [f"reason  {stage}: {why}" for stage, why in view["reasons"].items()]
    lines += [f"term    {t['key']}={t['value']} ({t['source']}, {t['weight']})" for t in view["terms"]]
    return "\n".join(lines)


@click.command("search", short_help="Search in plain words.")
@click.argument("words", nargs=-1, required=True, metavar="QUERY...")
@click.option("--user", help=USER_HELP)
@click.option("--explain", is_flag=True, help="Show why each photo matched: term, tier, source, weight.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Photos to show (default 50, at most 200).")
@json_option
def cmd_search(words: tuple[str, ...], user: str | None, explain: bool, limit: int | None, as_json: bool) -> int:
    """Search photos in plain words: its words are one query (see README "Queries").

    A word that starts with '-' (not dog) goes after '--': picsift search -- beach -dog
    """
    from services.app.wiring import open_index, open_store, store_path
    from services.people.service import NamedPeople, open_book
    from services.pipeline.settings import PipelineSettings
    from services.search.api import CursorError, QueryError, SearchService
    from services.search.marks import Marks
    from services.similar.service import lookup as similar_lookup, open_book as open_similar

    settings = PipelineSettings()
    roots = user_roots(user, settings) if user is not None else None
    index = open_index(settings)
    owner = user.strip().lower() if user is not None else ""  # "": the whole library's people
    marks = Marks(store_path(settings)) if user is not None else None  # her favourites and albums
    store, book, alike = open_store(), open_book(settings.data_dir), open_similar(settings.data_dir)
    try:
        result = SearchService(index).search_sync(" ".join(words), roots, limit=limit, explain=explain,
                                                  marks=marks.lookup(owner) if marks else None,
                                                  people=NamedPeople(book, store, owner, roots),
                                                  similar=similar_lookup(index, alike, store, roots),
                                                  smart=marks.smart(owner) if marks else None)
    except (QueryError, CursorError) as exc:
        raise CommandError(str(exc)) from None
    finally:
        index.close()
        book.close()
        alike.close()
        store.close()
        if marks is not None:
            marks.close()
    emit(result, as_json, search_text(result))
    return EXIT_DONE


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


def user_roots(name: str, settings) -> list[str]:
    """The media roots a gateway user may see: `search --user` answers as that user would in the web UI."""
    from services.app.wiring import open_users

    users = open_users(settings)
    try:
        user = users.get(name.strip().lower())
    finally:
        users.close()
    if user is None:
        raise CommandError(f"no user {name!r} (picsift users list)")
    return list(user.roots)


@click.command("reprocess", short_help="Run a stage again where its version changed.")
@click.option("--stage", required=True, type=click.Choice(STAGE_PARTS), help="The stage to run again.")
@click.option("--all", "everything", is_flag=True, help="Every photo, not only those of another stage version.")
@json_option
def cmd_reprocess(stage: str, everything: bool, as_json: bool) -> int:
    """Run a stage again for photos whose stage version changed.

    In one process (PICSIFT_BUS=memory) it waits until done; on RabbitMQ it queues the photos for the services.
    """
    from services.pipeline.settings import PipelineSettings

    result = asyncio.run(run_reprocess(stage, everything, PipelineSettings()))
    emit(result, as_json, f"{stage} ({result['version']}): {result['requested']} photos reprocessed"
         if result.get("drained") else f"{stage} ({result['version']}): {result['requested']} photos queued")
    return EXIT_DONE


async def run_reprocess(stage: str, everything: bool, settings) -> dict:
    """Embedded: run the pipeline in process until drained. On RabbitMQ: queue the requests for the services."""
    from services.app.reprocess import reprocess
    from services.app.wiring import embedded_pipeline, open_store
    from services.pipeline.factory import make_bus
    from services.pipeline.host import declare_topology

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


@click.command("reindex", short_help="Rebuild the search index from the record store.")
@json_option
def cmd_reindex(as_json: bool) -> int:
    """Rebuild the search index from the record store (the store is the source of truth)."""
    from services.app.wiring import open_index, open_store
    from services.pipeline.settings import PipelineSettings

    store, index = open_store(), open_index(PipelineSettings())
    try:
        store.fill_cards()  # the list's tiles of records saved by older code
        count = index.rebuild(store)
    finally:
        index.close()
        store.close()
    emit({"reindexed": count}, as_json, f"{count} photos reindexed")
    return EXIT_DONE


COMMANDS = (cmd_index, cmd_show, cmd_search, cmd_reprocess, cmd_reindex)
