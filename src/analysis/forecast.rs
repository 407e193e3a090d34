//! Forecasts of a usage series with a prediction band.
//!
//! Draft: the model family and its variants, compared on the backtest of
//! `benches/forecast.rs`.

use crate::error::{Error, Result};

/// The longest horizon accepted.
pub const MAX_HORIZON: usize = 3660;
/// The longest seasonal period accepted.
pub const MAX_PERIOD: usize = 366;

/// How a forecast is made.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct ForecastOptions {
    /// Values per season: 7 for daily series (the default), 0 or 1 for none.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub seasonal_period: usize,
    /// Share of future values the band should hold (default 0.8).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub interval_level: f64,
    /// Whether the last value covers only part of its period.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub last_is_partial: bool,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        ForecastOptions {
            seasonal_period: 7,
            interval_level: 0.8,
            last_is_partial: false,
        }
    }
}

/// Which method made a forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum ForecastMethod {
    /// Level, damped trend and season, fitted to the data.
    SeasonalDampedTrend,
    /// Level and damped trend, fitted to the data.
    DampedTrend,
    /// The last value of each season's position.
    SeasonalNaive,
    /// The mean of the values.
    Mean,
}

/// A forecast: a central value and a band per future period.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct Forecast {
    /// Central forecast per period.
    pub mean: Vec<f64>,
    /// Lower edge of the band.
    pub lower: Vec<f64>,
    /// Upper edge of the band.
    pub upper: Vec<f64>,
    /// The method used.
    pub method: ForecastMethod,
}

/// A model variant (for comparing on the backtest).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Variant {
    /// Fit on log(1 + y) instead of y.
    pub log: bool,
    /// Clip large one-step errors before they update the states.
    pub robust: bool,
    /// Fit parameters on absolute rather than squared errors.
    pub absolute: bool,
    /// Damped trend (else no trend).
    pub trend: bool,
    /// How many recent origins the band's errors come from (0: all).
    pub band_window: usize,
    /// Huber loss at the clipping bound.
    pub huber: bool,
    /// Choose robust or not by in-sample multi-step errors.
    pub select: bool,
    /// Fixed seasonal indices (medians of the last seasons), then a damped
    /// trend on the adjusted series.
    pub decompose: bool,
    /// With `select`: also try each without a trend.
    pub choose_trend: bool,
}

impl Default for Variant {
    fn default() -> Self {
        Variant {
            log: true,
            robust: true,
            absolute: false,
            trend: true,
            band_window: 0,
            huber: false,
            select: false,
            decompose: false,
            choose_trend: false,
        }
    }
}

/// The forecast of `values` for the next `horizon` periods.
pub fn forecast(values: &[f64], horizon: usize, options: &ForecastOptions) -> Result<Forecast> {
    forecast_variant(values, horizon, options, Variant::default())
}

/// [`forecast`] with a given model variant; `None` forces seasonal naive.
#[doc(hidden)]
pub fn forecast_variant(
    values: &[f64],
    horizon: usize,
    options: &ForecastOptions,
    variant: Variant,
) -> Result<Forecast> {
    check(values, horizon, options)?;
    let m = if options.seasonal_period <= 1 {
        1
    } else {
        options.seasonal_period
    };
    let fit_values = if options.last_is_partial {
        values.split_last().map(|(_, rest)| rest).unwrap_or(&[])
    } else {
        values
    };
    // Leading missing values and zeros (before the first use) carry nothing.
    let first = fit_values
        .iter()
        .position(|v| v.is_finite() && *v > 0.0)
        .or_else(|| fit_values.iter().position(|v| v.is_finite()))
        .unwrap_or(fit_values.len());
    let y = fit_values.get(first..).unwrap_or(&[]);
    let observed = y.iter().filter(|v| v.is_finite()).count();
    if observed == 0 {
        return Err(Error::invalid_input(
            "a forecast needs at least one value that is not missing",
        ));
    }
    let mut out = if m >= 2 && observed >= 2 * m {
        model_forecast(y, m, horizon, options.interval_level, variant)
    } else if m >= 2 && observed >= m {
        seasonal_naive(y, m, horizon, options.interval_level, variant.log)
    } else if m == 1 && observed >= 6 {
        model_forecast(y, 1, horizon, options.interval_level, variant)
    } else {
        mean_forecast(y, horizon, options.interval_level)
    };
    if options.last_is_partial {
        if let (Some(partial), Some(mean), Some(lower), Some(upper)) = (
            values.last().copied().filter(|v| v.is_finite()),
            out.mean.first_mut(),
            out.lower.first_mut(),
            out.upper.first_mut(),
        ) {
            *mean = mean.max(partial);
            *lower = lower.max(partial);
            *upper = upper.max(partial);
        }
    }
    let counts = values.iter().all(|v| !v.is_finite() || v.fract() == 0.0);
    let tidy = |v: &mut f64, round: fn(f64) -> f64| {
        let r = if counts { round(*v) } else { *v };
        *v = if r.is_nan() {
            0.0
        } else {
            r.clamp(0.0, f64::MAX)
        };
    };
    out.mean.iter_mut().for_each(|v| tidy(v, f64::round));
    out.lower.iter_mut().for_each(|v| tidy(v, f64::floor));
    out.upper.iter_mut().for_each(|v| tidy(v, f64::ceil));
    Ok(out)
}

