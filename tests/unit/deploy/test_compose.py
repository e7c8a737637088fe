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
    keys = list(re.finditer(r"(?im)^\s*\w*(password|pass|secret)\w*:\s*(\S+)", text))
    assert keys
    for match in keys:
        assert match.group(2).startswith("${"), match.group(0)
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
