"""Settings a person writes by hand: PICSIFT_MEDIA_ROOT in three forms, a bad value as one line, status on a fresh dir."""
import json
from pathlib import Path

import pytest

from services.app.cli import main
from services.ingest.settings import IngestSettings


@pytest.mark.parametrize("value, roots", [
    ("/photos", ["/photos"]),                      # one folder, as the name says
    ("/photos:/scans/old", ["/photos", "/scans/old"]),
    ('["/photos", "/with:colon"]', ["/photos", "/with:colon"]),  # the JSON list still works, and holds any name
])
def test_media_root_takes_one_folder_several_or_a_json_list(monkeypatch, value, roots):
    monkeypatch.setenv("PICSIFT_MEDIA_ROOT", value)
    assert IngestSettings().media_root == [Path(r) for r in roots]


def test_a_bad_setting_names_the_variable_and_the_expected_form(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PICSIFT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PICSIFT_MEDIA_ROOT", '["/photos"')
    monkeypatch.setenv("PICSIFT_BUS", "amqp://127.0.0.1:1/")  # never reached: settings are read first
    assert main(["service", "ingest", "--json"]) == 2
    out, err = capsys.readouterr()
    message = json.loads(out)["error"]
    assert message.startswith("PICSIFT_MEDIA_ROOT=") and '["/a", "/b"]' in message
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_status_answers_zeros_on_a_fresh_data_dir_and_creates_nothing(monkeypatch, tmp_path, capsys):
    data = tmp_path / "fresh"
    monkeypatch.setenv("PICSIFT_DATA_DIR", str(data))
    assert main(["status", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["photos"] == 0 and answer["failed"] == [] and answer["skipped"] == 0
    assert answer["stages"] and all(sum(counts.values()) == 0 for counts in answer["stages"].values())
    assert not data.exists()


@pytest.mark.parametrize("variable, value, expected", [
    ("PICSIFT_BUS", "rabbit", "expected memory or amqp://"),
    ("PICSIFT_MODELS", "/models", "expected local:DIR or grpc://"),
    ("PICSIFT_STAGES", "exif", "not JSON; expected a JSON list"),
    ("PICSIFT_INDEX", "sqlite", "bitmap|https?://"),
    ("PICSIFT_WORKERS", "two", "valid integer"),
])
def test_every_bad_setting_a_command_reads_is_one_line_with_the_expected_form(monkeypatch, tmp_path, capsys,
                                                                             variable, value, expected):
    monkeypatch.setenv("PICSIFT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(variable, value)
    (tmp_path / "media").mkdir()
    assert main(["index", str(tmp_path / "media"), "--json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["error"] == f"{variable}={value!r}: " + json.loads(out)["error"].split(": ", 1)[1]
    assert expected in err and len(err.strip().splitlines()) == 1
