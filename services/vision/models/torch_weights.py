"""Reads a PyTorch state_dict (.pth, zip or legacy format) into numpy arrays without torch: nothing needs torch."""
from __future__ import annotations

import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
          "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8,
          "ByteStorage": np.uint8, "BoolStorage": np.bool_}


class _StorageType:
    def __init__(self, name: str):
        self.dtype = DTYPES[name]


def _rebuild_tensor(storage, offset, size, stride, *rest):
    """torch._utils._rebuild_tensor_v2: a strided view of a flat storage."""
    if not size:
        return storage[offset:offset + 1].reshape(()).copy()
    itemsize = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                           strides=tuple(s * itemsize for s in stride))
    return np.ascontiguousarray(view)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive: zipfile.ZipFile, prefix: str):
        super().__init__(file)
        self.archive, self.prefix = archive, prefix

    def find_class(self, module: str, name: str):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor
        if module == "torch" and name in DTYPES:
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise pickle.UnpicklingError(f"unexpected object in a weights file: {module}.{name}")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, _numel = pid
        if kind != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {kind!r}")
        raw = self.archive.read(f"{self.prefix}/data/{key}")
        return np.frombuffer(raw, dtype=storage_type.dtype)


class _Lazy:
    """A tensor whose storage comes after the pickle in the legacy format."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride


class _LegacyUnpickler(pickle.Unpickler):
    def __init__(self, file):
        super().__init__(file)
        self.storages: dict[str, list] = {}

    def find_class(self, module: str, name: str):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return lambda storage, offset, size, stride, *rest: _Lazy(storage, offset, size, stride)
        return _Unpickler.find_class(self, module, name)

    def persistent_load(self, pid):
        kind, storage_type, key, _location, _numel, view = pid
        if kind != "storage" or view is not None:
            raise pickle.UnpicklingError(f"unsupported storage reference {pid!r}")
        return self.storages.setdefault(key, [storage_type.dtype, None])


def _load_legacy(path: Path) -> dict[str, np.ndarray]:
    """torch < 1.6: magic, protocol, sys info, the pickle, storage keys, then each storage's raw bytes."""
    with open(path, "rb") as f:
        for _ in range(3):
            pickle.load(f)  # magic number, protocol version, system info
        unpickler = _LegacyUnpickler(f)
        state = unpickler.load()
        for key in pickle.load(f):
            dtype, _ = unpickler.storages[key]
            count = int.from_bytes(f.read(8), "little")
            unpickler.storages[key][1] = np.frombuffer(f.read(count * np.dtype(dtype).itemsize), dtype=dtype)
    return {name: _rebuild_tensor(t.storage[1], t.offset, t.size, t.stride) for name, t in state.items()}


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """name -> array for a torch.save()d state_dict."""
    if not zipfile.is_zipfile(path):
        return _load_legacy(path)
    with zipfile.ZipFile(path) as archive:
        pickled = next(n for n in archive.namelist() if n.endswith("data.pkl"))
        prefix = pickled.rsplit("/", 1)[0]
        with archive.open(pickled) as f:
            return dict(_Unpickler(f, archive, prefix).load())
