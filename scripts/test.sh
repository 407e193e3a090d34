#!/usr/bin/env bash
# Every test tier of usage-lens, in order. Fails if any tier fails or runs
# no test. With an argument, runs only the named stages:
#   lint native sdk browser node prometheus e2e firefox webkit
# and, for `make fuzz` only, cli-fuzz (the CLI's parsers at length).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/www/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
STAGES=${*:-lint native sdk browser node prometheus e2e firefox webkit}
LOGDIR="$ROOT/target/test-logs"
mkdir -p "$LOGDIR"

step() { printf '\n==> %s\n' "$*"; }
want() { [[ " $STAGES " == *" $1 "* ]]; }

# Every test binary in the log must have run at least one test, all passed.
cargo_count() { # log label
  python3 "$ROOT/scripts/count_tests.py" cargo "$2" "$1"
}

# Servers (simulator, static files) and the package install are shared with
# scripts/bench.sh; everything they start is stopped on exit, also on failure.
source "$ROOT/scripts/lib.sh"
# A simulator URL from the environment is never used: stages start their own.
unset SIM_URL USAGE_LENS_SIM_URL


# ---------------------------------------------------------------- lint
if want lint; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
  step "the README's fault table names tests that exist"
  python3 scripts/readme_tests.py
  python3 scripts/count_tests.py selftest # a skipped test fails a run unless tests/skipped.txt names it
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

# ---------------------------------------------------------------- the vendors' SDKs
if want sdk; then
  step "the vendors' Python SDKs against the simulator server (tests/sdk)"
  SDK_PY=$(bash "$ROOT/scripts/venv.sh" | tail -1)
  start_sim
  if ! "$SDK_PY" "$ROOT/tests/sdk/run.py" 2>&1 | tee "$LOGDIR/sdk.log"; then
    echo "sdk: tests failed (see $LOGDIR/sdk.log)" >&2; exit 1
  fi
  n=$(grep -Eo '^sdk: [0-9]+ passed' "$LOGDIR/sdk.log" | tail -1 | awk '{print $2}')
  if [ "${n:-0}" -eq 0 ]; then echo "sdk: no test ran" >&2; exit 1; fi
  echo "sdk: $n passed"
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
  # The CLI test reads `--format prometheus` with prometheus_client's own parser.
  USAGE_LENS_PYTHON=$(bash "$ROOT/scripts/venv.sh" | tail -1)
  export USAGE_LENS_PYTHON
  step "Node tests of the package (library, analysis, the usage-lens CLI)"
  node_files node test
  step "bundler check (esbuild bundles a bare usage-lens import)"
  bundle_example
fi

# ---------------------------------------------------------------- the systems that consume us
if want prometheus; then
  step "promtool: the shipped scrape config and alert rules, and the rules' unit tests"
  promtool check config monitoring/prometheus.yml
  promtool test rules monitoring/alerts.test.yml
  start_sim
  install_pkg
  step "promtool check metrics on usage-lens check --format prometheus"
  rc=0
  USAGE_LENS_GENESYS_TOKEN=promtool-gc-token USAGE_LENS_GENESYS_BASE_URL="$SIM_URL/_s/id=promtool;exec=50" \
    USAGE_LENS_TE_TOKEN=promtool-te-token USAGE_LENS_TE_BASE_URL="$SIM_URL/_s/id=promtool" \
    usage-lens check --allowance 1000000 --format prometheus >"$LOGDIR/check.prom" || rc=$?
  if [ "$rc" -gt 1 ]; then echo "usage-lens check failed ($rc)" >&2; exit 1; fi
  promtool check metrics <"$LOGDIR/check.prom"
  step "a real Prometheus scrapes usage-lens serve (two organizations) with the shipped rules and dashboard"
  (cd www && SIM_SERVER="$ROOT/target/debug/sim-server" node test/prometheus.stage.mjs) 2>&1 | tee "$LOGDIR/prometheus.log"
  grep -q '^prometheus stage .*: passed' "$LOGDIR/prometheus.log" || { echo "prometheus: the stage did not pass" >&2; exit 1; }
fi

