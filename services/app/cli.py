"""The `picsift` command: the entrypoint owns the process (signals, logging, exit codes)."""
from __future__ import annotations

import argparse
import os
import sys

from services.app.commands import FAMILIES
from services.app.logs import setup_logging
from services.app.output import CommandError, fail


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="picsift", description="Find photos by typing what you remember.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
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
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    try:
        return args.handler(args) or 0
    except CommandError as exc:
        return fail(str(exc), args.json)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `picsift ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
