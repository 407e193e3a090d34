//! The rolling-origin backtest of `analysis::forecast`: daily series of the
//! simulator's OAuth clients (read through the Genesys client, as the app
//! would) and generated series with a known weekly shape and the awkward
//! events of real usage, forecast from many origins by our method, seasonal
//! naive and the old linear trend. Writes the series and origins to
//! `target/bench/forecast-series.json` and the forecasts to
//! `target/bench/forecast-rust.json`; `scripts/forecast_reference.py` adds
//! statsmodels' on the same series and origins, and `scripts/forecast_table.py`
//! scores them all. `make bench` (or `bash scripts/bench.sh forecast`) runs
//! the three.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use usage_lens::analysis::forecast::{self, Forecast, ForecastOptions};
use usage_lens::analysis::{linear_trend, project};
use usage_lens::engine::RunOptions;
use usage_lens::genesys::{self, ApiUsageOrganizationQuery, Granularity, OrganizationGroupBy};
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::transport::fake::{block_on, VirtualClock};

/// Days per series: a year.
const DAYS: usize = 365;
/// The horizons scored: a week and four weeks (every forecast is 28 days
/// long; the 7-day scores use its first week).
const HORIZONS: [usize; 2] = [7, 28];
const HORIZON: usize = 28;
/// The first origin: sixteen weeks of history.
const FIRST_ORIGIN: usize = 112;
/// Days between origins: 6, so that origins fall on every weekday.
const STEP: usize = 6;

struct Series {
    name: String,
    source: &'static str,
    values: Vec<f64>,
}

/// The simulator's OAuth clients, daily requests 2025-07-01..=2026-06-30.
fn sim_series(seed: u64) -> Vec<Series> {
    // 2026-07-01T12:00:00Z
    let clock = VirtualClock::new(1_782_907_200_000);
    let sim = Rc::new(RefCell::new(Sim::new(seed).with_default_exec_ms(2_000)));
    let t = SimTransport::new(sim, clock.clone());
    let c = genesys::Client::new("https://demo.invalid", "bench", t, clock).unwrap();
    let q = ApiUsageOrganizationQuery {
        interval: "2025-07-01/2026-06-30".into(),
        granularity: Some(Granularity::Day),
        group_by: Some(vec![OrganizationGroupBy::OAuthClientId]),
        ..Default::default()
    };
    let r = block_on(c.query_organization_usage(&q, &RunOptions::default())).unwrap();
    let first = usage_lens::time::parse_instant("2025-07-01").unwrap().secs / 86_400;
    let mut by_client: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in &r.results {
        let name = row.client_name.clone().or(row.client_id.clone()).unwrap();
        let day = usage_lens::time::parse_instant(row.date.as_deref().unwrap())
            .unwrap()
            .secs
            / 86_400;
        let i = (day - first) as usize;
        let v = by_client.entry(name).or_insert_with(|| vec![0.0; DAYS]);
        v[i] += row.requests.unwrap_or(0) as f64;
    }
    assert!(
        by_client.len() >= 10,
        "{} simulator clients",
        by_client.len()
    );
    by_client
        .into_iter()
        .map(|(name, values)| Series {
            name: format!("sim{seed}: {name}"),
            source: "simulator",
            values,
        })
        .collect()
}

/// splitmix64, so that the generated series are the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-12);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    fn poisson(&mut self, mean: f64) -> f64 {
        if mean > 50.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0);
        }
        let l = (-mean).exp();
        let (mut k, mut p) = (0.0, 1.0);
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1.0;
        }
    }
}

/// Weekly shapes, the first day of the week first.
const OFFICE: [f64; 7] = [1.05, 1.02, 1.0, 0.98, 0.9, 0.2, 0.15];
const RETAIL: [f64; 7] = [0.9, 0.9, 0.95, 1.0, 1.15, 1.3, 0.8];
const FLAT: [f64; 7] = [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.75];

