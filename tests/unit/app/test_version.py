"""`picsift --version` prints the installed package's version and exits 0."""
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_version_prints_the_installed_version():
    done = subprocess.run([sys.executable, "-m", "services.app.cli", "--version"], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"picsift {version('picsift')}"
