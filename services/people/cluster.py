"""Incremental face clustering as pure functions over unit-length embeddings (cosine similarity).

A new face joins the person of its nearest assigned face when that face is similar enough; the faces left form
new people by DBSCAN over a sparse neighbour graph from an ANN index (usearch), so the cost grows with n log n,
not n squared. Assigned faces never move: clustering adds, it never renames, splits or merges people.
"""
from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.cluster import DBSCAN

from services.pipeline.hnsw import hnsw_index

NEIGHBOURS = 10
EXACT_QUERIES = 2000  # up to this many queries, scanning every base row beats building an HNSW index
BLOCK = 8192


def ann_index(vectors: np.ndarray):
    """An HNSW index over the vectors (int8-quantised cosine: 4x faster to build than float16 at 1024-d)."""
    index = hnsw_index(ndim=vectors.shape[1], metric="cos", dtype="i8", connectivity=16, expansion_add=64)
    index.add(np.arange(len(vectors)), vectors, threads=0)
    return index


def neighbours(index, base: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest base rows of each query ([n, k] rows, -1 where none) and their exact cosine similarity."""
    found = index.search(queries, min(k, len(base)), threads=0)
    keys = np.asarray(found.keys, np.int64).reshape(len(queries), -1)
    keys = np.where(keys >= len(base), -1, keys)  # usearch's "no result" is a huge sentinel key
    safe = np.maximum(keys, 0)
    similar = np.einsum("nd,nkd->nk", queries.astype(np.float32), base[safe].astype(np.float32))
    return keys, np.where(keys < 0, -1.0, similar)


def nearest(base: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each query's nearest base row and its cosine similarity: an exact scan in blocks for a few queries (the
    usual batch of new photos), the HNSW index for many (a first run over a whole library)."""
    if len(queries) > EXACT_QUERIES:
        keys, similar = neighbours(ann_index(base), base, queries, NEIGHBOURS)
        best = np.argmax(similar, 1)
        rows = np.arange(len(queries))
        return keys[rows, best], similar[rows, best]
    top = np.full(len(queries), -1, np.int64)
    score = np.full(len(queries), -1.0, np.float32)
    wanted = queries.astype(np.float32)
    for start in range(0, len(base), BLOCK):
        similar = wanted @ base[start:start + BLOCK].astype(np.float32).T
        best = np.argmax(similar, 1)
        better = similar[np.arange(len(queries)), best] > score
        top[better] = start + best[better]
        score[better] = similar[np.arange(len(queries)), best][better]
    return top, score


def join_nearest(assigned: np.ndarray, persons: np.ndarray, new: np.ndarray, match: float) -> np.ndarray:
    """For each new face, the person of its nearest assigned face if at least `match` similar, else -1."""
    if not len(assigned) or not len(new):
        return np.full(len(new), -1, np.int64)
    keys, similar = nearest(assigned, new)
    return np.where((keys >= 0) & (similar >= match), persons[np.maximum(keys, 0)], -1)


def new_groups(vectors: np.ndarray, match: float) -> np.ndarray:
    """DBSCAN labels (-1: no group yet) over faces no person took: groups of two or more faces within `match`."""
    n = len(vectors)
    if n < 2:
        return np.full(n, -1, np.int64)
    keys, similar = neighbours(ann_index(vectors), vectors, vectors, NEIGHBOURS + 1)
    keep = (keys >= 0) & (similar >= match)
    rows = np.repeat(np.arange(n), keys.shape[1])[keep.ravel()]
    distance = np.maximum(1e-9, 1 - similar.ravel()[keep.ravel()])  # explicit zeros would be dropped
    graph = csr_matrix((distance, (rows, keys.ravel()[keep.ravel()])), shape=(n, n))
    return DBSCAN(eps=1 - match, min_samples=2, metric="precomputed").fit_predict(graph)
