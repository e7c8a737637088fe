"""Packages from the npm registry, fetched at build time with `npm pack` (nothing installed, nothing at run time)."""
from __future__ import annotations

import subprocess
from pathlib import Path


def fetch_npm(package: str, version: str, into: Path) -> Path:
    """The package's tarball in `into`, fetched once."""
    into.mkdir(parents=True, exist_ok=True)
    name = f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not (into / name).exists():
        subprocess.run(["npm", "pack", "--silent", f"{package}@{version}", "--pack-destination", str(into)],
                       check=True, stdout=subprocess.DEVNULL)
    return into / name
