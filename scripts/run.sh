#!/usr/bin/env bash
# Set up (idempotent) and run picsift in one process on the embedded defaults over a media folder.
# Without a folder it uses the sample photos beside the clone, else the sample images packages ship.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --runtime
media=${1:-}
if [ -z "$media" ]; then
  media=../shared/testdata/exif-samples
  [ -d "$media" ] || media=$(.venv/bin/python -m services.app.sample_media)
fi
shift || true
exec .venv/bin/picsift up --media "$media" "$@"
