"""Draft: statsmodels' ExponentialSmoothing on the backtest's series and origins."""
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing

OUT = Path(__file__).resolve().parent.parent / "target" / "bench"
REPS = 1000


def fit_one(y, horizon, seasonal, rng):
    positive = bool(np.all(y > 0))
    kind = seasonal if (seasonal != "mul" or positive) else "add"
    model = ExponentialSmoothing(
        y, trend="add", damped_trend=True, seasonal=kind, seasonal_periods=7,
        initialization_method="estimated",
    )
    res = model.fit()
    mean = res.forecast(horizon)
    sims = res.simulate(horizon, anchor="end", repetitions=REPS,
                        error="mul" if kind == "mul" else "add", rng=rng)
    lower = np.quantile(sims, 0.1, axis=1)
    upper = np.quantile(sims, 0.9, axis=1)
    return mean, lower, upper


def main():
    data = json.loads((OUT / "forecast-series.json").read_text())
    horizon = max(data["horizons"])
    out = {}
    for seasonal in sys.argv[1:] or ["mul"]:
        rng = np.random.default_rng(7)
        runs = []
        t0 = time.time()
        for s in data["series"]:
            y = np.asarray(s["values"], dtype=float)
            per = []
            for o in data["origins"]:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    h = y[:o]
                    h = h[np.argmax(h > 0):]
                    mean, lo, hi = fit_one(h, horizon, seasonal, rng)
                clip = lambda v: [max(0.0, float(x)) if np.isfinite(x) else 0.0 for x in v]
                per.append({"mean": clip(np.round(mean)), "lower": clip(np.floor(lo)), "upper": clip(np.ceil(hi))})
            runs.append(per)
            print(s["name"], f"{time.time()-t0:.1f}s", file=sys.stderr)
        out[f"statsmodels {seasonal}"] = runs
    (OUT / "forecast-statsmodels.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main()
