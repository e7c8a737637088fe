"""The Docker image's install runs every service: deploy/Dockerfile's pip step in a clean venv (see
fixtures/image_venv.py for how it is made without a Docker engine), then each `picsift service NAME` of the compose
file on the real RabbitMQ, vision on TF Serving's gRPC API, until real photos are analysed and searchable through the
gateway. A module a service needs that the image does not install, or a data file the wheel does not ship (WordNet's
lexnames, which nltk needs beside Debian's WordNet files), fails this test."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.request

import pytest

from fixtures.cluster import Cluster, free_port, make_photos, wait_until
from fixtures.image_venv import make_image_venv
from services.pipeline.stages import CONSUMERS, STATUS_STAGES
from services.vision.settings import VisionSettings

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]
WORDNET_IN_THE_IMAGE = """
import sys
from pathlib import Path
import services.app.cli
from services.semantic.wordnet_data import ensure_wordnet
print(services.app.cli.__file__)
lexnames = ensure_wordnet(Path(sys.argv[1])) / "corpora" / "wordnet" / "lexnames"
print(lexnames.read_text().splitlines()[3].split()[1])
"""


@pytest.fixture(scope="module")
def image_picsift(tmp_path_factory):
    work = tmp_path_factory.mktemp("image")
    return make_image_venv(work / "venv", work)


def test_the_installed_package_is_the_wheel_and_reads_wordnet_with_its_own_lexnames(image_picsift, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(image_picsift.with_name("python")), "-c", WORDNET_IN_THE_IMAGE, str(tmp_path / "nltk")],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    where, lexname = done.stdout.split()
    assert where.startswith(str(image_picsift.parents[1])) and lexname == "noun.Tops"
    version = subprocess.run([str(image_picsift), "--version"], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("picsift ")


async def test_every_service_of_the_image_runs_and_analyses_real_photos(image_picsift, tmp_path, amqp_url,
                                                                          exchange_name, tf_serving):
    models_dir = VisionSettings().models_dir
    target, served = await tf_serving(models_dir)
    make_photos(tmp_path / "media", 3)
    (tmp_path / "logs").mkdir()
    port = free_port()
    cluster = Cluster(amqp_url, exchange_name, tmp_path / "data", tmp_path / "media", tmp_path / "logs",
                      settings={"PYTHONPATH": "", "PICSIFT_GATEWAY_PORT": str(port),
                                "PICSIFT_ADMIN_PASSWORD_FILE": str(secret(tmp_path))},
                      command=(str(image_picsift),))
    try:
        for name in (*(c for c in CONSUMERS if c != "vision"), "gateway"):
            cluster.start(name)
        cluster.start("vision", PICSIFT_MODELS=f"grpc://{target}", PICSIFT_MODELS_DIR=str(models_dir))
        cluster.start("ingest")
        await until_complete(cluster)
        assert served.requests > 0  # vision asked TF Serving
        answer = await search_as_admin(port, "cat")
        assert answer["total"] >= 1, answer
    finally:
        codes = cluster.stop()
        logs = {p.name: p.read_text()[-1500:] for p in (tmp_path / "logs").iterdir()}
    assert set(cluster.processes) == {"ingest", *CONSUMERS, "gateway"}
    assert set(codes.values()) == {0}, (codes, logs)
    assert not any("Traceback" in text for text in logs.values()), logs


def secret(tmp_path):
    path = tmp_path / "admin-password"
    path.write_text("image install check\n")
    return path


async def until_complete(cluster: Cluster) -> None:
    import asyncio

    await asyncio.to_thread(cluster.wait_complete, 600, None, STATUS_STAGES)


async def search_as_admin(port: int, query: str) -> dict:
    import asyncio

    def ask() -> dict:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: reachable(base), 120, "the gateway to listen")
        login = urllib.request.Request(f"{base}/api/auth/login", method="POST", headers={
            "Content-Type": "application/json", "Origin": base},
            data=json.dumps({"username": "admin", "password": "image install check"}).encode())
        with urllib.request.urlopen(login, timeout=30) as response:
            cookie = response.headers["Set-Cookie"].split(";")[0]
        search = urllib.request.Request(f"{base}/api/search?q={query}", headers={"Cookie": cookie})
        with urllib.request.urlopen(search, timeout=30) as response:
            return json.loads(response.read())

    return await asyncio.to_thread(ask)


def reachable(base: str) -> bool:
    try:
        urllib.request.urlopen(f"{base}/api/openapi.json", timeout=5).close()
        return True
    except OSError:
        return False
