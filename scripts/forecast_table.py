"""Scores the forecast backtest and prints its table.

Reads target/bench/forecast-series.json and the forecasts of every method
(target/bench/forecast-rust.json from `cargo bench --bench forecast`,
target/bench/forecast-statsmodels.json from scripts/forecast_reference.py),
prints a markdown table (method × horizon: error, band coverage, ratios), and
writes the headline rows for the summary of `make bench` to
target/bench/forecast-summary.tsv. Writes the per-series scores to
target/bench/forecast-per-series.md.

Error: MAPE when no actual value is 0; otherwise (MAPE is undefined there)
sMAPE = mean of 2|f − a| / (|f| + |a|), 0 when both are 0. Both are printed;
the headline is the one the rule picks. Every score averages over all series,
origins and days 1..h of the horizon, each point weighing the same. Coverage
is the share of actual values within the band, edges included.

Exits non-zero when a figure cannot be measured (a file or a forecast is
missing, or a value is not a number); a target that is missed is printed as
"no".
"""

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "target" / "bench"
OURS = "usage-lens"
REFERENCE = "statsmodels ExponentialSmoothing"
LINEAR = ("linear trend, all history", "linear trend, last 30 days")
NAIVE = "seasonal naive"
ORDER = (OURS, REFERENCE, NAIVE) + LINEAR


def fail(message):
    print(f"forecast backtest: {message}", file=sys.stderr)
    sys.exit(1)


def load(name):
    path = OUT / name
    if not path.exists():
        fail(f"{path} is missing")
    return json.loads(path.read_text())


def check(method, runs, series, origins, horizon):
    if len(runs) != len(series):
        fail(f"{method}: {len(runs)} series, expected {len(series)}")
    for s, per in zip(series, runs):
        if len(per) != len(origins):
            fail(f"{method}, {s['name']}: {len(per)} origins, expected {len(origins)}")
        for r in per:
            for key in ("mean", "lower", "upper"):
                v = (r or {}).get(key)
                if not isinstance(v, list) or len(v) < horizon:
                    fail(f"{method}, {s['name']}: no {key} for {horizon} days")
                if not all(isinstance(x, (int, float)) and math.isfinite(x) for x in v[:horizon]):
                    fail(f"{method}, {s['name']}: a {key} that is not a number")


def score(series, origins, runs, h):
    """(sMAPE, MAPE over actual > 0, coverage, zeros among the actuals)."""
    sape = ape = 0.0
    n = n_ape = covered = zeros = 0
    for s, per in zip(series, runs):
        y = s["values"]
        for o, r in zip(origins, per):
            for k in range(h):
                a, f = y[o + k], r["mean"][k]
                d = abs(a) + abs(f)
                sape += 0.0 if d == 0 else 2 * abs(f - a) / d
                if a > 0:
                    ape += abs(f - a) / a
                    n_ape += 1
                else:
                    zeros += 1
                covered += r["lower"][k] <= a <= r["upper"][k]
                n += 1
    if n == 0 or n_ape == 0:
        fail("no points to score")
    return sape / n, ape / n_ape, covered / n, zeros


def pct(x):
    return f"{100 * x:.2f} %"


def main():
    data = load("forecast-series.json")
    series, origins, horizons = data["series"], data["origins"], data["horizons"]
    results = load("forecast-rust.json")
    results.update(load("forecast-statsmodels.json"))
    for method in ORDER:
        if method not in results:
            fail(f"no forecasts of {method}")
        check(method, results[method], series, origins, max(horizons))

    scores = {(m, h): score(series, origins, results[m], h) for m in ORDER for h in horizons}
    zeros = sum(scores[(OURS, h)][3] for h in horizons)
    use_smape = zeros > 0
    metric = "sMAPE" if use_smape else "MAPE"
    err = lambda m, h: scores[(m, h)][0 if use_smape else 1]

    n_sim = sum(1 for s in series if s["source"] == "simulator")
    print(
        f"## Forecast backtest: {len(series)} daily series ({n_sim} simulator OAuth clients, "
        f"{len(series) - n_sim} generated) × {len(origins)} origins "
        f"(day {origins[0]} to {origins[-1]}, every {origins[1] - origins[0]} days)"
    )
    print()
    print(
        f"Error: **{metric}**"
        + (" (some actual values are 0, where MAPE is undefined; MAPE over the others for reference)"
           if use_smape else "")
        + f", over days 1..h of each forecast. Band: {int(round(100 * 0.8))} %. "
        f"Ratios are our {metric} over the method's."
    )
    print()
    print(f"| method | horizon | {metric} | {'MAPE (actual > 0)' if use_smape else 'sMAPE'} "
          f"| 80 % band coverage | usage-lens ÷ method |")
    print("|---|---|---|---|---|---|")
    for m in ORDER:
        for h in horizons:
            s, a, c, _ = scores[(m, h)]
            first, second = (s, a) if use_smape else (a, s)
            ratio = err(OURS, h) / err(m, h) if err(m, h) > 0 else float("inf")
            print(f"| {m} | {h} days | {pct(first)} | {pct(second)} | {100 * c:.1f} % | {ratio:.2f}× |")
    print()
    # By source, for our method and the reference.
    print(f"| {metric} by source | horizon | usage-lens | statsmodels | seasonal naive |")
    print("|---|---|---|---|---|")
    for source in ("simulator", "generated"):
        idx = [i for i, s in enumerate(series) if s["source"] == source]
        sub = [series[i] for i in idx]
        for h in horizons:
            cells = []
            for m in (OURS, REFERENCE, NAIVE):
                sc = score(sub, origins, [results[m][i] for i in idx], h)
                cells.append(pct(sc[0 if use_smape else 1]))
            print(f"| {source} | {h} days | " + " | ".join(cells) + " |")
    print()

    # Per series, for whoever wants to look closer.
    lines = [f"| series | h | " + " | ".join(f"{m} {metric} / cov." for m in ORDER) + " |",
             "|---|---|" + "---|" * len(ORDER)]
    for i, s in enumerate(series):
        for h in horizons:
            cells = []
            for m in ORDER:
                sc = score([s], origins, [results[m][i]], h)
                cells.append(f"{pct(sc[0 if use_smape else 1])} / {100 * sc[2]:.0f} %")
            lines.append(f"| {s['name']} | {h} | " + " | ".join(cells) + " |")
    (OUT / "forecast-per-series.md").write_text("\n".join(lines) + "\n")

    rows = []
    for h in horizons:
        ours, ref = err(OURS, h), err(REFERENCE, h)
        lin_name = min(LINEAR, key=lambda m: err(m, h))
        lin = err(lin_name, h)
        cov = scores[(OURS, h)][2]
        rows.append((f"forecast {metric}, {h} days ahead, {len(series)} daily series: vs statsmodels Holt-Winters",
                     pct(ours), pct(ref), ours / ref, "≤ 1.00×", ours <= ref))
        rows.append((f"… vs the old linear trend ({lin_name.removeprefix('linear trend, ')})",
                     pct(ours), pct(lin), ours / lin, "≤ 0.50×", ours <= 0.5 * lin))
        rows.append((f"… 80 % band: share of actual values inside, {h} days ahead",
                     f"{100 * cov:.1f} %", "80 %", cov / 0.8, "70–90 %", 0.7 <= cov <= 0.9))
    with open(OUT / "forecast-summary.tsv", "w") as f:
        for measure, value, reference, ratio, target, met in rows:
            f.write("\t".join(["9", measure, value, reference, f"{ratio:.2f}×", target,
                               "yes" if met else "no"]) + "\n")


if __name__ == "__main__":
    main()
