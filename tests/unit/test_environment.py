"""Tests run on the embedded defaults even when the developer's shell points PICSIFT_* elsewhere."""
import os
import subprocess
import sys
from pathlib import Path

from services.pipeline.settings import PipelineSettings
from services.search.settings import SearchSettings
from services.vision.settings import VisionSettings

REPO = Path(__file__).resolve().parents[2]
SHELL = {"PICSIFT_INDEX": "http://127.0.0.1:9", "PICSIFT_MODELS": "grpc://127.0.0.1:9",
         "PICSIFT_BUS": "amqp://nobody@127.0.0.1:9/", "PICSIFT_DATA_DIR": "/nonexistent"}


def test_settings_are_the_embedded_defaults():
    assert not any(os.environ.get(name) for name in SHELL)
    assert PipelineSettings().is_memory and not SearchSettings().is_elastic
    assert VisionSettings().serving_target is None


def test_a_shell_pointing_elsewhere_does_not_reach_the_tests():
    env = {**os.environ, **SHELL, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                          f"{__file__}::test_settings_are_the_embedded_defaults"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
