"""How commands answer: JSON for scripts, plain text for people, errors both ways."""
from __future__ import annotations

import json
import sys


class CommandError(Exception):
    """A failure to report to the user as a message, with a non-zero exit."""


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
