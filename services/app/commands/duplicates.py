"""`picsift duplicates`: groups of near-copies, the best of each marked; the logic lives in services/duplicates."""
from __future__ import annotations

import click

from services.app.commands.library import USER_HELP, user_roots
from services.app.output import EXIT_DONE, emit, json_option, printable


@click.command("duplicates", short_help="Groups of near-copies, the best of each first.")
@click.option("--user", help=USER_HELP)
@json_option
def cmd_duplicates(user: str | None, as_json: bool) -> int:
    """Groups of near-copies (resized, re-encoded, cropped, turned), the best of each first and marked '*'."""
    from services.app.wiring import open_store
    from services.duplicates.service import groups, open_book
    from services.pipeline.settings import PipelineSettings

    settings = PipelineSettings()
    roots = user_roots(user, settings) if user else None
    store, book = open_store(), open_book(settings.data_dir)
    try:
        result = groups(book, store, roots)
    finally:
        book.close()
        store.close()
    emit(result, as_json, "\n\n".join(
        "\n".join(f"{'*' if p['best'] else ' '} {p['width']}x{p['height']} q{p['quality']}  {printable(p['path'])}"
                  for p in group["photos"]) for group in result["groups"]) or "no near-copies")
    return EXIT_DONE


COMMANDS = (cmd_duplicates,)