/// Series with a known weekly shape and the awkward events of real usage.
fn generated_series() -> Vec<Series> {
    let mut out = Vec::new();
    let mut make = |name: &str, seed: u64, f: &dyn Fn(usize, usize, &mut Rng) -> f64| {
        let mut rng = Rng(seed);
        let dow0 = (seed % 7) as usize;
        let values = (0..DAYS)
            .map(|t| f(t, (t + dow0) % 7, &mut rng).round().max(0.0))
            .collect();
        out.push(Series {
            name: name.to_string(),
            source: "generated",
            values,
        });
    };
    // Multiplicative noise, log-normal with this standard deviation.
    let noise = |r: &mut Rng, sd: f64| (sd * r.normal()).exp();
    make("office, growing 60 %/year", 11, &|t, d, r| {
        20_000.0 * (1.0 + 0.6 * t as f64 / 365.0) * OFFICE[d] * noise(r, 0.04)
    });
    make("retail, falling 40 %/year", 12, &|t, d, r| {
        3_000.0 * (1.0 - 0.4 * t as f64 / 365.0) * RETAIL[d] * noise(r, 0.06)
    });
    make("trend up, then down", 13, &|t, d, r| {
        let g = if t < 200 {
            1.003f64.powi(t as i32)
        } else {
            1.003f64.powi(200) * 0.9975f64.powi(t as i32 - 200)
        };
        5_000.0 * g * OFFICE[d] * noise(r, 0.05)
    });
    // Days a weekday falls to its Saturday level, several in the evaluated part.
    let holidays = [40, 95, 150, 178, 201, 233, 260, 281, 302, 317, 338, 352];
    make("office with holidays", 14, &move |t, d, r| {
        let d = if holidays.contains(&t) && d < 5 { 5 } else { d };
        8_000.0 * OFFICE[d] * noise(r, 0.05)
    });
    make("level shifts", 15, &|t, d, r| {
        let l = if t < 210 {
            5_000.0
        } else if t < 300 {
            9_000.0
        } else {
            4_500.0
        };
        l * OFFICE[d] * noise(r, 0.05)
    });
    make("noisy office", 16, &|_, d, r| {
        1_500.0 * OFFICE[d] * noise(r, 0.25)
    });
    make("low counts", 17, &|_, d, r| {
        r.poisson(if d < 5 { 6.0 } else { 0.5 })
    });
    make("closed at weekends", 18, &|t, d, r| {
        if d >= 5 {
            0.0
        } else {
            400.0 * (1.0 + 0.2 * t as f64 / 365.0) * OFFICE[d] * noise(r, 0.08)
        }
    });
    make("spikes", 19, &|_, d, r| {
        let spike = if r.uniform() < 0.05 {
            2.5 + 1.5 * r.uniform()
        } else {
            1.0
        };
        12_000.0 * OFFICE[d] * spike * noise(r, 0.04)
    });
    make("month-end batches", 20, &|t, d, r| {
        let month_end = (t % 30 == 28 || t % 30 == 29) && d < 5;
        2_500.0 * FLAT[d] * if month_end { 3.0 } else { 1.0 } * noise(r, 0.05)
    });
    make("weekends pick up", 21, &|t, d, r| {
        let shape = if t < 180 {
            OFFICE[d]
        } else if d >= 5 {
            0.6
        } else {
            OFFICE[d]
        };
        7_000.0 * shape * noise(r, 0.05)
    });
    make("new client ramping up", 22, &|t, d, r| {
        let l = if t < 60 {
            0.0
        } else if t < 120 {
            3_000.0 * (t - 60) as f64 / 60.0
        } else {
            3_000.0 * (1.0 + 0.3 * (t - 120) as f64 / 365.0)
        };
        l * OFFICE[d] * noise(r, 0.06)
    });
    make("slow 90-day cycle", 23, &|t, d, r| {
        let c = 1.0 + 0.3 * (std::f64::consts::TAU * t as f64 / 90.0).sin();
        10_000.0 * c * RETAIL[d] * noise(r, 0.05)
    });
    out
}

#[derive(serde::Serialize)]
struct Run {
    mean: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// The old linear trend (`analysis::project`, as the app's chart draws it)
/// fitted on the last `window` days, with a band from the 10th and 90th
/// percentiles of its own residuals.
fn linear(history: &[f64], window: usize) -> Run {
    let h: Vec<i64> = history
        .iter()
        .skip(history.len().saturating_sub(window))
        .map(|v| *v as i64)
        .collect();
    let mean: Vec<f64> = project(&h, HORIZON).into_iter().map(|v| v as f64).collect();
    let (slope, intercept) = linear_trend(&h).unwrap_or((0.0, 0.0));
    let mut res: Vec<f64> = h
        .iter()
        .enumerate()
        .map(|(i, v)| *v as f64 - (intercept + slope * i as f64))
        .collect();
    res.sort_by(f64::total_cmp);
    let q = |p: f64| res[((res.len() - 1) as f64 * p).round() as usize];
    let (lo, hi) = (q(0.1), q(0.9));
    Run {
        lower: mean.iter().map(|m| (m + lo).max(0.0)).collect(),
        upper: mean.iter().map(|m| (m + hi).max(0.0)).collect(),
        mean,
    }
}

fn main() {
    let mut series = sim_series(1);
    series.extend(generated_series());
    let origins: Vec<usize> = (FIRST_ORIGIN..=DAYS - HORIZON).step_by(STEP).collect();
    let opts = ForecastOptions::default();
    let wrap = |f: Forecast| Run {
        mean: f.mean,
        lower: f.lower,
        upper: f.upper,
    };
    type Method<'a> = (&'a str, Box<dyn Fn(&[f64]) -> Run + 'a>);
    let methods: Vec<Method> = vec![
        (
            "usage-lens",
            Box::new(|h: &[f64]| wrap(forecast::forecast(h, HORIZON, &opts).unwrap())),
        ),
        (
            "seasonal naive",
            Box::new(|h: &[f64]| wrap(forecast::seasonal_naive(h, HORIZON, &opts).unwrap())),
        ),
        (
            "linear trend, all history",
            Box::new(|h: &[f64]| linear(h, usize::MAX)),
        ),
        (
            "linear trend, last 30 days",
            Box::new(|h: &[f64]| linear(h, 30)),
        ),
    ];
    let mut results: BTreeMap<&str, Vec<Vec<Run>>> = BTreeMap::new();
    let forecasts = series.len() * origins.len();
    for (name, f) in &methods {
        let t0 = std::time::Instant::now();
        let runs = series
            .iter()
            .map(|s| origins.iter().map(|&o| f(&s.values[..o])).collect())
            .collect();
        if *name == "usage-lens" {
            let ms = t0.elapsed().as_secs_f64() * 1e3 / forecasts as f64;
            println!(
                "Backtest: {} series × {} origins, {forecasts} forecasts of {HORIZON} days; \
                 usage-lens takes {ms:.1} ms per forecast (native).",
                series.len(),
                origins.len()
            );
        }
        results.insert(name, runs);
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let data = serde_json::json!({
        "horizons": HORIZONS,
        "origins": origins,
        "series": series.iter().map(|s| serde_json::json!({
            "name": s.name, "source": s.source, "values": s.values,
        })).collect::<Vec<_>>(),
    });
    std::fs::write(out.join("forecast-series.json"), data.to_string()).unwrap();
    std::fs::write(
        out.join("forecast-rust.json"),
        serde_json::to_string(&results).unwrap(),
    )
    .unwrap();
}
