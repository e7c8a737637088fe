"""`picsift models`: build the vision models from package weights (and the rest `prepare` makes), or list them."""
from __future__ import annotations

import sys

from services.app.output import emit


def register(command) -> None:
    models = command("models", "build or list the vision models (build also makes the WordNet table and vendors "
                               "the gallery's npm libraries)", cmd_models)
    models.add_argument("action", choices=("build", "list"))


def cmd_models(args) -> int:
    from services.app.prepare import steps
    from services.semantic.settings import SemanticSettings
    from services.semantic.wordnet_table import default_table_dir, table_path
    from services.vision.build import read_manifest
    from services.vision.settings import VisionSettings

    models_dir = VisionSettings().models_dir
    if args.action == "build":
        progress = (lambda line: print(line, file=sys.stderr)) if args.json else print
        for name, step in steps(progress):
            progress(f"prepare: {name}")
            step()
    manifest = read_manifest(models_dir)
    wordnet = table_path(SemanticSettings().wordnet_dir or default_table_dir())
    items = [{"name": m["name"], "version": m["version"], "task": m["task"], "source": m["source"],
              "licence": m["licence"], "onnx": m.get("onnx", {}).get("path")} for m in manifest["models"].values()]
    emit({"models_dir": str(models_dir), "models": items, "wordnet": str(wordnet) if wordnet.exists() else None},
         args.json,
         "\n".join(f"{m['name']} v{m['version']} ({m['task']}): {m['source']}" for m in items)
         or f"no models in {models_dir}: run `picsift models build`")
    return 0
