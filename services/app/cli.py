"""The `picsift` command: the entrypoint owns the process (signals, logging, exit codes)."""
from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import PackageNotFoundError, version

from pydantic import ValidationError

from services.app.commands import FAMILIES
from services.app.logs import setup_logging
from services.app.memory import limit_malloc_arenas
from services.app.output import CommandError, UsageError, fail, setting_error


class Parser(argparse.ArgumentParser):
    """argparse that raises usage errors, so they answer in JSON too when --json was given."""

    def error(self, message: str):
        raise UsageError(f"{message} (usage: {self.format_usage().strip().removeprefix('usage: ')})")


def installed_version() -> str:
    try:
        return version("picsift")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="picsift", description="Find photos by typing what you remember.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"picsift {installed_version()}",
                        help="print the installed version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(handler=handler)
        return p

    for family in FAMILIES:
        family.register(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ banner is not for users
    limit_malloc_arenas()
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        return fail(str(exc), "--json" in argv)
    setup_logging(args.verbose)
    try:
        return args.handler(args) or 0
    except CommandError as exc:
        return fail(str(exc), args.json)
    except ValidationError as exc:
        return fail(setting_error(exc), args.json)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `picsift ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
