"""The bitmap index on disk: a snapshot of its postings, saved whole and switched to atomically.

A snapshot is a folder of numpy arrays, one file of serialized bitmaps and a JSON table of terms, tagged with
the record store's change number it holds. `CURRENT` names the live one; it is replaced only after the new
folder is complete and synced, so a crash leaves the previous snapshot (the store's change feed covers the rest).
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
from pyroaring import BitMap

from services.search.index.postings import Postings

CURRENT = "CURRENT"
FORMAT = 6  # 6: photo ids in their own file, one per line; 5 5: the file's rating (stars) and month-day; 4: a compound's last word only where the photo is named by it too; 3: plural forms by WordNet


def snapshot_dir(store_path: Path | str) -> Path:
    """Where the snapshots of the index over this record store live."""
    return Path(str(store_path) + ".index")


def current(folder: Path) -> Path | None:
    try:
        name = (folder / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return folder / name if name and (folder / name).is_dir() else None


def saved_seq(folder: Path) -> int:
    """The change number the live snapshot holds (0: none)."""
    live = current(folder)
    return int(live.name.split("-")[1]) if live else 0


def save(postings: Postings, seq: int, folder: Path, rebuilt: bool = False) -> None:
    """rebuilt: the postings were made again from the store, so a snapshot of the same change number is replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"snapshot-{seq}-{os.getpid()}" + (f"-{time.time_ns()}" if rebuilt else "")
    if (folder / name).is_dir():  # this process saved this change number already
        return
    work = folder / (name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    count = len(postings.ids)
    bitmaps = [postings.visible, *postings.docs, *postings.faces, *postings.layer_docs]
    blobs = [b.serialize() for b in bitmaps]
    forward_offsets, forward_layers = postings.forward_arrays()
    arrays = {
        "time": postings.time[:count], "lat": postings.lat[:count], "lon": postings.lon[:count],
        "face_count": postings.face_count[:count], "stars": postings.stars[:count],
        "day": postings.day[:count],
        "bitmap_ends": np.cumsum([len(b) for b in blobs], dtype=np.int64),
        "forward_offsets": forward_offsets, "forward_layers": forward_layers,
    }
    for key, array in arrays.items():
        np.save(work / f"{key}.npy", array)
    (work / "bitmaps.bin").write_bytes(b"".join(blobs))
    (work / "ids.txt").write_text("\n".join(postings.ids))  # hex ids: no newline in one; JSON took a second at 1M
    (work / "meta.json").write_text(json.dumps({
        "format": FORMAT, "seq": seq, "terms": postings.terms, "layers": postings.layers,
    }))
    for file in work.iterdir():
        _sync(file)
    work.rename(folder / name)
    pointer = folder / f"{CURRENT}.{os.getpid()}"
    pointer.write_text(name)
    _sync(pointer)
    os.replace(pointer, folder / CURRENT)
    _sync(folder)
    for old in folder.iterdir():  # earlier snapshots; a reader that loaded one keeps its open files
        if old.is_dir() and old.name != name and not old.name.endswith(".partial"):
            shutil.rmtree(old, ignore_errors=True)


def load(folder: Path) -> tuple[Postings, int] | None:
    """The live snapshot and its change number, or None when there is none (or it is from another format)."""
    live = current(folder)
    if live is None:
        return None
    try:
        meta = json.loads((live / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            return None
        arrays = {f.stem: np.load(f, mmap_mode="r") for f in live.glob("*.npy")}
        blob = (live / "bitmaps.bin").read_bytes()
        ids = (live / "ids.txt").read_text()
    except (FileNotFoundError, ValueError):  # removed by a newer save while we read: the caller tries again
        return None
    postings = Postings()
    postings.terms = [tuple(kv) for kv in meta["terms"]]
    postings.layers = [(term, level, source, bool(whole)) for term, level, source, whole in meta["layers"]]
    postings.ids = ids.split("\n") if ids else []
    ends = arrays["bitmap_ends"].tolist()
    view = memoryview(blob)
    bitmaps = iter(BitMap.deserialize(view[start:end]) for start, end in zip([0, *ends[:-1]], ends))
    postings.visible = next(bitmaps)
    terms = len(postings.terms)
    postings.docs, postings.faces = ([next(bitmaps) for _ in range(terms)] for _ in range(2))
    postings.layer_docs = list(bitmaps)
    postings.time, postings.lat, postings.lon = (np.array(arrays[k]) for k in ("time", "lat", "lon"))
    postings.face_count = np.array(arrays["face_count"])
    postings.stars, postings.day = np.array(arrays["stars"]), np.array(arrays["day"])
    postings.forward_offsets = np.array(arrays["forward_offsets"])
    postings.forward_layers = arrays["forward_layers"].view(np.ndarray)  # still mapped, without memmap's overhead
    postings.index_terms_again()
    return postings, meta["seq"]


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
