"""The installed `picsift` command as scripts and shells meet it: help for every option, '--' before a leading '-',
exit codes 0/1/2, and one line (never a traceback) when the terminal, the pipe or the arguments are not as expected."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from services.app.cli import picsift

REPO = Path(__file__).resolve().parents[3]
PICSIFT = Path(sys.executable).with_name("picsift")  # the console script pyproject's [project.scripts] installs


def run(tmp_path: Path, *argv: str, **options) -> subprocess.CompletedProcess:
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # stdout buffered, as in a shell
           "PYTHONPATH": str(REPO), "PICSIFT_DATA_DIR": str(tmp_path / "data"), "PICSIFT_STAGES": '["exif"]'}
    options.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([str(PICSIFT), *argv], env=env, cwd=options.pop("cwd", tmp_path), stderr=subprocess.PIPE,
                          text=True, timeout=300, **options)


def commands(group: click.Group, prefix: str = "picsift"):
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")


def test_every_command_and_every_option_says_what_it_does():
    seen = list(commands(picsift))
    assert len(seen) > 15
    for path, command in [("picsift", picsift), *seen]:
        assert command.help and command.get_short_help_str(), path
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{path} {param.opts}"
        if not isinstance(command, click.Group):
            assert "--json" in [opt for param in command.params for opt in param.opts], path


def test_help_and_usage_errors_answer_without_loading_the_pipeline(tmp_path):
    done = run(tmp_path, "--help")
    assert done.returncode == 0 and done.stderr == ""
    assert {"index", "search", "status", "users", "service", "up"} <= {
        line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.startswith("  ")}
    for argv in (["--help"], ["--version"], ["search", "--help"], ["search"], ["users", "add", "--help"]):
        probe = subprocess.run([sys.executable, "-c", f"import sys; from services.app.cli import main; main({argv});"
                                "print(sorted(m for m in ('numpy', 'aiohttp', 'pydantic', 'tensorflow', 'PIL', "
                                "'services.pipeline.runner') if m in sys.modules), file=sys.stderr)"],
                               env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120)
        assert probe.stderr.strip().splitlines()[-1] == "[]", argv


def photos(tmp_path: Path, jpeg_factory) -> Path:
    """A media folder with a good photo whose name starts with '-' and a truncated one."""
    media = tmp_path / "media"
    good = jpeg_factory(media / "-good.jpg", seed=7)
    (media / "broken.jpg").write_bytes(good.read_bytes()[:300])
    return media


def test_exit_codes_and_a_leading_dash_after_double_dash(tmp_path, jpeg_factory):
    media = photos(tmp_path, jpeg_factory)
    done = run(tmp_path, "index", "--json", "--", "-good.jpg", cwd=media)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["indexed"] == 1
    done = run(tmp_path, "index", "--json", "--", "-good.jpg", "broken.jpg", cwd=media)
    assert done.returncode == 1, done.stderr  # some files failed
    assert [Path(f["path"]).name for f in json.loads(done.stdout)["failed"]] == ["broken.jpg"]
    shown = run(tmp_path, "show", "--json", "--", "-good.jpg", cwd=media)
    assert shown.returncode == 0 and json.loads(shown.stdout)["paths"] == [str(media / "-good.jpg")]
    found = run(tmp_path, "search", "--json", "--", "-dog")  # "not dog": the one photo
    assert found.returncode == 0 and json.loads(found.stdout)["total"] == 1

    misread = run(tmp_path, "search", "-dog", "--json")
    assert misread.returncode == 2 and "after '--'" in json.loads(misread.stdout)["error"]
    assert misread.stderr.count("\n") == 1 and "Traceback" not in misread.stderr


@pytest.mark.parametrize("argv", [("users",), ("search",), ("status", "--bogus"), ("people", "show", "x")])
def test_usage_errors_exit_2_without_a_traceback(tmp_path, argv):
    done = run(tmp_path, *argv)
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.strip()


def test_no_terminal_for_the_password_prompt_is_one_line(tmp_path):
    (tmp_path / "photos").mkdir()
    done = run(tmp_path, "users", "add", "bob", "--root", "photos", "--json", stdin=subprocess.DEVNULL,
               start_new_session=True)  # a new session: no controlling terminal, as under cron or a CI job
    assert done.returncode == 2 and "--password-stdin" in json.loads(done.stdout)["error"]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    added = run(tmp_path, "users", "add", "bob", "--root", "photos", "--password-stdin", "--json",
                input="a long enough secret\n")
    assert added.returncode == 0 and json.loads(added.stdout) == {"ok": True, "user": "bob"}


@pytest.mark.parametrize("argv", [("--help",), ("status",), ("status", "--json"), ("show", "x", "--json")])
def test_a_reader_gone_away_ends_quietly(tmp_path, argv):
    """`picsift ... | head`: the pipe closed before picsift wrote; no traceback, the shell's 141 for SIGPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = run(tmp_path, *argv, stdout=write)
    finally:
        os.close(write)
    if argv[0] == "show":  # an error (no index yet): said on stderr all the same
        assert done.stderr.startswith("picsift: no index at") and done.stderr.count("\n") == 1
    else:
        assert done.stderr == ""
    assert done.returncode == 141
