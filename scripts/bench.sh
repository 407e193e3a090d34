#!/usr/bin/env bash
# Benchmarks that print numbers. Sizes are measured on the real build
# outputs; the Genesys browser SDK is fetched from npm for comparison.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/www/node_modules/.bin:$HOME/.cargo/bin:$PATH"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"
LOGDIR="$OUT/logs"
source "$ROOT/scripts/lib.sh"

gz() { gzip -9 -c "$1" | wc -c; }

# Every section adds its headline rows to one summary table, printed last.
export BENCH_SUMMARY="$OUT/summary.tsv"
# The rows the summary must have; `make bench` fails when one is missing.
BENCH_ROWS="1 2 3 4 5 6 7 8 9 10 11 12"
: > "$BENCH_SUMMARY"
summary_row() { # row measure value reference ratio target met
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$BENCH_SUMMARY"
}
ratio() { python3 -c "print(f'{$1/$2:.2f}×')"; }

# The forecast backtest: our forecast, seasonal naive and the old linear trend
# (benches/forecast.rs) and statsmodels' Holt-Winters (scripts/forecast_reference.py,
# in the pinned venv) on the same series and origins, scored by
# scripts/forecast_table.py. Any figure that cannot be measured stops the bench.
forecast_section() {
  local py
  py=$(bash scripts/venv.sh)
  rm -f "$OUT"/forecast-*.json "$OUT/forecast-summary.tsv"
  cargo bench --quiet --bench forecast
  "$py" scripts/forecast_reference.py
  "$py" scripts/forecast_table.py
  while IFS=$'\t' read -r row measure value reference r target met; do
    summary_row "$row" "$measure" "$value" "$reference" "$r" "$target" "$met"
  done < "$OUT/forecast-summary.tsv"
  echo
}

# Every row must have been measured: a section that printed nothing fails.
check_rows() { # row...
  local missing="" row
  for row in "$@"; do
    cut -f1 "$BENCH_SUMMARY" | grep -qx "$row" || missing="$missing $row"
  done
  if [ -n "$missing" ]; then
    echo "bench: rows not measured:$missing" >&2
    exit 1
  fi
}

print_summary() {
  echo
  echo "## Summary (one run; each figure next to its reference)"
  echo "| # | measure | usage-lens | reference | ratio | target | met |"
  echo "|---|---|---|---|---|---|---|"
  sort -s -t$'\t' -k1,1n "$BENCH_SUMMARY" | while IFS=$'\t' read -r row measure value reference r target met; do
    echo "| $row | $measure | $value | $reference | $r | ${target:-(reported)} | ${met:-} |"
  done
}

case "${1:-}" in
  "") ;;
  forecast) # only the forecast backtest: bash scripts/bench.sh forecast
    echo "# usage-lens forecast backtest ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    forecast_section
    check_rows 9
    print_summary
    exit 0 ;;
  *) echo "usage: bash scripts/bench.sh [forecast]" >&2; exit 2 ;;
esac

echo "# usage-lens benchmarks ($(date -u +%Y-%m-%dT%H:%MZ))"
echo
cargo bench --quiet --bench engine
forecast_section

echo "## Package size (make pkg) vs the Genesys browser SDK"
install_pkg >/dev/null
wasm_raw=$(wc -c < pkg/usage_lens_bg.wasm); wasm_gz=$(gz pkg/usage_lens_bg.wasm)
js_raw=$(wc -c < pkg/usage_lens.js); js_gz=$(gz pkg/usage_lens.js)
ours_gz=$((wasm_gz + js_gz))
sdk_dir="$OUT/genesys-sdk"
if [ ! -d "$sdk_dir/package" ]; then
  rm -rf "$sdk_dir"; mkdir -p "$sdk_dir"
  if ! (cd "$sdk_dir" && npm pack --silent purecloud-platform-client-v2 >/dev/null && tar xzf purecloud-platform-client-v2-*.tgz); then
    echo "bench: could not fetch the Genesys SDK from npm, so row 1 cannot be measured" >&2
    exit 1
  fi