/// Seasonal naive with its band (for the backtest's baseline).
#[doc(hidden)]
pub fn seasonal_naive_forecast(
    values: &[f64],
    horizon: usize,
    options: &ForecastOptions,
) -> Result<Forecast> {
    check(values, horizon, options)?;
    let m = options.seasonal_period.max(1);
    Ok(seasonal_naive(
        values,
        m,
        horizon,
        options.interval_level,
        true,
    ))
}

fn check(values: &[f64], horizon: usize, options: &ForecastOptions) -> Result<()> {
    if horizon > MAX_HORIZON {
        return Err(Error::invalid_input(format!(
            "a forecast reaches at most {MAX_HORIZON} periods ahead, not {horizon}"
        )));
    }
    if options.seasonal_period > MAX_PERIOD {
        return Err(Error::invalid_input(format!(
            "seasonalPeriod must be at most {MAX_PERIOD}, not {}",
            options.seasonal_period
        )));
    }
    let level = options.interval_level;
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::invalid_input(format!(
            "intervalLevel must be between 0 and 1 (exclusive), not {level}"
        )));
    }
    if let Some((i, v)) = values
        .iter()
        .enumerate()
        .find(|(_, v)| v.is_infinite() || **v < 0.0)
    {
        return Err(Error::invalid_input(format!(
            "value {i} is {v}: a forecast needs finite values of 0 or more (NaN for a missing one)"
        )));
    }
    Ok(())
}

fn to_scale(v: f64, log: bool) -> f64 {
    if log {
        v.ln_1p()
    } else {
        v
    }
}

fn from_scale(z: f64, log: bool) -> f64 {
    let v = if log { z.exp_m1() } else { z };
    if v.is_nan() {
        0.0
    } else {
        v.clamp(0.0, f64::MAX)
    }
}

/// The `q`-quantile (0..=1) of sorted values, interpolated.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let a = sorted.get(lo).copied().unwrap_or(0.0);
    let b = sorted.get(hi).copied().unwrap_or(a);
    a + (b - a) * (pos - lo as f64)
}

fn sort(v: &mut [f64]) {
    v.sort_by(f64::total_cmp);
}

/// Band offsets per horizon from the errors at each horizon (on the
/// model's scale): empirical quantiles where there are enough errors, then
/// widened with the square root of the horizon; never narrower than at an
/// earlier horizon.
fn band_offsets(errors: &mut [Vec<f64>], level: f64) -> Vec<(f64, f64)> {
    const MIN_ERRORS: usize = 8;
    let lo_q = (1.0 - level) / 2.0;
    let hi_q = 1.0 - lo_q;
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(errors.len());
    let mut last_known: Option<(usize, f64, f64)> = None;
    for (i, e) in errors.iter_mut().enumerate() {
        let h = i + 1;
        let (lo, hi) = if e.len() >= MIN_ERRORS {
            sort(e);
            let v = (quantile(e, lo_q), quantile(e, hi_q));
            last_known = Some((h, v.0, v.1));
            v
        } else if let Some((h0, lo0, hi0)) = last_known {
            let k = (h as f64 / h0 as f64).sqrt();
            (lo0 * k, hi0 * k)
        } else {
            (0.0, 0.0)
        };
        let (plo, phi) = out.last().copied().unwrap_or((0.0, 0.0));
        out.push((lo.min(plo).min(0.0), hi.max(phi).max(0.0)));
    }
    out
}

// ------------------------------------------------------------------ model

