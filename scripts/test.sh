#!/usr/bin/env bash
# Set up (idempotent), check the architecture's import rules, and run every test layer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/lint-imports --no-cache
exec .venv/bin/pytest "$@"
