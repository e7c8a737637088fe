"""`picsift up`: a port in use or a bad host is one line and exit 2, and the first admin is created (and its
one-time password printed) only once the gallery listens, so a start that failed before leaves no one locked out."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.cluster import free_port
from services.gateway.users import UserStore

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def up(tmp_path: Path, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PICSIFT_DATA_DIR": str(tmp_path / "data"), "PICSIFT_BUS": "memory",
           "PICSIFT_MODELS": f"local:{tmp_path / 'no-models'}"}
    (tmp_path / "media").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "services.app.cli", "up", "--media", str(tmp_path / "media"), *args],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def users(tmp_path: Path) -> int:
    store = UserStore(tmp_path / "data" / "users.db")
    try:
        return store.count()
    finally:
        store.close()


@pytest.mark.parametrize("where", ["port in use", "bad host"])
def test_a_start_that_cannot_listen_is_one_line_and_creates_no_admin(tmp_path, where):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    with taken:
        args = (["--port", str(taken.getsockname()[1])] if where == "port in use"
                else ["--host", "no-such-host.invalid", "--port", str(free_port())])
        out, err = up(tmp_path, *args).communicate(timeout=120)
    assert "Traceback" not in err and "cannot listen on" in err, err
    assert "one-time password" not in out
    assert users(tmp_path) == 0


def test_the_one_time_password_comes_once_the_gallery_listens_and_again_after_a_failed_start(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    with taken:
        failed = up(tmp_path, "--port", str(taken.getsockname()[1]))
        failed.communicate(timeout=120)
    assert failed.returncode == 2
    port = free_port()
    process = up(tmp_path, "--port", str(port))
    try:
        first = process.stdout.readline()
        second = process.stdout.readline()
        assert first.startswith("created user 'admin' with the one-time password "), first
        assert second.startswith(f"picsift is up: http://127.0.0.1:{port}/"), second
        password = first.split("one-time password ")[1].split()[0]
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass  # listening when the password was printed
        store = UserStore(tmp_path / "data" / "users.db")
        try:
            assert store.verify("admin", password)
        finally:
            store.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=120)
    assert process.returncode == 0
