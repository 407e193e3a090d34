#!/usr/bin/env bash
# A new machine, reproduced on this one: a clean clone of the committed
# HEAD, an empty crate cache (CARGO_HOME) and an empty target/, with only the
# installed tools kept (rustup's toolchain, trunk and wasm-bindgen in
# ~/.cargo/bin, Chromium). In that clone it runs what a newcomer runs:
#   1. scripts/setup.sh            (downloads the crates, installs Node packages)
#   2. the lint stage of make test (fmt, licences, clippy on host and wasm32)
#   3. make run, until the app's page and its wasm are served
#   4. with --test: make test, every tier
# and prints how long each took. Exits non-zero at the first failure.
#
#   bash scripts/fresh-check.sh [--test] [--keep]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FULL=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --test) FULL=1 ;;
    --keep) KEEP=1 ;;
    *) echo "usage: scripts/fresh-check.sh [--test] [--keep]" >&2; exit 2 ;;
  esac
done

if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-check: note: uncommitted changes are not part of the check (it clones HEAD)" >&2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/usage-lens-fresh.XXXXXX")
CLONE="$WORK/usage-lens"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
SERVER_PID=""
finish() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -- -"$SERVER_PID" 2>/dev/null || kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] || [ "$KEEP" -eq 1 ]; then
    echo "fresh-check: the clone, its crate cache and the logs are kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap finish EXIT

export CARGO_HOME="$WORK/cargo-home"
mkdir -p "$CARGO_HOME"
# The tools a setup run installs stay where they are, as after setup.
export PATH="$HOME/.cargo/bin:$PATH"
unset SIM_URL USAGE_LENS_SIM_URL CARGO_TARGET_DIR

started=$(date +%s)
declare -a TIMES=()
stage() { # name command...
  local name=$1; shift
  local t0; t0=$(date +%s)
  printf '\n==> fresh-check: %s\n' "$name"
  if ! "$@" > >(tee "$LOGS/$name.log") 2>&1; then
    echo "fresh-check: $name FAILED (log: $LOGS/$name.log)" >&2
    exit 1
  fi
  TIMES+=("$name	$(( $(date +%s) - t0 )) s")
}

stage clone git clone --quiet --no-local "$ROOT" "$CLONE"
cd "$CLONE"
stage setup bash scripts/setup.sh
stage lint bash scripts/test.sh lint

# make run: wait until the page is served and the wasm it loads is there.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
t0=$(date +%s)
printf '\n==> fresh-check: make run (port %s)\n' "$port"
set -m
TRUNK_SERVE_PORT=$port make run >"$LOGS/run.log" 2>&1 &
SERVER_PID=$!
set +m
served=""
for _ in $(seq 1 1800); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  page=$(curl -sf "http://127.0.0.1:$port/" 2>/dev/null || true)
  wasm=$(printf '%s' "$page" | grep -o '[A-Za-z0-9_./-]*_bg\.wasm' | head -1 || true)
  if [ -n "$wasm" ]; then
    type=$(curl -sf -o /dev/null -w '%{http_code} %{content_type} %{size_download}' "http://127.0.0.1:$port/${wasm#/}" || true)
    if [[ "$type" == "200 application/wasm"* ]]; then served="$wasm ($type bytes)"; break; fi
  fi
  sleep 1
done
if [ -z "$served" ]; then
  tail -30 "$LOGS/run.log" >&2
  echo "fresh-check: make run never served the app's page with its wasm (log: $LOGS/run.log)" >&2
  exit 1
fi
TIMES+=("make run, first page	$(( $(date +%s) - t0 )) s")
echo "make run serves http://127.0.0.1:$port/ and $served"
kill -- -"$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

if [ "$FULL" -eq 1 ]; then
  stage "make test" make test
fi

echo
echo "fresh-check passed in $(( $(date +%s) - started )) s (empty crate cache, clean clone of $(git -C "$ROOT" rev-parse --short HEAD))"
printf '  %s\n' "${TIMES[@]}"
