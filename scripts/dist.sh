#!/usr/bin/env bash
# The release build of the app in dist/, with its Content-Security-Policy.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/www/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release 2>&1 | tail -2
python3 scripts/csp.py dist/index.html
