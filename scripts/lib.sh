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

# Starts the simulator server once; exports SIM_URL and USAGE_LENS_SIM_URL.
start_sim() {
  [ -n "${SIM_URL:-}" ] && return 0
  cargo build --quiet --features sim-server --bin sim-server
  rm -f "$LOGDIR/sim.out"
  "$ROOT/target/debug/sim-server" --port 0 --exec-ms 400 --verbose >"$LOGDIR/sim.out" 2>"$LOGDIR/sim.err" &
  PIDS+=($!)
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

# Builds pkg/ and installs the packed tarball in www/ like a user would.
install_pkg() {
  bash "$ROOT/scripts/pkg.sh"
  (cd "$ROOT/pkg" && npm pack --silent --pack-destination "$LOGDIR" >/dev/null)
  local tarball; tarball=$(ls -t "$LOGDIR"/usage-lens-*.tgz | head -1)
  rm -rf "$ROOT/www/node_modules/usage-lens"
  (cd "$ROOT/www" && npm install --no-save --no-audit --no-fund --loglevel=error "$tarball")
  # npm may rewrite node_modules; keep setup's stamp fresh so the next run skips npm ci.
  touch "$ROOT/www/node_modules/.setup-stamp"
}
