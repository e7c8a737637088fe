"""Browsing aggregates every index adapter shares: the months of a library (local months, the way sort_time reads
an EXIF date), the photos taken on this day in earlier years, and grid clusters of its GPS photos in Web Mercator tile space (a cluster per ~64 screen pixels)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np

FIRST, LAST = datetime(1800, 1, 1).timestamp(), datetime(9000, 1, 1).timestamp()  # odd file times are clamped
TILE_CELLS = 4  # cells per side of a 256-pixel map tile
MAX_CELLS = 4096  # cells a bounding box may span; a larger one is clustered at a lower zoom
MAX_LAT = 85.05112878  # Web Mercator's edge


@dataclass(frozen=True)
class Month:
    month: str  # "2019-07"
    count: int
    start: float  # the month's first second (local time), as sort_time
    end: float    # the next month's first second: a photo list cursor that starts at this month


@dataclass(frozen=True)
class Cluster:
    lat: float
    lon: float
    count: int
    first: int  # position (in the given order) of the cluster's first photo: with newest-first input, its newest


def month_of(when: float) -> str:
    """'2019-07' of a sort time (time.localtime: half datetime's cost, asked for every photo of a page)."""
    local = time.localtime(min(max(when, FIRST), LAST))
    return f"{local.tm_year:04d}-{local.tm_mon:02d}"


def month_day(when: float) -> int:
    """The local month and day of a sort time as one number, 1231 for 31 December: what "on this day" compares."""
    moment = datetime.fromtimestamp(min(max(when, FIRST), LAST))
    return moment.month * 100 + moment.day


def year_start(year: int) -> float:
    """The local first second of a year, as sort_time counts it."""
    return datetime(year, 1, 1).timestamp()


def month_edges(low: float, high: float) -> list[tuple[str, float]]:
    """(label, start) of every month from the one holding low to the one after the one holding high."""
    first = datetime.fromtimestamp(min(max(low, FIRST), LAST))
    last = datetime.fromtimestamp(min(max(high, FIRST), LAST))
    after = (last.year + 1, 1) if last.month == 12 else (last.year, last.month + 1)
    year, month, edges = first.year, first.month, []
    while (year, month) <= after:
        edges.append((f"{year:04d}-{month:02d}", datetime(year, month, 1).timestamp()))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return edges


def months(times: np.ndarray) -> list[Month]:
    """The months holding photos, newest first, with how many; times sorted oldest first."""
    if not len(times):
        return []
    clamped = np.clip(times, FIRST, LAST)
    edges = month_edges(float(clamped[0]), float(clamped[-1]))
    starts = np.array([start for _, start in edges])
    counts = np.diff(np.searchsorted(clamped, starts, side="left"))
    return [Month(edges[i][0], int(n), edges[i][1], edges[i + 1][1])
            for i, n in reversed(list(enumerate(counts.tolist()))) if n]


def mercator(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator x, y in [0, 1] (the world tile at zoom 0; y grows southwards)."""
    x = (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0
    phi = np.radians(np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT))
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / math.pi) / 2.0
    return np.clip(x, 0.0, 1.0 - 1e-12), np.clip(y, 0.0, 1.0 - 1e-12)


def in_box(lat: np.ndarray, lon: np.ndarray, west: float, south: float, east: float, north: float) -> np.ndarray:
    """Which points lie in the box; a box wider than the world takes every longitude, one across the
    antimeridian (west > east once wrapped) both sides of it."""
    inside = (lat >= south) & (lat <= north)
    if east - west >= 360:
        return inside
    west, east = (west + 180) % 360 - 180, (east + 180) % 360 - 180
    across = (lon >= west) | (lon <= east) if west > east else (lon >= west) & (lon <= east)
    return inside & across


def cell_zoom(west: float, south: float, east: float, north: float, zoom: int) -> int:
    """The zoom whose cells over the box number at most MAX_CELLS (the asked zoom when it is not too fine)."""
    _, (y_south, y_north) = mercator(np.array([south, north]), np.array([0.0, 0.0]))
    width, height = max(min(east - west, 360) / 360, 1e-9), max(y_south - y_north, 1e-9)
    while zoom > 0 and width * height * (2 ** zoom * TILE_CELLS) ** 2 > MAX_CELLS:
        zoom -= 1
    return zoom


def clusters(lat: np.ndarray, lon: np.ndarray, x: np.ndarray, y: np.ndarray, zoom: int) -> list[Cluster]:
    """Points grouped by grid cell (TILE_CELLS per tile side at this zoom): the mean position, how many, and the
    first point of each cell (given newest first: its newest), biggest cells first."""
    if not len(lat):
        return []
    side = 2 ** zoom * TILE_CELLS
    cells = np.floor(x * side).astype(np.int64) * side + np.floor(y * side).astype(np.int64)
    _, first, group, counts = np.unique(cells, return_index=True, return_inverse=True, return_counts=True)
    mean_lat = np.bincount(group, weights=lat) / counts
    mean_lon = np.bincount(group, weights=lon) / counts
    biggest = np.lexsort((first, -counts))
    return [Cluster(round(float(mean_lat[i]), 6), round(float(mean_lon[i]), 6), int(counts[i]), int(first[i]))
            for i in biggest.tolist()]
