#!/usr/bin/env bash
# A Python virtual environment in target/venv with exactly the packages of
# scripts/python-requirements.txt (the vendors' official SDKs for the SDK test
# tier, statsmodels for the forecast benchmark, prometheus_client for the
# CLI's Node test). Idempotent: it reinstalls only
# when the requirements file changed. Prints the interpreter's path last.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/target/venv"
REQ="$ROOT/scripts/python-requirements.txt"
stamp="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "venv: up to date" >&2
else
  echo "venv: installing the pinned Python packages in target/venv (about a minute, once)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$REQ" >&2
  echo "$want" > "$stamp"
fi
echo "$VENV/bin/python"
