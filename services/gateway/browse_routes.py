"""Browsing a user's library by time and place: month buckets for the timeline, her photos taken on this day in
earlier years, grid clusters for the map (all from the search index, within her roots), and the map's tile
settings."""
from __future__ import annotations

import base64
import datetime
import json

from aiohttp import web

from services.gateway import models as m
from services.gateway.resources import quick_read
from services.gateway.responses import json_response
from services.gateway.security import session_of
from services.gateway.validation import parse_query
from services.search.index.browse import year_start


def photos_cursor(when: float, last: str) -> str:
    """A GET /api/photos cursor: the photos older than (when, last), or as old with a smaller id."""
    return base64.urlsafe_b64encode(json.dumps([when, last]).encode()).decode()


async def timeline(request: web.Request) -> web.Response:
    from services.gateway.app import gw

    months = await gw(request).search.timeline(list(session_of(request).user.roots))
    return json_response({"total": sum(month.count for month in months),
                              "months": [{"month": month.month, "count": month.count,
                                          "cursor": photos_cursor(month.end, "")} for month in months]})


async def on_this_day(request: web.Request) -> web.Response:
    """Her photos taken on this day (her date, else the server's) in earlier years, newest first."""
    from services.gateway.app import gw, path_in_scope, photo_item
    from services.gateway.marks_routes import mark_flags

    query, user = parse_query(request, m.OnThisDayQuery), session_of(request).user
    today = query.date or datetime.date.today()
    ids, total = await gw(request).search.on_this_day(list(user.roots), today.month * 100 + today.day,
                                                      year_start(today.year), query.limit)
    cards = await quick_read(request, gw(request).store.cards, ids)
    items = []
    for card in cards:
        year = datetime.datetime.fromtimestamp(card.when).year
        items.append({**photo_item(card, path_in_scope(card, user.roots) or ""), "year": year,
                      "years_ago": today.year - year})
    await mark_flags(request, items, {card.id: card.stars for card in cards})
    return json_response({"date": today.isoformat(), "total": total, "items": items})


async def map_clusters(request: web.Request) -> web.Response:
    from services.gateway.app import gw

    query = parse_query(request, m.MapQuery)
    found = await gw(request).search.clusters(list(session_of(request).user.roots), query.box(), query.zoom)
    return json_response({"total": sum(c.count for c in found),
                              "clusters": [{"lat": c.lat, "lon": c.lon, "count": c.count, "id": c.id,
                                            "thumb": f"/media/{c.id}/thumb"} for c in found]})


async def map_settings(request: web.Request) -> web.Response:
    from services.gateway.app import gw

    settings = gw(request).settings
    return json_response({"tiles": settings.map_tiles, "attribution": settings.map_attribution,
                              "max_zoom": settings.map_max_zoom})
