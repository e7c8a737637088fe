"""The `picsift` command: the entrypoint owns the process (signals, logging, exit codes).

Heavy libraries (TensorFlow, aiohttp, numpy, pydantic) load inside the command that needs them, so `--help`,
`--version` and usage errors answer at once.
"""
from __future__ import annotations

import os
import sys

import click

from services.app.commands import FAMILIES
from services.app.memory import limit_malloc_arenas
from services.app.output import EXIT_USAGE, CommandError, fail, setting_error

EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE: what a shell reports for them
DASH_HINT = "a query word or path that starts with '-' goes after '--', e.g. picsift search -- -dog"


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("picsift")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"picsift {installed_version()}")
        ctx.exit()


@click.group(name="picsift", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages (JSON lines when stderr is not a terminal).")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=print_version,
              help="Print the installed version and exit.")
def picsift(verbose: bool) -> None:
    """Find photos by typing what you remember.

    Exit codes: 0 all done, 1 some files failed, 2 usage or configuration error.
    """
    from services.app.logs import setup_logging

    setup_logging(verbose)


for family in FAMILIES:
    for command in family.COMMANDS:
        picsift.add_command(command)


def usage_message(exc: click.UsageError) -> str:
    """Click's message on one line, with the usage of the command it concerns (and how to pass a leading '-')."""
    message = exc.format_message()
    if isinstance(exc, click.NoSuchOption) and not exc.option_name.startswith("--"):
        message += f" ({DASH_HINT})"
    if exc.ctx is not None:
        message += f" (usage: {exc.ctx.get_usage().removeprefix('Usage: ')})"
    return message


def wants_json(argv: list[str]) -> bool:
    """--json among the options (a `--json` after `--` is a query or a path)."""
    return "--json" in (argv[:argv.index("--")] if "--" in argv else argv)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ banner is not for users
    limit_malloc_arenas()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        code = run(argv, wants_json(argv))
        sys.stdout.flush()  # a reader gone away (`| head`) is seen here, not at exit as a traceback
        return code
    except BrokenPipeError:  # the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def run(argv: list[str], as_json: bool) -> int:
    """Parse and run one command; every error is one line (and JSON with --json), never a traceback."""
    try:
        with picsift.make_context("picsift", argv) as ctx:
            return picsift.invoke(ctx) or 0
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:  # `picsift` or `picsift users` alone: what it takes
        click.echo(exc.format_message(), err=True)
        return EXIT_USAGE
    except click.UsageError as exc:
        return fail(usage_message(exc), as_json)
    except click.ClickException as exc:
        return fail(exc.format_message(), as_json)
    except CommandError as exc:
        return fail(str(exc), as_json)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        message = setting_error(exc)
        if message is None:
            raise
        return fail(message, as_json)


if __name__ == "__main__":
    sys.exit(main())
