"""`picsift models`: build the vision models from package weights, or list them."""
from __future__ import annotations

import sys

from services.app.output import emit


def register(command) -> None:
    models = command("models", "build or list the vision models (build also vendors the gallery's npm libraries)", cmd_models)
    models.add_argument("action", choices=("build", "list"))


def cmd_models(args) -> int:
    from services.gateway.settings import GatewaySettings
    from services.gateway.vendor import build_assets
    from services.vision.build import build_models, read_manifest
    from services.vision.settings import VisionSettings

    models_dir = VisionSettings().models_dir
    if args.action == "build":
        progress = (lambda line: print(line, file=sys.stderr)) if args.json else print
        manifest = build_models(models_dir, progress=progress)
        build_assets(GatewaySettings().assets_dir, progress=progress)
    else:
        manifest = read_manifest(models_dir)
    items = [{"name": m["name"], "version": m["version"], "task": m["task"], "source": m["source"],
              "licence": m["licence"]} for m in manifest["models"].values()]
    emit({"models_dir": str(models_dir), "models": items}, args.json,
         "\n".join(f"{m['name']} v{m['version']} ({m['task']}): {m['source']}" for m in items)
         or f"no models in {models_dir}: run `picsift models build`")
    return 0
