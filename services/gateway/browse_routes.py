"""Browsing a user's library by time and place: month buckets for the timeline, grid clusters for the map (both
from the search index, within her roots), and the map's tile settings."""
from __future__ import annotations

import base64
import json

from aiohttp import web

from services.gateway import models as m
from services.gateway.responses import json_response
from services.gateway.security import session_of
from services.gateway.validation import parse_query


def photos_cursor(when: float, last: str) -> str:
    """A GET /api/photos cursor: the photos older than (when, last), or as old with a smaller id."""
    return base64.urlsafe_b64encode(json.dumps([when, last]).encode()).decode()


async def timeline(request: web.Request) -> web.Response:
    from services.gateway.app import gw

    months = await gw(request).search.timeline(list(session_of(request).user.roots))
    return json_response({"total": sum(month.count for month in months),
                              "months": [{"month": month.month, "count": month.count,
                                          "cursor": photos_cursor(month.end, "")} for month in months]})


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