fi
sdk_file=""; sdk_gz=0
if [ -d "$sdk_dir/package" ]; then
  # The smallest minified browser bundle the SDK ships.
  while IFS= read -r f; do
    s=$(gz "$f")
    if [ "$sdk_gz" -eq 0 ] || [ "$s" -lt "$sdk_gz" ]; then sdk_gz=$s; sdk_file=$f; fi
  done < <(find "$sdk_dir/package" -name '*.min.js' -path '*web*')
fi
echo "| file | raw bytes | gzip bytes |"
echo "|---|---|---|"
echo "| pkg/usage_lens_bg.wasm | $wasm_raw | $wasm_gz |"
echo "| pkg/usage_lens.js | $js_raw | $js_gz |"
echo "| usage-lens total | $((wasm_raw + js_raw)) | $ours_gz |"
if [ -n "$sdk_file" ]; then
  sdk_ver=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$sdk_dir/package/package.json" | head -1)
  echo "| Genesys SDK $sdk_ver ${sdk_file#$sdk_dir/package/} | $(wc -c < "$sdk_file") | $sdk_gz |"
  python3 -c "print(f'| ratio (gzip) | | {$ours_gz/$sdk_gz:.2f}× (target ≤ 0.50×) |')"
  summary_row 1 "package size: pkg/ wasm + JS gzip vs the Genesys SDK's smallest minified bundle" \
    "$ours_gz B" "$sdk_gz B" "$(ratio "$ours_gz" "$sdk_gz")" "≤ 0.50×" \
    "$(python3 -c "print('yes' if $ours_gz <= 0.5 * $sdk_gz else 'no')")"
else
  echo "bench: the Genesys SDK package has no minified web bundle, so row 1 cannot be measured" >&2
  exit 1
fi
echo

echo "## App size (make dist)"
bash scripts/dist.sh >/dev/null
total=0
echo "| file | raw bytes | gzip bytes |"
echo "|---|---|---|"
while IFS= read -r f; do
  s=$(gz "$f"); total=$((total + s))
  echo "| ${f#$ROOT/} | $(wc -c < "$f") | $s |"
done < <(find "$ROOT/dist" -type f | sort)
echo "| total | | $total (target ≤ 307200) |"
summary_row 2 "app size: everything make dist ships, gzip, vs 300 KB" "$total B" "307200 B" \
  "$(ratio "$total" 307200)" "≤ 1.00×" "$([ "$total" -le 307200 ] && echo yes || echo no)"
echo

start_sim >/dev/null
serve_dir "$ROOT/dist" dist APP_URL
serve_dir "$ROOT/www" www WWW_URL
(cd www && node bench/first-chart.mjs)
(cd www && node bench/handoff.mjs)
# A year of jobs against the simulator server: at once vs one after another.
(cd www && node bench/long-jobs.mjs)

# The analysis in wasm vs the same in plain JavaScript, in one page: the
# crate with the entry points of src/bench_exports.rs, in its own target
# directory so that the package and app builds are not redone.
cargo build --quiet --release --target wasm32-unknown-unknown --lib --features bench-exports \
  --target-dir target/bench-wasm
rm -rf "$OUT/analysis"
wasm-bindgen --target web --out-dir "$OUT/analysis/pkg" --out-name usage_lens \
  target/bench-wasm/wasm32-unknown-unknown/release/usage_lens.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$OUT/analysis/pkg/usage_lens_bg.wasm" -o "$OUT/analysis/pkg/usage_lens_bg.wasm"
cp www/bench/analysis.html www/bench/analysis-js.mjs "$OUT/analysis/"
serve_dir "$OUT/analysis" analysis ANALYSIS_URL
(cd www && node bench/analysis.mjs)

# About 100,000 rows in the app: draw, re-sort, and memory over repeated runs.
(cd www && node bench/table.mjs)

# usage-lens serve: scrape latency from the cache, vendor requests per hour
# against the refresh schedule, memory over 10,000 scrapes.
(cd www && node bench/exporter.mjs)

check_rows $BENCH_ROWS
print_summary
