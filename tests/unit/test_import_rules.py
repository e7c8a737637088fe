"""The layering rules of shared/ARCHITECTURE.md are checked for real: one forbidden import breaks each contract."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the code and its import contracts, to break on purpose."""
    root = tmp_path_factory.mktemp("layering")
    shutil.copytree(REPO / "services", root / "services", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "proto", root / "proto", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_the_tree_as_it_is_keeps_every_contract(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("module, forbidden, contract", [
    ("services/gateway/app.py", "services.exif.analyse", "the gateway talks to search and the store"),
    ("services/exif/analyse.py", "services.vision.analyse", "stages stay strangers"),
    ("services/vision/service.py", "services.pipeline.rabbit_bus", "only entrypoints wire adapters"),
    ("services/vocabulary.py", "services.semantic.tables", "the libraries (pipeline, media, vocabulary)"),
    ("services/search/query/parser.py", "services.semantic.wordnet", "stages stay strangers"),
    ("services/people/cluster.py", "services.vision.analyse", "similar photos follow the record store"),
    ("services/duplicates/book.py", "services.hashes.analyse", "similar photos follow the record store"),
    ("services/similar/book.py", "services.vision.analyse", "similar photos follow the record store"),
    ("services/hashes/analyse.py", "services.exif.rules", "stages stay strangers"),
    ("services/text/analyse.py", "services.semantic.tables", "stages stay strangers"),
    ("services/search/index/port.py", "services.text.analyse", "stages stay strangers"),
])
def test_one_forbidden_import_breaks_its_contract(tree, module, forbidden, contract):
    path = tree / module
    original = path.read_text()
    path.write_text(original + f"\nimport {forbidden}  # noqa: E402\n")
    try:
        result = lint(tree)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout.split(contract, 1)[1].splitlines()[0]
