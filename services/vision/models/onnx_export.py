"""A SavedModel as an ONNX file, converted by tf2onnx (PyPI) in a child process, so its memory goes with it."""
from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

OPSET = 17


def export(saved_model: Path, target: Path) -> dict:
    """Converts the serving signature; returns the converter's package versions."""
    done = subprocess.run([sys.executable, "-m", "tf2onnx.convert", "--saved-model", str(saved_model),
                           "--output", str(target), "--opset", str(OPSET)], capture_output=True, text=True)
    if done.returncode != 0 or not target.exists():
        raise RuntimeError(f"tf2onnx could not convert {saved_model}: {done.stderr.strip()[-2000:]}")
    return {package: metadata.version(package) for package in ("tf2onnx", "onnx")}
