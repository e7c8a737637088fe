"""`picsift index`: run the whole pipeline in process over paths and return once drained."""
from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
)

from services.app.output import printable
from services.app.wiring import embedded_pipeline, make_ingest
from services.ingest import examine as ex
from services.ingest.settings import IngestSettings
from services.pipeline.bus import DeadLetter
from services.pipeline.settings import PipelineSettings
from services.search.record_view import reasons_of, status_of


COUNTED = {ex.DUPLICATE: "duplicates", ex.STACKED: "stacked", ex.MOVED: "moved", ex.UNCHANGED: "unchanged",
           ex.REMOVED: "removed"}


async def index_paths(paths: list[Path], settings: PipelineSettings, ingest_settings: IngestSettings,
                      show_progress: bool = False) -> dict:
    """The `index --json` summary: indexed, duplicates, skipped and failed with reasons, seconds."""
    started = time.monotonic()
    pipeline = embedded_pipeline(settings)
    counts: Counter[str] = Counter()
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        transient=True, disable=not show_progress)
    task = progress.add_task("scanning")

    def on_outcome(examined: ex.Examined) -> None:
        counts[examined.kind] += 1
        progress.update(task, description=f"{sum(counts.values())} files: " + ", ".join(
            f"{n} {kind}" for kind, n in sorted(counts.items())))

    await pipeline.start()
    try:
        with progress:
            ingest = make_ingest(settings, ingest_settings, pipeline.bus, on_outcome)
            try:
                results = await ingest.scan(paths)
            finally:
                ingest.close()
            progress.update(task, visible=False)
            await analysed(pipeline, sum(r.kind == ex.NEW for r in results), show_progress)
        dead = [(stage.name, letter) for stage in pipeline.stages
                for letter in await pipeline.bus.dead_letters(stage.name)]
        summary = summarize(results, pipeline, dead)
    finally:
        await pipeline.stop()
    summary["seconds"] = round(time.monotonic() - started, 3)
    return summary


ANALYSIS_PROGRESS_SECONDS = 0.5


async def analysed(pipeline, photos: int, show_progress: bool) -> None:
    """Wait until the pipeline is drained, showing the photos analysed of those new, their rate and the time left.
    A photo is analysed once every analysis stage is done with it (counted from the stages' metrics)."""
    stages = [stage.name for stage in pipeline.stages if stage.name != "indexer"]

    def done() -> int:
        return int(min((pipeline.metrics.value(name, "done") + pipeline.metrics.value(name, "dead")
                        for name in stages), default=photos))

    columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]} photos/s"),
               TextColumn("ETA"), TimeRemainingColumn())
    start, started = done(), time.monotonic()
    with Progress(*columns, transient=True, disable=not show_progress or not photos) as progress:
        task = progress.add_task("analysing", total=photos, rate="-")
        drained = asyncio.ensure_future(pipeline.bus.join())
        while not drained.done():
            await asyncio.wait([drained], timeout=ANALYSIS_PROGRESS_SECONDS)
            count = min(photos, done() - start)
            progress.update(task, completed=count, rate=f"{count / max(time.monotonic() - started, 1e-3):.1f}")
        await drained


def summarize(results: list[ex.Examined], pipeline, dead: list[tuple[str, DeadLetter]]) -> dict:
    """One outcome per file: a photo whose stage failed is counted once and listed under `incomplete`, not failed.

    A dead letter about a file this run already gave an outcome adds nothing to the counts; only one about a
    file the run did not see (an older message) is a failed entry of its own.
    """
    summary = {"indexed": 0, "duplicates": 0, "stacked": 0, "moved": 0, "unchanged": 0, "removed": 0,
               "skipped": [], "failed": [], "incomplete": []}
    stage_failures: dict[tuple[str, str], str] = {(letter.subject()[0], stage): letter.reason for stage, letter in dead}
    listed: set[tuple[str, str]] = set()
    for result in results:
        if result.kind == ex.NEW:
            summary["indexed"] += 1
            record = pipeline.store.get(result.id)
            if record is not None:
                for stage, outcome in status_of(record).items():
                    if outcome == "failed":
                        stage_failures[(result.id, stage)] = reasons_of(record).get(stage, "")
        elif result.kind in COUNTED:
            summary[COUNTED[result.kind]] += 1
        else:
            summary[result.kind].append({"path": result.path, "reason": result.reason})
        if result.is_photo:  # under the first path of the photo in this run, once
            for (photo_id, stage), reason in sorted(stage_failures.items()):
                if photo_id == result.id and (photo_id, stage) not in listed:
                    listed.add((photo_id, stage))
                    summary["incomplete"].append({"path": result.path, "id": photo_id, "stage": stage, "reason": reason})
    seen_ids = {result.id for result in results if result.id}
    seen_paths = {result.path for result in results}
    summary["failed"] += [{"path": path, "reason": f"{stage}: {letter.reason}"} for stage, letter in dead
                          for photo_id, path in [letter.subject()] if photo_id not in seen_ids and path not in seen_paths]
    return summary


def summary_text(summary: dict) -> str:
    lines = [f"indexed {summary['indexed']}, duplicates {summary['duplicates']}, stacked {summary['stacked']}, "
             f"moved {summary['moved']}, "
             f"unchanged {summary['unchanged']}, removed {summary['removed']}, "
             f"skipped {len(summary['skipped'])}, failed {len(summary['failed'])}, "
             f"incomplete {len(summary['incomplete'])} in {summary['seconds']:.1f}s"]
    for kind in ("skipped", "failed"):
        lines += [f"  {kind}: {printable(item['path'])}: {item['reason']}" for item in summary[kind]]
    lines += [f"  incomplete: {printable(item['path'])}: {item['stage']}: {item['reason']}"
              for item in summary["incomplete"]]
    return "\n".join(lines)


def is_terminal() -> bool:
    return sys.stderr.isatty()
