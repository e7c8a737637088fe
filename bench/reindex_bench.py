"""`picsift reindex`'s index pass over an existing library: the whole record store taken into a new bitmap index in
batches (read, parsed and applied, as the indexer does) and saved as its snapshot.

Usage: PYTHONPATH=. .venv/bin/python bench/reindex_bench.py DATA_DIR   (a data dir with a picsift.db, e.g. the one
       gateway_bench.py --data builds at 1M records); prints a stamped table
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from stamp import stamp

from services.search.index.bitmap import BitmapIndex
from services.search.store import RecordStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    store = RecordStore(parser.parse_args().data / "picsift.db")
    index = BitmapIndex(store)
    wall, cpu = time.perf_counter(), time.process_time()
    photos = index.rebuild(store)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    index.close()
    store.close()
    print(stamp())
    print(f"{'photos':>10} {'wall s':>8} {'records/s':>10} {'CPU s':>8} {'records/CPU-s':>14} {'us/record':>10} "
          f"{'peak RSS MB':>12}")
    print(f"{photos:>10,} {wall:>8.1f} {photos / wall:>10,.0f} {cpu:>8.1f} {photos / cpu:>14,.0f} "
          f"{cpu / photos * 1e6:>10.0f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>12,.0f}")


if __name__ == "__main__":
    main()
