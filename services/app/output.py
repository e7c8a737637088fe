"""How commands answer: JSON for scripts, plain text for people, errors both ways, and the options all share."""
from __future__ import annotations

import json
import os
import re
import sys

import click

EXIT_DONE, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
json_option = click.option("--json", "as_json", is_flag=True,
                           help='Answer in JSON for scripts (an error as {"error": "..."} on stdout).')


class CommandError(Exception):
    """A failure to report to the user as a message, with a non-zero exit."""


def settings_classes(base: type):
    for cls in base.__subclasses__():
        yield cls
        yield from settings_classes(cls)


def setting_error(exc: Exception) -> str | None:
    """A bad PICSIFT_* value as one line naming the variable, never a traceback; None for any other exception."""
    if "pydantic" not in sys.modules:  # no setting was read, so none was bad (and pydantic stays unloaded)
        return None
    from pydantic import ValidationError
    from pydantic_settings import BaseSettings, SettingsError

    if isinstance(exc, SettingsError):  # a list or object setting that is not JSON
        field = re.search(r'field "(\w+)"', str(exc))
        if field is None:
            return None
        name = next((f"{cls.model_config.get('env_prefix', '')}{field[1]}".upper()
                     for cls in settings_classes(BaseSettings) if field[1] in cls.model_fields), field[1].upper())
        return f"{name}={os.environ.get(name)!r}: not JSON; expected a JSON list such as '[\"a\", \"b\"]'"
    if not isinstance(exc, ValidationError):
        return None
    prefix = next((cls.model_config.get("env_prefix", "") for cls in settings_classes(BaseSettings)
                   if cls.__name__ == exc.title), "")
    first = exc.errors()[0]
    name = (prefix + "_".join(str(part) for part in first["loc"])).upper()
    return f"{name}={first.get('input')!r}: {first['msg'].removeprefix('Value error, ')}"


def emit(data, as_json: bool, text: str | None = None) -> None:
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif text is not None:
        print(text)


def printable(text: str) -> str:
    """Text on one terminal line: newlines and other control characters escaped (names may hold them)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def fail(message: str, as_json: bool) -> int:
    print(f"picsift: {message}", file=sys.stderr)  # first: said even when stdout is a pipe already closed
    if as_json:
        print(json.dumps({"error": message}))
    return EXIT_USAGE
