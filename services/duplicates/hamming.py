"""Multi-index hashing (Norouzi et al.) over 64-bit hashes: the hashes within a Hamming radius without a scan.

A hash is cut into PARTS chunks of 16 bits. Two hashes within radius r differ in at most r // PARTS bits in at
least one chunk (pigeonhole: were every chunk r // PARTS + 1 bits apart, the whole would be more than r apart), so
looking up, per chunk, the values within that small radius in a sorted table of that chunk finds every neighbour;
candidates are then checked on the whole hash.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np

BITS = 64
PARTS = 4
CHUNK_BITS = BITS // PARTS
MASK = (1 << CHUNK_BITS) - 1
REBUILD_AFTER = 4096  # hashes added since the tables were sorted, scanned until then


def chunks(value: int) -> tuple[int, ...]:
    """The hash's chunks, highest bits first."""
    return tuple((value >> (CHUNK_BITS * (PARTS - 1 - i))) & MASK for i in range(PARTS))


def chunk_radius(radius: int) -> int:
    """The per-chunk radius that finds every hash within `radius` of the whole."""
    return radius // PARTS


@lru_cache(maxsize=8)
def _flips(radius: int) -> np.ndarray:
    """Every mask of CHUNK_BITS bits with at most `radius` bits set."""
    return np.array([sum(1 << b for b in bits) for k in range(radius + 1)
                     for bits in combinations(range(CHUNK_BITS), k)], np.int64)


def probes(chunk: int, radius: int) -> np.ndarray:
    """The chunk values within `radius` bits of this one (1 + 16 + 120 + 560 of them at radius 3)."""
    return chunk ^ _flips(radius)


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as SQLite's signed INTEGER holds it."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


class MultiIndex:
    """Keys with two hashes each, searched by the first within a radius and filtered by the second; in memory
    (8 + 8 bytes a key plus 4 sorted chunk tables); added keys are scanned until the tables are sorted again."""

    def __init__(self, rows: list[tuple[str, int, int]] = ()):
        self._keys: list[str] = []
        self._first = np.zeros(0, np.uint64)
        self._second = np.zeros(0, np.uint64)
        self._alive = np.zeros(0, bool)
        self._row: dict[str, int] = {}
        self._pending: list[tuple[str, int, int]] = list(rows)
        self._build()

    def __len__(self) -> int:
        return len(self._row) + len(self._pending)

    def add(self, key: str, first: int, second: int) -> None:
        self.remove(key)
        self._pending.append((key, first, second))
        if len(self._pending) >= REBUILD_AFTER:
            self._build()

    def remove(self, key: str) -> None:
        row = self._row.pop(key, None)
        if row is not None:
            self._alive[row] = False
        self._pending = [p for p in self._pending if p[0] != key] if self._pending else self._pending

    def within(self, first: int, second: int, radius: int, second_radius: int) -> list[tuple[str, int, int]]:
        """(key, first distance, second distance) of the keys within both radii."""
        flips = chunk_radius(radius)
        found = []
        for part, chunk in enumerate(chunks(first)):
            wanted = probes(chunk, flips)
            low = np.searchsorted(self._sorted[part], wanted, "left")
            counts = np.searchsorted(self._sorted[part], wanted, "right") - low
            total = int(counts.sum())
            if total:
                starts = np.repeat(low - (np.cumsum(counts) - counts), counts) + np.arange(total)
                found.append(self._order[part][starts])
        near: list[tuple[str, int, int]] = []
        if found:  # a row found through several chunks is checked several times: cheaper than sorting them out
            rows = np.concatenate(found)
            d1 = np.bitwise_count(self._first[rows] ^ np.uint64(first))
            d2 = np.bitwise_count(self._second[rows] ^ np.uint64(second))
            rows = np.unique(rows[(d1 <= radius) & (d2 <= second_radius) & self._alive[rows]])
            d1 = np.bitwise_count(self._first[rows] ^ np.uint64(first))
            d2 = np.bitwise_count(self._second[rows] ^ np.uint64(second))
            near = [(self._keys[r], int(a), int(b)) for r, a, b in zip(rows, d1, d2)]
        for key, a, b in self._pending:
            da, db = distance(first, a), distance(second, b)
            if da <= radius and db <= second_radius:
                near.append((key, da, db))
        return near

    def _build(self) -> None:
        """Sort the chunk tables again over the live keys and the added ones."""
        live = np.flatnonzero(self._alive)
        self._keys = [self._keys[r] for r in live] + [key for key, _, _ in self._pending]
        self._first = np.concatenate([self._first[live], np.array([a for _, a, _ in self._pending], np.uint64)])
        self._second = np.concatenate([self._second[live], np.array([b for _, _, b in self._pending], np.uint64)])
        self._alive = np.ones(len(self._keys), bool)
        self._row = {key: i for i, key in enumerate(self._keys)}
        self._pending = []
        self._order, self._sorted = [], []
        for part in range(PARTS):
            values = ((self._first >> np.uint64(CHUNK_BITS * (PARTS - 1 - part))) & np.uint64(MASK)).astype(np.int64)
            order = np.argsort(values, kind="stable")
            self._order.append(order)
            self._sorted.append(values[order])
