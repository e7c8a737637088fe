"""deploy/docker-compose.yml validates (Debian's docker-compose checks it without an engine) and holds together."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from services.pipeline.stages import CONSUMERS

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


@pytest.fixture(scope="module")
def compose():
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.fail("docker-compose is not installed: scripts/setup.sh installs it")
    done = subprocess.run([tool, "-f", str(DEPLOY / "docker-compose.yml"), "--env-file", str(DEPLOY / ".env.example"),
                           "config"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_every_picsift_service_runs_from_one_image_with_its_own_command(compose):
    services = compose["services"]
    picsift = {name: s for name, s in services.items() if s.get("image") == "picsift:latest"}
    assert {s["command"][-1] for s in picsift.values() if s["command"][0] == "service"} == {
        "ingest", *CONSUMERS, "gateway"}  # every stage the registry declares runs
    assert services["models"]["command"] == ["models", "build"]


def test_vision_scales_out_after_its_models_are_built(compose):
    vision = compose["services"]["vision"]
    assert int(vision["deploy"]["replicas"]) > 1
    assert vision["depends_on"]["models"]["condition"] == "service_completed_successfully"


def test_semantic_starts_after_models_build_made_its_wordnet_table(compose):
    assert compose["services"]["semantic"]["depends_on"]["models"]["condition"] == "service_completed_successfully"
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "PICSIFT_SEMANTIC_WORDNET_DIR=/models/wordnet" in dockerfile  # the models volume, read-only there


def test_every_long_running_service_is_health_checked_or_waits_on_one(compose):
    for name, service in compose["services"].items():
        if service.get("restart") == "no":  # one-shot jobs: models build, Kibana's saved objects
            continue
        checked = "healthcheck" in service and not service["healthcheck"].get("disable")
        assert checked, name
        for dependency in service.get("depends_on", {}).values():
            assert dependency["condition"] in ("service_healthy", "service_started",
                                               "service_completed_successfully")


def test_no_secret_is_committed():
    text = (DEPLOY / "docker-compose.yml").read_text()
    keys = list(re.finditer(r"(?im)^[ \t]*\w*(password|pass|secret)\w*:[ \t]*(\S+)", text))
    assert keys
    for match in keys:  # from .env, or a path to a Docker secret (a file kept out of the repository)
        assert match.group(2).startswith(("${", "/run/secrets/")), match.group(0)
    assert "change-me" in (DEPLOY / ".env.example").read_text()


def test_the_index_is_elasticsearch_with_security_and_kibana_gets_its_saved_objects(compose):
    services = compose["services"]
    assert services["indexer"]["environment"]["PICSIFT_INDEX"].startswith("http://elastic:")
    assert json.loads(services["indexer"]["environment"]["PICSIFT_STAGES"]) == list(CONSUMERS)
    assert services["elasticsearch"]["environment"]["xpack.security.enabled"] == "true"
    assert "saved_objects.ndjson" in " ".join(services["kibana-init"]["command"])

    objects = [json.loads(line) for line in (DEPLOY / "kibana" / "saved_objects.ndjson").read_text().splitlines()]
    assert {o["type"] for o in objects} == {"index-pattern", "visualization", "search", "dashboard"}
    titles = {o["attributes"]["title"] for o in objects}
    assert {"Photos indexed over time", "Photos by camera", "Photos by country", "Vision outcome",
            "Photos with a failed stage"} <= titles


def test_tf_serving_runs_on_the_gpu_or_the_cpu_by_profile_under_one_name(compose):
    services = compose["services"]
    serving = {name: s for name, s in services.items() if s.get("image", "").startswith("tensorflow/serving:")}
    wants_gpu = {name for name, s in serving.items()
                 if s.get("deploy", {}).get("resources", {}).get("reservations", {}).get("devices")}
    assert {name: s.get("profiles") for name, s in serving.items()} == {
        **{name: ["gpu"] for name in wants_gpu}, **{name: ["cpu"] for name in set(serving) - wants_gpu}}
    assert wants_gpu and set(serving) - wants_gpu  # one of each
    for service in serving.values():
        assert "tfserving" in service["networks"]["default"]["aliases"]
    assert services["vision"]["environment"]["PICSIFT_MODELS"] == "grpc://tfserving:8500"
    for name, service in services.items():  # nothing asks for a GPU outside the gpu profile
        if "gpu" not in service.get("profiles", []):
            assert "reservations" not in service.get("deploy", {}).get("resources", {}), name


def test_every_image_is_pinned_and_every_service_has_a_restart_policy(compose):
    for name, service in compose["services"].items():
        assert service.get("restart") in ("no", "unless-stopped", "always", "on-failure"), name
        if "build" in service:
            continue  # picsift itself, built from this tree
        repository, _, tag = service["image"].rpartition(":")
        assert repository and tag != "latest" and re.search(r"\d+\.\d+\.\d+", tag), (name, service["image"])


def test_the_gateway_bootstraps_the_first_admin_from_a_secret_file(compose):
    gateway = compose["services"]["gateway"]
    path = gateway["environment"]["PICSIFT_ADMIN_PASSWORD_FILE"]
    secret = path.removeprefix("/run/secrets/")
    assert secret in compose["secrets"]
    assert secret in [s if isinstance(s, str) else s["source"] for s in gateway["secrets"]]


def test_the_image_and_the_venv_install_the_tf_serving_stubs_from_one_pin():
    """Vision reaches TF Serving through its stubs: the image installs them, from the file set-up installs them
    from, and the build context lets that file in."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --no-deps -r serving-stubs.txt" in dockerfile
    assert "deploy/serving-stubs.txt" in dockerfile.split("COPY", 2)[1]
    assert "!deploy/serving-stubs.txt" in (DEPLOY.parent / ".dockerignore").read_text().splitlines()
    assert "-r deploy/serving-stubs.txt" in (DEPLOY.parent / "scripts" / "setup.sh").read_text()
    pins = [line for line in (DEPLOY / "serving-stubs.txt").read_text().splitlines() if line and line[0] != "#"]
    assert pins == ["tensorflow-serving-api==2.18.1"]
