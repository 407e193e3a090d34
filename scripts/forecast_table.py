"""Draft: scores every method in target/bench/forecast-*.json."""
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "target" / "bench"


def score(series, origins, runs, h):
    ape, sape, cover, n_ape, n = 0.0, 0.0, 0, 0, 0
    for s, per_origin in zip(series, runs):
        y = s["values"]
        for o, r in zip(origins, per_origin):
            for k in range(h):
                a, f = y[o + k], r["mean"][k]
                lo, hi = r["lower"][k], r["upper"][k]
                if a > 0:
                    ape += abs(f - a) / a
                    n_ape += 1
                d = abs(a) + abs(f)
                sape += 0.0 if d == 0 else 2 * abs(f - a) / d
                cover += lo <= a <= hi
                n += 1
    return sape / n, ape / n_ape, cover / n


def main():
    data = json.loads((OUT / "forecast-series.json").read_text())
    results = json.loads((OUT / "forecast-rust.json").read_text())
    sm = OUT / "forecast-statsmodels.json"
    if sm.exists():
        results.update(json.loads(sm.read_text()))
    only = sys.argv[1:] or None
    print("| method | h | sMAPE | MAPE | coverage |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        for h in data["horizons"]:
            s, m, c = score(data["series"], data["origins"], runs, h)
            print(f"| {name} | {h} | {s*100:.2f}% | {m*100:.2f}% | {c*100:.1f}% |")
    if only:
        for name in only:
            print(f"## {name} per series, h=28 sMAPE / coverage")
            for i, s in enumerate(data["series"]):
                row = []
                for other in [name] + [k for k in results if k != name][:0]:
                    a, _, c = score([s], data["origins"], [results[other][i]], 28)
                    row.append(f"{a*100:6.2f}% {c*100:5.1f}%")
                print(s["name"][:40].ljust(40), *row)


if __name__ == "__main__":
    main()
