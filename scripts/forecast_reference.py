"""statsmodels' Holt-Winters on the forecast backtest's series and origins.

Reads target/bench/forecast-series.json (written by `cargo bench --bench
forecast`) and writes target/bench/forecast-statsmodels.json: for every series
and origin, the 28-day forecast and its 80 % band, fitted on the same history
our method saw.

The configuration is the standard one for daily counts with a weekly cycle:
`ExponentialSmoothing(trend="add", damped_trend=True, seasonal="mul",
seasonal_periods=7, initialization_method="estimated")`, fitted with its
defaults. A multiplicative season needs positive values, so a history with a
zero gets `seasonal="add"`. As for our method, leading zeros (before the
client was first used) are dropped, and since the series are counts the
forecast is rounded and the band widened to whole numbers. The band is the
10th and 90th percentiles of 1,000 paths from the fitted model's `simulate`
(multiplicative errors for the multiplicative model), seeded per series and
origin so that runs repeat.

Run with the interpreter of scripts/venv.sh (statsmodels is pinned there).
"""

import json
import multiprocessing
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import statsmodels
from statsmodels.tsa.holtwinters import ExponentialSmoothing

OUT = Path(__file__).resolve().parent.parent / "target" / "bench"
PATHS = 1000
LEVEL = 0.8
NAME = "statsmodels ExponentialSmoothing"


def fit_one(job):
    """One series and origin: (index, origin, forecast dict)."""
    i, o, history, horizon = job
    y = np.asarray(history, dtype=float)
    y = y[int(np.argmax(y > 0)):] if np.any(y > 0) else y
    seasonal = "mul" if np.all(y > 0) else "add"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            y,
            trend="add",
            damped_trend=True,
            seasonal=seasonal,
            seasonal_periods=7,
            initialization_method="estimated",
        )
        res = model.fit()
        mean = np.asarray(res.forecast(horizon), dtype=float)
        paths = res.simulate(
            horizon,
            anchor="end",
            repetitions=PATHS,
            error="mul" if seasonal == "mul" else "add",
            rng=np.random.default_rng([i, o]),
        )
    paths = np.asarray(paths, dtype=float).reshape(horizon, -1)
    q = (1 - LEVEL) / 2
    lower = np.quantile(paths, q, axis=1)
    upper = np.quantile(paths, 1 - q, axis=1)

    def clean(v, rounding):
        v = rounding(np.asarray(v, dtype=float))
        if not np.all(np.isfinite(v)):
            raise ValueError(f"series {i}, origin {o}: a non-finite forecast")
        return [max(0.0, float(x)) for x in v]

    return i, o, {
        "mean": clean(mean, np.round),
        "lower": clean(lower, np.floor),
        "upper": clean(upper, np.ceil),
        "seasonal": seasonal,
    }


def main():
    data = json.loads((OUT / "forecast-series.json").read_text())
    horizon = max(data["horizons"])
    origins = data["origins"]
    jobs = [
        (i, o, s["values"][:o], horizon)
        for i, s in enumerate(data["series"])
        for o in origins
    ]
    t0 = time.time()
    workers = max(1, min(2, os.cpu_count() or 1))
    with multiprocessing.Pool(workers) as pool:
        done = pool.map(fit_one, jobs, chunksize=8)
    runs = [[None] * len(origins) for _ in data["series"]]
    for i, o, r in done:
        runs[i][origins.index(o)] = r
    (OUT / "forecast-statsmodels.json").write_text(json.dumps({NAME: runs}))
    print(
        f"statsmodels {statsmodels.__version__}: {len(jobs)} fits in "
        f"{time.time() - t0:.0f} s ({workers} processes)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
