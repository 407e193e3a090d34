#!/usr/bin/env bash
# Every test tier of usage-lens, in order. Fails if any tier fails or runs
# no test. With an argument, runs only the named stages:
#   lint native browser node e2e
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/www/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
STAGES=${*:-lint native browser node e2e}
LOGDIR="$ROOT/target/test-logs"
mkdir -p "$LOGDIR"

step() { printf '\n==> %s\n' "$*"; }
want() { [[ " $STAGES " == *" $1 "* ]]; }

# Sums the "N passed" of cargo's result lines and fails on zero.
cargo_count() { # log label
  local n
  n=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$1" | awk '{s+=$4} END {print s+0}')
  if [ "$n" -eq 0 ]; then echo "$2: no test ran" >&2; exit 1; fi
  echo "$2: $n passed"
}

# ---------------------------------------------------------------- the simulator server
SIM_PID=""
stop_sim() {
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  SIM_PID=""
}
STATIC_PID=""
stop_static() {
  if [ -n "$STATIC_PID" ] && kill -0 "$STATIC_PID" 2>/dev/null; then
    kill "$STATIC_PID" 2>/dev/null || true
    wait "$STATIC_PID" 2>/dev/null || true
  fi
  STATIC_PID=""
}
WWW_PID=""
stop_www() {
  if [ -n "$WWW_PID" ] && kill -0 "$WWW_PID" 2>/dev/null; then kill "$WWW_PID" 2>/dev/null || true; wait "$WWW_PID" 2>/dev/null || true; fi
}
trap 'stop_sim; stop_static; stop_www' EXIT INT TERM

start_sim() {
  [ -n "$SIM_PID" ] && return 0
  cargo build --quiet --features sim-server --bin sim-server
  local fifo="$LOGDIR/sim.out"
  rm -f "$fifo"
  "$ROOT/target/debug/sim-server" --port 0 --exec-ms 400 >"$fifo" 2>"$LOGDIR/sim.err" &
  SIM_PID=$!
  for _ in $(seq 1 100); do
    if grep -q 'listening on' "$fifo" 2>/dev/null; then break; fi
    sleep 0.1
  done
  SIM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$fifo" | head -1)
  if [ -z "$SIM_URL" ]; then echo "the simulator server did not start" >&2; cat "$LOGDIR/sim.err" >&2; exit 1; fi
  export SIM_URL USAGE_LENS_SIM_URL="$SIM_URL"
  echo "simulator server: $SIM_URL"
}

# ---------------------------------------------------------------- lint
if want lint; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
  step "dependency licences"
  python3 scripts/licenses.py
  step "clippy (host: default, sim-server)"
  cargo clippy --quiet --all-targets -- -D warnings
  cargo clippy --quiet --all-targets --features sim-server -- -D warnings
  step "clippy (wasm32: default, js, app)"
  cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings
  cargo clippy --quiet --lib --tests --target wasm32-unknown-unknown --features js -- -D warnings
  cargo clippy --quiet --bin usage-lens --target wasm32-unknown-unknown --features app -- -D warnings
fi

# ---------------------------------------------------------------- native
if want native; then
  step "native tests (cargo test)"
  cargo test --features sim-server 2>&1 | tee "$LOGDIR/native.log"
  cargo_count "$LOGDIR/native.log" "native"
fi

# ---------------------------------------------------------------- real browser
if want browser; then
  start_sim
  step "browser tests (wasm-bindgen-test in headless Chromium)"
  export CHROMEDRIVER=/usr/bin/chromedriver
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  export WASM_BINDGEN_TEST_TIMEOUT=180
  cargo test --target wasm32-unknown-unknown --features js --test browser --test browser_faults 2>&1 | tee "$LOGDIR/browser.log"
  cargo test --target wasm32-unknown-unknown --features app --test app_dom 2>&1 | tee "$LOGDIR/app_dom.log"
  cargo_count "$LOGDIR/browser.log" "browser (library)"
  cargo_count "$LOGDIR/app_dom.log" "browser (app components)"
fi

# ---------------------------------------------------------------- the npm package in Node
if want node; then
  start_sim
  step "npm package (make pkg) installed and called from Node"
  bash scripts/pkg.sh
  (cd pkg && npm pack --silent --pack-destination "$LOGDIR" >/dev/null)
  tarball=$(ls -t "$LOGDIR"/usage-lens-*.tgz | head -1)
  rm -rf "$ROOT/www/node_modules/usage-lens"
  (cd www && npm install --no-save --no-audit --no-fund --loglevel=error "$tarball")
  # npm may rewrite node_modules; keep setup's stamp fresh so the next run skips npm ci.
  touch "$ROOT/www/node_modules/.setup-stamp"
  step "TypeScript consumer (tsc --noEmit, with lines that must not compile)"
  (cd www && tsc -p tsconfig.json)
  step "Node tests of the package"
  (cd www && node --test test/ 2>&1) | tee "$LOGDIR/node.log"
  n=$(grep -Eo '^# pass [0-9]+' "$LOGDIR/node.log" | awk '{print $3}')
  if [ "${n:-0}" -eq 0 ]; then echo "node: no test ran" >&2; exit 1; fi
  if grep -Eq '^# fail [1-9]' "$LOGDIR/node.log"; then exit 1; fi
  step "bundler check (esbuild bundles a bare usage-lens import)"
  rm -rf www/example/bundle
  (cd www && esbuild example/bundled.js --bundle --format=esm --target=es2022 --outdir=example/bundle --log-level=warning)
  cp www/node_modules/usage-lens/usage_lens_bg.wasm www/example/bundle/
fi

# ---------------------------------------------------------------- end to end
if want e2e; then
  start_sim
  step "end to end (Playwright + Chromium against the release build)"
  trunk build --release 2>&1 | tail -3
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$ROOT/dist" >"$LOGDIR/static.log" 2>&1 &
  STATIC_PID=$!
  export APP_URL="http://127.0.0.1:$port/"
  wport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 -m http.server "$wport" --bind 127.0.0.1 --directory "$ROOT/www" >"$LOGDIR/static-www.log" 2>&1 &
  WWW_PID=$!
  export WWW_URL="http://127.0.0.1:$wport/"
  for _ in $(seq 1 50); do curl -sf "$APP_URL" >/dev/null && break; sleep 0.1; done
  mkdir -p "$ROOT/target/screenshots"
  (cd www && node --test e2e/ 2>&1) | tee "$LOGDIR/e2e.log"
  n=$(grep -Eo '^# pass [0-9]+' "$LOGDIR/e2e.log" | awk '{print $3}')
  if [ "${n:-0}" -eq 0 ]; then echo "e2e: no test ran" >&2; exit 1; fi
  if grep -Eq '^# fail [1-9]' "$LOGDIR/e2e.log"; then exit 1; fi
fi

echo
echo "all requested stages passed: $STAGES"
