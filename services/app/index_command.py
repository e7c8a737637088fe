"""`picsift index`: run the whole pipeline in process over paths and return once drained."""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from services.app.wiring import embedded_pipeline, make_ingest
from services.ingest import examine as ex
from services.ingest.settings import IngestSettings
from services.pipeline.bus import DeadLetter
from services.pipeline.settings import PipelineSettings
from services.search.record_view import reasons_of, status_of


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
            progress.update(task, description="analysing")
            await pipeline.bus.join()
        dead = [(stage.name, letter) for stage in pipeline.stages
                for letter in await pipeline.bus.dead_letters(stage.name)]
        summary = summarize(results, pipeline, dead)
    finally:
        await pipeline.stop()
    summary["seconds"] = round(time.monotonic() - started, 3)
    return summary


def summarize(results: list[ex.Examined], pipeline, dead: list[tuple[str, DeadLetter]]) -> dict:
    """One outcome per file: a photo whose stage failed is indexed and listed under `incomplete`, not failed."""
    summary = {"indexed": 0, "duplicates": 0, "stacked": 0, "moved": 0, "unchanged": 0, "removed": 0,
               "skipped": [], "failed": [], "incomplete": []}
    stage_failures: dict[tuple[str, str], str] = {(letter.subject()[0], stage): letter.reason for stage, letter in dead}
    indexed_ids = set()
    for result in results:
        if result.kind == ex.NEW:
            summary["indexed"] += 1
            indexed_ids.add(result.id)
            record = pipeline.store.get(result.id)
            if record is not None:
                for stage, outcome in status_of(record).items():
                    if outcome == "failed":
                        stage_failures[(result.id, stage)] = reasons_of(record).get(stage, "")
            summary["incomplete"] += [{"path": result.path, "id": result.id, "stage": stage, "reason": reason}
                                      for (photo_id, stage), reason in sorted(stage_failures.items())
                                      if photo_id == result.id]
        elif result.kind == ex.DUPLICATE:
            summary["duplicates"] += 1
        elif result.kind == ex.STACKED:
            summary["stacked"] += 1
        elif result.kind in (ex.MOVED, ex.UNCHANGED, ex.REMOVED):
            summary[result.kind] += 1
        else:
            summary[result.kind].append({"path": result.path, "reason": result.reason})
    summary["failed"] += [{"path": letter.subject()[1], "reason": f"{stage}: {letter.reason}"}
                          for stage, letter in dead if letter.subject()[0] not in indexed_ids]
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


def printable(path: str) -> str:
    """A path on one terminal line: newlines and other control characters escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in path)


def is_terminal() -> bool:
    return sys.stderr.isatty()
