#!/usr/bin/env bash
# Regenerates proto/picsift_pb2.py(i) from proto/picsift.proto with the pinned grpcio-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m grpc_tools.protoc -Iproto --python_out=proto --pyi_out=proto proto/picsift.proto
