"""Fixtures shared by every test layer: sample photos, generated photos, a real RabbitMQ vhost."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

pytest_plugins = ["fixtures.gateway", "fixtures.tf_serving", "fixtures.elastic", "fixtures.browser"]

REPO = Path(__file__).resolve().parents[1]
TEST_VARIABLES = ("PICSIFT_TEST_", "PICSIFT_SAMPLES")


def isolate_environment(environ: dict) -> None:
    """Tests run on the embedded defaults whatever the shell sets; the harness's own PICSIFT_TEST_* stay."""
    for name in [n for n in environ if n.startswith("PICSIFT_") and not n.startswith(TEST_VARIABLES)]:
        del environ[name]


isolate_environment(os.environ)
BROKER_HOST = os.environ.get("PICSIFT_TEST_RABBITMQ_HOST", "127.0.0.1")


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """shared/testdata/exif-samples beside the repo (or $PICSIFT_SAMPLES); never copied into it."""
    path = Path(os.environ.get("PICSIFT_SAMPLES", REPO.parent / "shared" / "testdata" / "exif-samples"))
    if not path.is_dir():
        pytest.fail(f"sample photos not found at {path}: set PICSIFT_SAMPLES")
    return path


def rabbitmqctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60)


AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
METHOD_FRAME = 1


def broker_answers(timeout: float = 5) -> bool:
    """True when the broker answers the AMQP handshake (a hung broker still accepts TCP, then stays silent)."""
    import socket

    try:
        with socket.create_connection((BROKER_HOST, 5672), timeout=timeout) as sock:
            sock.sendall(AMQP_HEADER)
            return sock.recv(1)[:1] == bytes([METHOD_FRAME])
    except OSError:
        return False


def start_broker() -> None:
    """Start the machine's RabbitMQ (after stopping a hung one) and wait until it answers."""
    if shutil.which("rabbitmq-server") is None:
        pytest.fail("RabbitMQ is not installed: scripts/setup.sh installs it")
    if BROKER_HOST not in ("127.0.0.1", "localhost"):
        pytest.fail(f"the RabbitMQ at {BROKER_HOST} does not answer")
    subprocess.run(["pkill", "-9", "-f", "beam.smp"], capture_output=True)
    subprocess.run(["rabbitmq-server", "-detached"], capture_output=True, timeout=60)
    deadline = time.monotonic() + 120
    while not broker_answers():
        if time.monotonic() > deadline:
            pytest.fail("RabbitMQ did not start within 120 s")
        time.sleep(1)
    rabbitmqctl("await_startup")


def ensure_broker() -> None:
    """A broker that answers: start it if stopped, restart it if hung; fail loudly if it cannot run."""
    if not broker_answers():
        start_broker()
    if rabbitmqctl_answers():
        return
    start_broker()
    if not rabbitmqctl_answers():
        pytest.fail("RabbitMQ answers AMQP but not rabbitmqctl within 30 s")


def rabbitmqctl_answers() -> bool:
    try:
        return subprocess.run(["rabbitmqctl", "list_vhosts"], capture_output=True, timeout=30).returncode == 0
    except subprocess.TimeoutExpired:
        return False


@pytest.fixture(scope="session")
def rabbitmq_vhost():
    """A fresh vhost for this test session, deleted at the end with every queue in it."""
    ensure_broker()
    vhost = f"picsift-test-{uuid.uuid4().hex[:8]}"
    for args in (("add_vhost", vhost), ("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")):
        result = rabbitmqctl(*args)
        assert result.returncode == 0, result.stderr
    yield vhost
    rabbitmqctl("delete_vhost", vhost)


@pytest.fixture
def amqp_url(rabbitmq_vhost) -> str:
    return f"amqp://guest:guest@{BROKER_HOST}:5672/{rabbitmq_vhost}"


@pytest.fixture
def exchange_name() -> str:
    """A unique exchange (and queue prefix) per test."""
    return f"t{uuid.uuid4().hex[:10]}"


def make_jpeg(path: Path, seed: int, size: tuple[int, int] = (96, 64), exif: bytes | None = None) -> Path:
    """A small JPEG whose bytes are unique per seed."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, "JPEG", quality=80, **({"exif": exif} if exif else {}))
    return path


@pytest.fixture
def jpeg_factory():
    return make_jpeg