# ---------------------------------------------------------------- end to end
if want e2e; then
  start_sim
  step "end to end (Playwright + Chromium against the release build)"
  bash scripts/dist.sh
  python3 scripts/size_budget.py dist
  # The npm example pages use the packed package and its bundle.
  [ -d www/example/bundle ] && [ -n "$PKG_INSTALLED" ] || bundle_example
  serve_dir "$ROOT/dist" dist APP_URL
  serve_dir "$ROOT/www" www WWW_URL
  mkdir -p "$ROOT/target/screenshots"
  node_files e2e e2e
fi

# ---------------------------------------------------------------- Firefox and WebKit
# The browser suites and an end-to-end smoke in the two other engines. The
# suites run through wasm-bindgen-test-runner, which picks its driver from
# GECKODRIVER or SAFARIDRIVER (WebKitWebDriver speaks the same W3C protocol
# and opens MiniBrowser); the smoke (www/e2e-engines/) drives the release
# build with plain WebDriver calls. MiniBrowser needs a display: the webkit
# stage starts its own Xvfb on a free display, stopped with the servers.
start_display() {
  [ -n "${ENGINE_DISPLAY:-}" ] && return 0
  rm -f "$LOGDIR/xvfb.display"
  Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$LOGDIR/xvfb.display" 2>"$LOGDIR/xvfb.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do [ -s "$LOGDIR/xvfb.display" ] && break; sleep 0.1; done
  ENGINE_DISPLAY=":$(tr -dc 0-9 <"$LOGDIR/xvfb.display")"
  if [ "$ENGINE_DISPLAY" = ":" ]; then echo "Xvfb did not start" >&2; cat "$LOGDIR/xvfb.log" >&2; exit 1; fi
  echo "Xvfb: display $ENGINE_DISPLAY"
}

engine_suites() { # engine: tests/browser.rs, browser_faults.rs and app_dom.rs
  local engine=$1
  (
    unset CHROMEDRIVER GECKODRIVER SAFARIDRIVER
    if [ "$engine" = firefox ]; then export GECKODRIVER; GECKODRIVER=$(command -v geckodriver); fi
    if [ "$engine" = webkit ]; then export SAFARIDRIVER DISPLAY="$ENGINE_DISPLAY"; SAFARIDRIVER=$(command -v WebKitWebDriver); fi
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
    export WASM_BINDGEN_TEST_TIMEOUT=180
    cargo test --target wasm32-unknown-unknown --features js --test browser --test browser_faults 2>&1 | tee "$LOGDIR/$engine-browser.log"
    cargo test --target wasm32-unknown-unknown --features app --test app_dom 2>&1 | tee "$LOGDIR/$engine-app_dom.log"
  )
  cargo_count "$LOGDIR/$engine-browser.log" "$engine (library)"
  cargo_count "$LOGDIR/$engine-app_dom.log" "$engine (app components)"
}

ENGINE_APP_URL=""
engine_smoke() { # engine: the end-to-end smoke against dist/
  local engine=$1
  if [ -z "$ENGINE_APP_URL" ]; then
    # The e2e stage of this run has built dist/ already.
    want e2e || { bash scripts/dist.sh; python3 scripts/size_budget.py dist; }
    serve_dir "$ROOT/dist" dist-engines ENGINE_APP_URL
  fi
  mkdir -p "$ROOT/target/screenshots"
  (
    export ENGINE=$engine APP_URL=$ENGINE_APP_URL
    [ "$engine" = webkit ] && export DISPLAY="$ENGINE_DISPLAY"
    node_files "$engine" e2e-engines
  )
}

for engine in firefox webkit; do
  if want "$engine"; then
    started=$SECONDS
    start_sim
    [ "$engine" = webkit ] && start_display
    step "browser tests (wasm-bindgen-test in $engine)"
    engine_suites "$engine"
    step "end to end in $engine (WebDriver against the release build)"
    engine_smoke "$engine"
    echo "$engine: $((SECONDS - started)) s"
  fi
done

# ---------------------------------------------------------------- the CLI's parsers, at length
# The node stage runs the same file with 1,000 cases a property.
if want cli-fuzz; then
  install_pkg
  step "the CLI's argument and config parsing, ${CLI_FUZZ_CASES:=20000} cases a property"
  (cd www && CLI_FUZZ_CASES=$CLI_FUZZ_CASES node --test test/cli-fuzz.test.mjs) 2>&1 | tee "$LOGDIR/cli-fuzz.log"
  python3 "$ROOT/scripts/count_tests.py" node cli-fuzz "$LOGDIR/cli-fuzz.log"
fi

echo
echo "all requested stages passed: $STAGES"
