"""`picsift models`: build the vision models from package weights (and the rest `prepare` makes), or list them."""
from __future__ import annotations

import sys

import click

from services.app.output import EXIT_DONE, emit, json_option


@click.command("models", short_help="Build the vision models and WordNet table from packages, or list them.")
@click.argument("action", type=click.Choice(("build", "list")))
@json_option
def cmd_models(action: str, as_json: bool) -> int:
    """Build the vision models from package weights (also the WordNet table and the gallery's vendored npm
    libraries), or list those built."""
    from services.app.prepare import steps
    from services.semantic.settings import SemanticSettings
    from services.semantic.wordnet_table import default_table_dir, table_path
    from services.vision.build import read_manifest
    from services.vision.settings import VisionSettings

    models_dir = VisionSettings().models_dir
    if action == "build":
        progress = (lambda line: print(line, file=sys.stderr)) if as_json else print
        for name, step in steps(progress):
            progress(f"prepare: {name}")
            step()
    manifest = read_manifest(models_dir)
    wordnet = table_path(SemanticSettings().wordnet_dir or default_table_dir())
    items = [{"name": m["name"], "version": m["version"], "task": m["task"], "source": m["source"],
              "licence": m["licence"], "onnx": m.get("onnx", {}).get("path")} for m in manifest["models"].values()]
    emit({"models_dir": str(models_dir), "models": items, "wordnet": str(wordnet) if wordnet.exists() else None},
         as_json,
         "\n".join(f"{m['name']} v{m['version']} ({m['task']}): {m['source']}" for m in items)
         or f"no models in {models_dir}: run `picsift models build`")
    return EXIT_DONE


COMMANDS = (cmd_models,)