#[derive(Clone, Copy, Debug)]
struct Params {
    alpha: f64,
    beta: f64,
    gamma: f64,
    phi: f64,
}

/// Additive level, damped trend and season on the model's scale, in
/// error-correction form, run over `z` (NaN = missing).
struct Model<'a> {
    z: &'a [f64],
    m: usize,
    robust: bool,
    absolute: bool,
    huber: bool,
    trend: bool,
    level0: f64,
    trend0: f64,
    season0: Vec<f64>,
    scale0: f64,
    scale_floor: f64,
}

/// The states after each step.
struct Path {
    level: Vec<f64>,
    trend: Vec<f64>,
    /// `m` initial values, then one per step.
    season: Vec<f64>,
}

const CLIP: f64 = 2.5;
const SCALE_RATE: f64 = 0.1;
/// E|e| / sigma for a normal error.
const ABS_TO_SD: f64 = 0.797_884_560_802_865_4;

fn mean_of(v: &[f64]) -> Option<f64> {
    let (s, n) = v
        .iter()
        .filter(|x| x.is_finite())
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

fn median_of(v: &mut Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    sort(v);
    Some(quantile(v, 0.5))
}

impl<'a> Model<'a> {
    fn new(z: &'a [f64], m: usize, variant: Variant, log: bool) -> Model<'a> {
        let n = z.len();
        let (level0, trend0, season0) = if m >= 2 {
            let s1 = z.get(..m).unwrap_or(&[]);
            let s2 = z.get(m..(2 * m).min(n)).unwrap_or(&[]);
            let m1 = mean_of(s1).unwrap_or(0.0);
            let m2 = mean_of(s2).unwrap_or(m1);
            let b = if variant.trend {
                (m2 - m1) / m as f64
            } else {
                0.0
            };
            let mut season = vec![0.0; m];
            for (i, s) in season.iter_mut().enumerate() {
                let mut parts = Vec::new();
                if let Some(v) = s1.get(i).filter(|v| v.is_finite()) {
                    parts.push(v - m1);
                }
                if let Some(v) = s2.get(i).filter(|v| v.is_finite()) {
                    parts.push(v - m2);
                }
                *s = mean_of(&parts).unwrap_or(0.0);
            }
            let centre = mean_of(&season).unwrap_or(0.0);
            season.iter_mut().for_each(|s| *s -= centre);
            // The level just before the first value.
            (m1 - b * (m as f64 + 1.0) / 2.0, b, season)
        } else {
            let first = z.iter().copied().find(|v| v.is_finite()).unwrap_or(0.0);
            (first, 0.0, vec![0.0])
        };
        // A robust scale of the seasonal differences.
        let lag = m.max(1);
        let mut diffs: Vec<f64> = z
            .iter()
            .zip(z.iter().skip(lag))
            .map(|(a, b)| (b - a).abs())
            .collect();
        let mad = median_of(&mut diffs).unwrap_or(0.0) * 1.4826 / std::f64::consts::SQRT_2;
        let typical = mean_of(z).unwrap_or(0.0).abs();
        let scale_floor = if log { 0.01 } else { 0.01 * typical.max(1e-9) };
        Model {
            z,
            m,
            robust: variant.robust,
            absolute: variant.absolute,
            huber: variant.huber,
            trend: variant.trend,
            level0,
            trend0,
            season0,
            scale0: mad.max(scale_floor),
            scale_floor,
        }
    }

    /// Runs the recursions; returns the loss and, if asked, the states.
    fn run(&self, p: Params, keep: bool) -> (f64, Option<Path>) {
        let m = self.m;
        let seasonal = m >= 2;
        let mut level = self.level0;
        let mut trend = if self.trend { self.trend0 } else { 0.0 };
        let mut season = self.season0.clone();
        season.reserve(self.z.len());
        let mut path = keep.then(|| Path {
            level: Vec::with_capacity(self.z.len()),
            trend: Vec::with_capacity(self.z.len()),
            season: Vec::new(),
        });
        let mut scale = self.scale0;
        let mut loss = 0.0;
        for (t, &z) in self.z.iter().enumerate() {
            let s_prev = if seasonal {
                season.get(t).copied().unwrap_or(0.0)
            } else {
                0.0
            };
            let damped = p.phi * trend;
            let pred = level + damped + s_prev;
            let mut e = 0.0;
            if z.is_finite() {
                e = z - pred;
                let bound = CLIP * scale;
                loss += if self.absolute {
                    e.abs()
                } else if self.huber && e.abs() > bound {
                    bound * (2.0 * e.abs() - bound)
                } else {
                    e * e
                };
                let clipped = e.clamp(-bound, bound);
                scale = ((1.0 - SCALE_RATE) * scale + SCALE_RATE * clipped.abs() / ABS_TO_SD)
                    .max(self.scale_floor);
                if self.robust {
                    e = clipped;
                }
            }
            level += damped + p.alpha * e;
            trend = damped + p.beta * e;
            if seasonal {
                season.push(s_prev + p.gamma * e);
            }
            if let Some(path) = path.as_mut() {
                path.level.push(level);
                path.trend.push(trend);
            }
        }
        if let Some(path) = path.as_mut() {
            path.season = season;
        }
        if !loss.is_finite() {
            loss = f64::MAX;
        }
        (loss, path)
    }

    /// The forecast `h` (1..) steps after index `t` from the states.
    fn predict(&self, path: &Path, t: usize, h: usize, p: Params) -> f64 {
        let level = path.level.get(t).copied().unwrap_or(0.0);
        let trend = path.trend.get(t).copied().unwrap_or(0.0);
        let mut damp = 0.0;
        let mut f = 1.0;
        for _ in 0..h {
            f *= p.phi;
            damp += f;
        }
        let s = if self.m >= 2 {
            let k = h.div_ceil(self.m);
            // s_{t+h-mk}, stored at index t+h-mk+m.
            path.season
                .get(t + h + self.m - self.m * k)
                .copied()
                .unwrap_or(0.0)
        } else {
            0.0
        };
        level + damp * trend + s
    }

    fn params(&self, x: &[f64; 4]) -> Params {
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        let alpha = 0.01 + 0.98 * sig(x[0]);
        let beta = if self.trend {
            alpha * 0.5 * sig(x[1])
        } else {
            0.0
        };
        let gamma = if self.m >= 2 {
            (1.0 - alpha) * sig(x[2])
        } else {
            0.0
        };
        let phi = if self.trend {
            0.8 + 0.18 * sig(x[3])
        } else {
            1.0
        };
        Params {
            alpha,
            beta,
            gamma,
            phi,
        }
    }

    fn fit(&self) -> Params {
        let f = |x: &[f64; 4]| self.run(self.params(x), false).0;
        let starts = [[-1.0, -3.0, -2.0, 1.0], [1.0, -4.0, -3.0, 0.0]];
        let mut best = (f64::INFINITY, starts[0]);
        for s in starts {
            let (v, x) = nelder_mead(&f, s, 1.0, 300);
            if v < best.0 {
                best = (v, x);
            }
        }
        self.params(&best.1)
    }
}

fn nelder_mead(
    f: &dyn Fn(&[f64; 4]) -> f64,
    x0: [f64; 4],
    step: f64,
    max_evals: usize,
) -> (f64, [f64; 4]) {
    let mut simplex: Vec<([f64; 4], f64)> = Vec::with_capacity(5);
    simplex.push((x0, f(&x0)));
    for i in 0..4 {
        let mut x = x0;
        x[i] += step;
        simplex.push((x, f(&x)));
    }
    let mut evals = 5;
    while evals < max_evals {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[4].1);
        if (worst - best).abs() <= 1e-10 * (best.abs() + 1e-12) {
            break;
        }
        let mut centroid = [0.0; 4];
        for (x, _) in simplex.iter().take(4) {
            for k in 0..4 {
                centroid[k] += x[k] / 4.0;
            }
        }
        let at = |t: f64| {
            let mut x = [0.0; 4];
            for k in 0..4 {
                x[k] = centroid[k] + t * (simplex[4].0[k] - centroid[k]);
            }
            x
        };
        let xr = at(-1.0);
        let fr = f(&xr);
        evals += 1;
        if fr < simplex[0].1 {
            let xe = at(-2.0);
            let fe = f(&xe);
            evals += 1;
            simplex[4] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[3].1 {
            simplex[4] = (xr, fr);
        } else {
            let xc = if fr < simplex[4].1 { at(-0.5) } else { at(0.5) };
            let fc = f(&xc);
            evals += 1;
            if fc < simplex[4].1.min(fr) {
                simplex[4] = (xc, fc);
            } else {
                let b = simplex[0].0;
                for p in simplex.iter_mut().skip(1) {
                    for k in 0..4 {
                        p.0[k] = b[k] + 0.5 * (p.0[k] - b[k]);
                    }
                    p.1 = f(&p.0);
                    evals += 1;
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    (simplex[0].1, simplex[0].0)
}

struct Fitted<'a> {
    model: Model<'a>,
    params: Params,
    path: Path,
}

fn fit_model<'a>(z: &'a [f64], m: usize, variant: Variant) -> Option<Fitted<'a>> {
    let model = Model::new(z, m, variant, variant.log);
    let params = model.fit();
    let path = model.run(params, true).1?;
    Some(Fitted {
        model,
        params,
        path,
    })
}

/// In-sample errors at horizons 1..=horizon from origins `start..`.
fn h_step_errors(f: &Fitted, horizon: usize, start: usize) -> Vec<Vec<f64>> {
    let z = f.model.z;
    let n = z.len();
    let mut errors: Vec<Vec<f64>> = vec![Vec::new(); horizon];
    for (i, e) in errors.iter_mut().enumerate() {
        let h = i + 1;
        for t in start..n.saturating_sub(h) {
            if let Some(actual) = z.get(t + h).filter(|v| v.is_finite()) {
                e.push(actual - f.model.predict(&f.path, t, h, f.params));
            }
        }
    }
    errors
}

/// Seasonal indices: per position, the median deviation from a centred
/// moving average over the last `seasons` seasons.
fn seasonal_indices(z: &[f64], m: usize, seasons: usize) -> Vec<f64> {
    let n = z.len();
    let half = m / 2;
    let mut dev: Vec<Vec<f64>> = vec![Vec::new(); m];
    let lo = n.saturating_sub(seasons * m + half).max(half);
    for t in lo..n.saturating_sub(half) {
        let window: Vec<f64> = if m % 2 == 1 {
            z.get(t - half..=t + half).unwrap_or(&[]).to_vec()
        } else {
            z.get(t - half..=t + half).unwrap_or(&[]).to_vec()
        };
        let ma = if m % 2 == 0 {
            let inner = mean_of(window.get(1..m).unwrap_or(&[])).unwrap_or(0.0);
            let ends = (window.first().copied().unwrap_or(0.0)
                + window.last().copied().unwrap_or(0.0))
                / 2.0;
            (inner * (m - 1) as f64 + ends) / m as f64
        } else {
            mean_of(&window).unwrap_or(f64::NAN)
        };
        if let (Some(v), Some(d)) = (z.get(t).filter(|v| v.is_finite()), dev.get_mut(t % m)) {
            if ma.is_finite() {
                d.push(v - ma);
            }
        }
    }
    let mut s: Vec<f64> = dev
        .iter_mut()
        .map(|d| median_of(d).unwrap_or(0.0))
        .collect();
    let c = mean_of(&s).unwrap_or(0.0);
    s.iter_mut().for_each(|v| *v -= c);
    s
}

fn model_forecast(y: &[f64], m: usize, horizon: usize, level: f64, variant: Variant) -> Forecast {
    if variant.decompose && m >= 2 {
        let log = variant.log;
        let z: Vec<f64> = y.iter().map(|v| to_scale(*v, log)).collect();
        let s = seasonal_indices(&z, m, 8);
        let n = z.len();
        let d: Vec<f64> = z
            .iter()
            .enumerate()
            .map(|(t, v)| v - s.get(t % m).copied().unwrap_or(0.0))
            .collect();
        // Back to the original scale for the inner model (which transforms again).
        let inner: Vec<f64> = d
            .iter()
            .map(|v| if log { v.exp_m1().max(0.0) } else { *v })
            .collect();
        let mut f = model_forecast(
            &inner,
            1,
            horizon,
            level,
            Variant {
                decompose: false,
                ..variant
            },
        );
        for (i, ((a, b), c)) in f
            .mean
            .iter_mut()
            .zip(f.lower.iter_mut())
            .zip(f.upper.iter_mut())
            .enumerate()
        {
            let sp = s.get((n + i) % m).copied().unwrap_or(0.0);
            for v in [a, b, c] {
                *v = from_scale(to_scale(*v, log) + sp, log);
            }
        }
        f.method = ForecastMethod::SeasonalDampedTrend;
        return f;
    }
    let log = variant.log;
    let z: Vec<f64> = y.iter().map(|v| to_scale(*v, log)).collect();
    let n = z.len();
    // In-sample errors at each horizon, from origins after the first two seasons.
    let start = (2 * m).saturating_sub(1).max(if m == 1 { 13 } else { 0 });
    let start = if variant.band_window > 0 {
        start.max(n.saturating_sub(variant.band_window))
    } else {
        start
    };
    let fitted = if variant.select {
        let score = |f: &Option<Fitted>| {
            f.as_ref().map_or(f64::INFINITY, |f| {
                let e = h_step_errors(f, 2 * m, start);
                let (s, k) = e
                    .iter()
                    .flatten()
                    .fold((0.0, 0usize), |(s, k), v| (s + v.abs(), k + 1));
                if k == 0 {
                    f64::INFINITY
                } else {
                    s / k as f64
                }
            })
        };
        let mut cands = vec![
            Variant {
                robust: true,
                ..variant
            },
            Variant {
                robust: false,
                ..variant
            },
        ];
        if variant.choose_trend {
            cands.push(Variant {
                robust: true,
                trend: false,
                ..variant
            });
            cands.push(Variant {
                robust: false,
                trend: false,
                ..variant
            });
        }
        let mut best: Option<(f64, Option<Fitted>)> = None;
        for c in cands {
            let f = fit_model(&z, m, c);
            let sc = score(&f);
            if best.as_ref().is_none_or(|b| sc < b.0) {
                best = Some((sc, f));
            }
        }
        best.and_then(|b| b.1)
    } else {
        fit_model(&z, m, variant)
    };
    let Some(fitted) = fitted else {
        return mean_forecast(y, horizon, level);
    };
    let mut errors = h_step_errors(&fitted, horizon, start);
    let offsets = band_offsets(&mut errors, level);
    let last = n.saturating_sub(1);
    let mut out = Forecast {
        mean: Vec::with_capacity(horizon),
        lower: Vec::with_capacity(horizon),
        upper: Vec::with_capacity(horizon),
        method: if m >= 2 {
            ForecastMethod::SeasonalDampedTrend
        } else {
            ForecastMethod::DampedTrend
        },
    };
    for (i, (lo, hi)) in offsets.iter().enumerate() {
        let c = fitted
            .model
            .predict(&fitted.path, last, i + 1, fitted.params);
        out.mean.push(from_scale(c, log));
        out.lower.push(from_scale(c + lo, log));
        out.upper.push(from_scale(c + hi, log));
    }
    out
}

fn seasonal_naive(y: &[f64], m: usize, horizon: usize, level: f64, log: bool) -> Forecast {
    let z: Vec<f64> = y.iter().map(|v| to_scale(*v, log)).collect();
    let fallback = mean_of(&z).unwrap_or(0.0);
    // The last observed value of each position in the season.
    let n = z.len();
    let last_of = |phase: usize| -> f64 {
        (0..n)
            .rev()
            .filter(|t| t % m == phase)
            .find_map(|t| z.get(t).copied().filter(|v| v.is_finite()))
            .unwrap_or(fallback)
    };
    // One-season-ahead errors, widened with the square root of the seasons ahead.
    let mut base: Vec<f64> = z
        .iter()
        .zip(z.iter().skip(m))
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| b - a)
        .collect();
    let mut errors: Vec<Vec<f64>> = Vec::with_capacity(horizon);
    for h in 1..=horizon {
        let k = (h.div_ceil(m) as f64).sqrt();
        errors.push(base.iter().map(|e| e * k).collect());
    }
    base.clear();
    let offsets = band_offsets(&mut errors, level);
    let mut out = Forecast {
        mean: Vec::with_capacity(horizon),
        lower: Vec::with_capacity(horizon),
        upper: Vec::with_capacity(horizon),
        method: ForecastMethod::SeasonalNaive,
    };
    for (i, (lo, hi)) in offsets.iter().enumerate() {
        let c = last_of((n + i) % m);
        out.mean.push(from_scale(c, log));
        out.lower.push(from_scale(c + lo, log));
        out.upper.push(from_scale(c + hi, log));
    }
    out
}

fn mean_forecast(y: &[f64], horizon: usize, level: f64) -> Forecast {
    let mut v: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
    sort(&mut v);
    let mean = mean_of(&v).unwrap_or(0.0);
    let (lo, hi) = if v.len() >= 2 {
        let q = (1.0 - level) / 2.0;
        (quantile(&v, q), quantile(&v, 1.0 - q))
    } else {
        (0.0, 2.0 * mean)
    };
    Forecast {
        mean: vec![mean; horizon],
        lower: vec![lo.min(mean); horizon],
        upper: vec![hi.max(mean); horizon],
        method: ForecastMethod::Mean,
    }
}
