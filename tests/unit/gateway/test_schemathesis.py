"""Schemathesis against the served /api/openapi.json: generated requests to every route, bounded to a few examples
per operation; no server error and every answer as the document says (status, content type, schema)."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

ST = Path(sys.executable).with_name("st")
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"


async def st_run(url: str, key: str, report: Path) -> tuple[int, str]:
    if not ST.exists():
        pytest.fail("schemathesis is not installed: it is in the [dev] extras")
    process = await asyncio.create_subprocess_exec(
        str(ST), "run", url, "--checks", CHECKS, "--max-examples", "10", "--phases", "examples,coverage,fuzzing",
        "--seed", "16", "--generation-deterministic", "-H", f"X-API-Key: {key}",
        "--report", "ndjson", "--report-ndjson-path", str(report), "--no-color",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=report.parent)
    out, _ = await process.communicate()
    return process.returncode, out.decode(errors="replace")


@pytest.mark.parametrize("who", ["alice", "root"])
async def test_generated_requests_find_no_server_error_and_no_schema_violation(world, sign_in, tmp_path, who):
    csrf = await sign_in(world.client, who)
    made = await world.client.post("/api/auth/keys", json={"label": "schemathesis"}, headers={"X-CSRF-Token": csrf})
    key = (await made.json())["key"]
    code, out = await st_run(str(world.client.make_url("/api/openapi.json")), key, tmp_path / "events.ndjson")
    failures = [line for line in (tmp_path / "events.ndjson").read_text().splitlines() if '"failures"' in line
                and json.loads(line).get("failures")]
    assert code == 0, out[-4000:]
    assert failures == [], out[-4000:]
