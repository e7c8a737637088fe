"""A sample media folder from the images scikit-image ships, for `scripts/run.sh` without a folder."""
from __future__ import annotations

import sys
from pathlib import Path

from services.pipeline.settings import PipelineSettings

SAMPLES = ("astronaut", "chelsea", "coffee", "rocket", "cat", "hubble_deep_field", "immunohistochemistry")


def write_samples(target: Path) -> Path:
    """Write each sample once as JPEG under target/samples; returns the folder."""
    from PIL import Image
    from skimage import data

    folder = target / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    for name in SAMPLES:
        path = folder / f"{name}.jpg"
        if not path.exists() and hasattr(data, name):
            Image.fromarray(getattr(data, name)()).convert("RGB").save(path, "JPEG", quality=92)
    return folder


if __name__ == "__main__":
    print(write_samples(PipelineSettings().data_dir))
    sys.exit(0)
