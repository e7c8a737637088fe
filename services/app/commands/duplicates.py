"""`picsift duplicates`: groups of near-copies, the best of each marked; the logic lives in services/duplicates."""
from __future__ import annotations

from services.app.commands.library import user_roots
from services.app.output import emit, printable
from services.app.wiring import open_store
from services.duplicates.service import groups, open_book
from services.pipeline.settings import PipelineSettings


def register(command) -> None:
    duplicates = command("duplicates", "groups of near-copies (resized, re-encoded, cropped, turned), best first",
                         cmd_duplicates)
    duplicates.add_argument("--user", help="as this gateway user: her photos only (default: the whole library)")


def cmd_duplicates(args) -> int:
    settings = PipelineSettings()
    roots = user_roots(args.user, settings) if args.user else None
    store, book = open_store(), open_book(settings.data_dir)
    try:
        result = groups(book, store, roots)
    finally:
        book.close()
        store.close()
    emit(result, args.json, "\n\n".join(
        "\n".join(f"{'*' if p['best'] else ' '} {p['width']}x{p['height']} q{p['quality']}  {printable(p['path'])}"
                  for p in group["photos"]) for group in result["groups"]) or "no near-copies")
    return 0
