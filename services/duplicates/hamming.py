"""Multi-index hashing (Norouzi et al.) over 64-bit hashes: the hashes within a Hamming radius without a scan.

A hash is cut into PARTS chunks of 16 bits. Two hashes within radius r differ in at most r // PARTS bits in at
least one chunk (pigeonhole: were every chunk r // PARTS + 1 bits apart, the whole would be more than r apart), so
looking up, per chunk, the values within that small radius finds every neighbour; candidates are then checked
on the whole hash. Pure functions: the duplicates book keeps the chunks in indexed SQLite columns.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations

BITS = 64
PARTS = 4
CHUNK_BITS = BITS // PARTS
MASK = (1 << CHUNK_BITS) - 1


def chunks(value: int) -> tuple[int, ...]:
    """The hash's chunks, highest bits first."""
    return tuple((value >> (CHUNK_BITS * (PARTS - 1 - i))) & MASK for i in range(PARTS))


def chunk_radius(radius: int) -> int:
    """The per-chunk radius that finds every hash within `radius` of the whole."""
    return radius // PARTS


@lru_cache(maxsize=8)
def _flips(radius: int) -> tuple[int, ...]:
    """Every mask of CHUNK_BITS bits with at most `radius` bits set."""
    return tuple(sum(1 << b for b in bits) for k in range(radius + 1) for bits in combinations(range(CHUNK_BITS), k))


def probes(chunk: int, radius: int) -> list[int]:
    """The chunk values within `radius` bits of this one (1 + 16 + 120 of them at radius 2)."""
    return [chunk ^ flip for flip in _flips(radius)]


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as SQLite's signed INTEGER holds it."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value
