"""What admins see and do beyond users: failed files read again, and the ops view's figures, drawn by the
gallery from the index's own aggregations, the record store and this process's stage metrics."""
from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from aiohttp import web

from services.gateway import models as m
from services.gateway.responses import json_response
from services.gateway.security import require_admin
from services.gateway.validation import error, parse_body
from services.search.query.ast import Query
from services.search.record_view import reasons_of

HOUR, DAY = 3600, 86400
HOURLY_UP_TO = 3 * DAY  # a library that came in within three days is shown per hour, else per day
OPS_FACETS = ("camera", "country", "year")
FAILURE_KINDS = 12


async def retry(request: web.Request) -> web.Response:
    """Each path (a file that failed) through ingest again, now."""
    from services.gateway.app import gw

    session, g = require_admin(request), gw(request)
    if g.ops.ingest is None:
        raise error(web.HTTPServiceUnavailable, "this gateway runs without the ingest service; rescan from it")
    paths = list(dict.fromkeys((await parse_body(request, m.RetryBody)).paths))
    failed = {o.path for o in await asyncio.to_thread(g.store.outcomes, ("failed",))}
    if unknown := [path for path in paths if path not in failed]:
        raise error(web.HTTPNotFound, f"not a failed file: {unknown[0]}")
    await g.audit.record(request, "admin.retry", session.user.name, paths=paths)
    return json_response({"items": [{"path": path, **await g.ops.ingest(Path(path))} for path in paths]})


def reason_kind(reason: str) -> str:
    """A reason without the particulars after its first colon ('not a readable image: cannot identify…')."""
    return reason.split(":", 1)[0].strip()[:120] or "no reason given"


def failures(store) -> list[dict]:
    """Failed files and failed stages of photos, counted by the kind of reason, most first."""
    counts: Counter = Counter(("ingest", reason_kind(o.reason)) for o in store.outcomes(("failed",)))
    for photo_id, stage in store.failed_stages():
        record = store.get(photo_id)
        if record is not None:
            counts[(stage, reason_kind(reasons_of(record).get(stage, "")))] += 1
    return [{"stage": stage, "reason": reason, "count": n} for (stage, reason), n in counts.most_common(FAILURE_KINDS)]


def indexed_over_time(store) -> dict:
    hourly = store.added_counts(HOUR)
    if hourly and hourly[-1][0] - hourly[0][0] <= HOURLY_UP_TO:
        return {"bucket": "hour", "points": [{"at": at, "count": n} for at, n in hourly]}
    return {"bucket": "day", "points": [{"at": at, "count": n} for at, n in store.added_counts(DAY)]}


def stage_metrics(registry) -> dict[str, dict[str, float]]:
    """Per stage, messages by outcome and the mean seconds per message, as this process's metrics count them."""
    found: dict[str, dict[str, float]] = {}
    seconds: dict[str, list[float]] = {}
    for family in registry.collect() if registry is not None else ():
        for sample in family.samples:
            stage = sample.labels.get("stage")
            if sample.name == "picsift_stage_messages_total" and stage:
                found.setdefault(stage, {})[sample.labels["outcome"]] = sample.value
            elif sample.name in ("picsift_stage_seconds_sum", "picsift_stage_seconds_count") and stage:
                seconds.setdefault(stage, [0.0, 0.0])[sample.name.endswith("_count")] = sample.value
    for stage, (total, n) in seconds.items():
        found.setdefault(stage, {})["seconds"] = round(total / n, 4) if n else 0.0
    return found


async def ops_view(request: web.Request) -> web.Response:
    from services.gateway.app import gw, stage_table

    require_admin(request)
    g = gw(request)
    indexed, failed, found = await asyncio.gather(
        asyncio.to_thread(indexed_over_time, g.store), asyncio.to_thread(failures, g.store),
        asyncio.to_thread(g.search.index.search, Query(None), None, 0, 1))
    return json_response({"indexed": indexed, "stages": await stage_table(g, None),
                              "messages": stage_metrics(g.ops.registry), "failures": failed,
                              "facets": {key: found.facets.get(key, []) for key in OPS_FACETS}})
