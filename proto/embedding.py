"""Embeddings as they travel in the record (a face's identity, a photo's features): L2-normalised, float16
little-endian bytes (2 KB for 1024-d, 2.5 KB for 1280-d)."""
from __future__ import annotations

import numpy as np

DTYPE = np.dtype("<f2")


def pack(vector: np.ndarray) -> bytes:
    """The vector scaled to unit length, as compact bytes; a zero vector stays zero."""
    vector = np.asarray(vector, np.float32).ravel()
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(DTYPE).tobytes()


def unpack(blob: bytes) -> np.ndarray:
    """The float32 vector of packed bytes (empty bytes: an empty vector)."""
    return np.frombuffer(blob, DTYPE).astype(np.float32)
