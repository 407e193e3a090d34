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

# Servers (simulator, static files) and the package install are shared with
# scripts/bench.sh; everything they start is stopped on exit, also on failure.
source "$ROOT/scripts/lib.sh"

# Reads node --test's summary: fails on zero passed or any failure.
node_count() { # log label
  local n
  n=$(grep -Eo '^# pass [0-9]+' "$1" | awk '{print $3}')
  if [ "${n:-0}" -eq 0 ]; then echo "$2: no test ran" >&2; exit 1; fi
  if grep -Eq '^# fail [1-9]' "$1"; then echo "$2: tests failed" >&2; exit 1; fi
  echo "$2: $n passed"
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
  install_pkg
  python3 scripts/size_budget.py pkg
  step "TypeScript consumer (tsc --noEmit, with lines that must not compile)"
  (cd www && tsc -p tsconfig.json)
  step "TypeScript consumer with ordinary settings (lib ES2022 + DOM, strict, skipLibCheck false)"
  (cd www && tsc -p tsconfig.es2022.json)
  step "Node tests of the package"
  (cd www && node --test test/ 2>&1) | tee "$LOGDIR/node.log"
  node_count "$LOGDIR/node.log" "node"
  step "bundler check (esbuild bundles a bare usage-lens import)"
  rm -rf www/example/bundle
  (cd www && esbuild example/bundled.js --bundle --format=esm --target=es2022 --outdir=example/bundle --log-level=warning)
  cp www/node_modules/usage-lens/usage_lens_bg.wasm www/example/bundle/
fi

# ---------------------------------------------------------------- end to end
if want e2e; then
  start_sim
  step "end to end (Playwright + Chromium against the release build)"
  bash scripts/dist.sh
  python3 scripts/size_budget.py dist
  serve_dir "$ROOT/dist" dist APP_URL
  serve_dir "$ROOT/www" www WWW_URL
  mkdir -p "$ROOT/target/screenshots"
  (cd www && node --test e2e/ 2>&1) | tee "$LOGDIR/e2e.log"
  node_count "$LOGDIR/e2e.log" "e2e"
fi

echo
echo "all requested stages passed: $STAGES"
