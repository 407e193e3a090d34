# Shared by scripts/test.sh and scripts/bench.sh: the simulator server,
# static file servers on free loopback ports, and the packed npm package
# installed in www/. Every process started here is stopped on exit.

LOGDIR="${LOGDIR:-$ROOT/target/test-logs}"
mkdir -p "$LOGDIR"
PIDS=()
cleanup_servers() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  PIDS=()
}
trap cleanup_servers EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts a simulator server of our own (stopping the one this script started
# before, if any), so every stage begins with fresh state and never tests
# against whatever else listens somewhere; exports SIM_URL and
# USAGE_LENS_SIM_URL.
SIM_PID=""
start_sim() {
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  unset SIM_URL USAGE_LENS_SIM_URL
  cargo build --quiet --features sim-server --bin sim-server
  rm -f "$LOGDIR/sim.out"
  "$ROOT/target/debug/sim-server" --port 0 --exec-ms 400 --verbose >"$LOGDIR/sim.out" 2>"$LOGDIR/sim.err" &
  SIM_PID=$!
  PIDS+=($SIM_PID)
  for _ in $(seq 1 100); do
    grep -q 'listening on' "$LOGDIR/sim.out" 2>/dev/null && break
    sleep 0.1
  done
  SIM_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$LOGDIR/sim.out" | head -1)
  if [ -z "$SIM_URL" ]; then echo "the simulator server did not start" >&2; cat "$LOGDIR/sim.err" >&2; exit 1; fi
  export SIM_URL USAGE_LENS_SIM_URL="$SIM_URL"
  echo "simulator server: $SIM_URL"
}

# Serves a directory on a free loopback port and sets the variable named
# by $3 to its URL (not echoed: a command substitution would lose the PID).
serve_dir() { # dir name var
  local port; port=$(free_port)
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$1" >"$LOGDIR/static-$2.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
  printf -v "$3" 'http://127.0.0.1:%s/' "$port"
  export "${3?}"
}

# Builds pkg/ and installs the packed tarball in www/ like a user would
# (once per script run).
PKG_INSTALLED=""
install_pkg() {
  [ -n "$PKG_INSTALLED" ] && return 0
  bash "$ROOT/scripts/pkg.sh"
  (cd "$ROOT/pkg" && npm pack --silent --pack-destination "$LOGDIR" >/dev/null)
  local tarball; tarball=$(ls -t "$LOGDIR"/usage-lens-*.tgz | head -1)
  rm -rf "$ROOT/www/node_modules/usage-lens"
  (cd "$ROOT/www" && npm install --no-save --no-audit --no-fund --loglevel=error "$tarball")
  # npm may rewrite node_modules; keep setup's stamp fresh so the next run skips npm ci.
  touch "$ROOT/www/node_modules/.setup-stamp"
  PKG_INSTALLED=1
}

# The packed package bundled by esbuild from a bare `usage-lens` import,
# for the example pages (built from the installed package).
bundle_example() {
  install_pkg
  rm -rf "$ROOT/www/example/bundle"
  (cd "$ROOT/www" && esbuild example/bundled.js --bundle --format=esm --target=es2022 --outdir=example/bundle --log-level=warning)
  cp "$ROOT/www/node_modules/usage-lens/usage_lens_bg.wasm" "$ROOT/www/example/bundle/"
}

# Runs each Node test file in its own process with its own log, so that
# every file is counted: a file that runs no test fails the stage.
node_files() { # label dir
  local label=$1 dir=$2 logs=() f log rc=0
  for f in "$ROOT/www/$dir"/*.test.mjs; do
    log="$LOGDIR/$label-$(basename "$f" .test.mjs).log"
    (cd "$ROOT/www" && node --test "$dir/$(basename "$f")" 2>&1) | tee "$log" || rc=1
    logs+=("$log")
  done
  python3 "$ROOT/scripts/count_tests.py" node "$label" "${logs[@]}" || rc=1
  return $rc
}
