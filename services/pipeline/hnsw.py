"""usearch's HNSW index, made safely: ONNX Runtime (the vision runtime) is loaded first when it is installed, since
importing it after usearch's extension crashes the process (a segfault on `import onnxruntime`, usearch 2.26 with
onnxruntime 1.32; the other order is fine). The people and similar-photo books make their graphs here."""
from __future__ import annotations

import contextlib


def hnsw_index(**options):
    """A usearch Index with these options (ndim, metric, dtype, connectivity, ...)."""
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401  (first, see above)
    from usearch.index import Index

    return Index(**options)
