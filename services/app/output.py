"""How commands answer: JSON for scripts, plain text for people, errors both ways."""
from __future__ import annotations

import json
import sys

from pydantic import ValidationError
from pydantic_settings import BaseSettings


class CommandError(Exception):
    """A failure to report to the user as a message, with a non-zero exit."""


class UsageError(CommandError):
    """Arguments the command does not take; reported like every other error, not as argparse's bare text."""


def settings_classes(base: type = BaseSettings):
    for cls in base.__subclasses__():
        yield cls
        yield from settings_classes(cls)


def setting_error(exc: ValidationError) -> str:
    """A bad PICSIFT_* value as one line naming the variable, never a traceback."""
    prefix = next((cls.model_config.get("env_prefix", "") for cls in settings_classes() if cls.__name__ == exc.title),
                  "")
    first = exc.errors()[0]
    name = (prefix + "_".join(str(part) for part in first["loc"])).upper()
    return f"{name}={first.get('input')!r}: {first['msg']}"


def emit(data, as_json: bool, text: str | None = None) -> None:
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif text is not None:
        print(text)


def printable(text: str) -> str:
    """Text on one terminal line: newlines and other control characters escaped (names may hold them)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def fail(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": message}))
    print(f"picsift: {message}", file=sys.stderr)
    return 2
