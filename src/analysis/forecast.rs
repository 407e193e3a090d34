//! Forecasts of a usage series that respect the week, with a prediction band.
//!
//! [`forecast`] takes equally spaced values (requests per day, or per week or
//! month), oldest first, and returns the next `horizon` values with a band
//! that should hold the given share of them (80 % by default).
//!
//! # The model
//!
//! Daily usage is busy on weekdays and quiet at weekends, and its level drifts,
//! grows or falls. The model keeps a level, a damped trend and one seasonal
//! offset per weekday on the scale `ln(1 + value)`, so the weekly pattern and
//! the trend are multiplicative on the counts (a quiet Sunday stays a fixed
//! share of a busy Monday, and a trend is a growth rate) while zeros need no
//! special case. Each value corrects the states by its one-step error
//! (Holt-Winters in error-correction form). The four smoothing parameters are
//! fitted to the series by Nelder–Mead on a Huber loss of the one-step errors.
//!
//! Two variants are fitted: one where every error corrects the states in full,
//! and one where an error beyond 2.5 times a running scale of the recent errors
//! is clipped first, so that a holiday or a one-day spike does not drag the
//! level and the weekday pattern with it. The one kept is the one with the
//! smaller mean absolute error, in the series itself, of its forecasts one to
//! two seasons ahead: clipping wins on series with holidays and spikes, full
//! corrections win where the level or the weekly pattern really moved.
//!
//! Series without seasonality (`seasonal_period` 0 or 1: weekly or monthly
//! totals) get the same model without the seasonal part.
//!
//! # How it was chosen
//!
//! By a rolling-origin backtest (`benches/forecast.rs`, run by `make bench`):
//! the simulator's OAuth clients and generated series with holidays, level
//! shifts, trend changes, zeros and noise, forecast 7 and 28 days ahead from
//! every sixth day (so from every weekday) after sixteen weeks of history.
//! The log scale beat the counts themselves (a plain additive Holt-Winters)
//! and a seasonal decomposition with a damped trend; choosing between clipped
//! and full corrections beat either alone. 28 days ahead, its sMAPE is about
//! 10 %, against 13 % for statsmodels' multiplicative Holt-Winters, 13 % for
//! seasonal naive and 47 % for the old linear trend; the benchmark prints the
//! current figures.
//!
//! # The band
//!
//! The model's own errors in the series at each horizon `h` (the forecast from
//! every point after the first two seasons, `h` steps ahead, against what
//! came) give the band's offsets as empirical quantiles, on the model's scale.
//! Where fewer than 20 such errors exist (far horizons, short series), the
//! offsets of the farthest horizon that had enough are widened by
//! `sqrt(h / h0)`. A band never narrows as the horizon grows, and never goes
//! below 0.
//!
//! # Awkward input
//!
//! - **Missing values** are `NaN`. The model carries its state across them as
//!   its own forecast: a missing day neither pulls the level down (as a 0
//!   would) nor counts as an error. Leading missing values are dropped. When
//!   the last values are missing, the forecast and its band are those of the
//!   last observed value, that many steps further ahead.
//! - **Zeros** are ordinary values on the `ln(1 + value)` scale, so nothing
//!   divides by them. Leading zeros (before a client was first used) are
//!   dropped; a series of zeros forecasts zeros.
//! - **A partial last period** (`last_is_partial`, e.g. today so far) is left
//!   out of the fit: the forecast starts at that period, and its first value
//!   and band are at least the partial value (the period's total cannot be less).
//! - **Counts**: when every value is a whole number, the forecast is rounded
//!   and the band widened to whole numbers.
//! - Negative or infinite values, a horizon over [`MAX_HORIZON`], a seasonal
//!   period over [`MAX_PERIOD`] and an interval level outside (0, 1) are
//!   errors of kind `invalidInput`. Horizon 0 gives empty vectors. Only the
//!   last [`MAX_FIT`] values up to the last observed one are fitted, and more
//!   than [`MAX_HORIZON`] missing values at the end are an error too. Huge
//!   values are fine (results are capped at `f64::MAX`).
//!
//! # Short series
//!
//! With fewer than two full seasons of observed values (under 14 days), the
//! forecast is seasonal naive (each day as the same weekday last week) when at
//! least one season is there, and otherwise the mean; without seasonality,
//! the mean below 8 values. [`Forecast::method`] says which.

use crate::error::{Error, Result};

/// The longest horizon accepted (ten years of days).
pub const MAX_HORIZON: usize = 3660;
/// The longest seasonal period accepted.
pub const MAX_PERIOD: usize = 366;
/// How many of the latest values are fitted (three years of days).
pub const MAX_FIT: usize = 1096;

/// Below this many observed values, a series without seasonality gets the mean.
const MIN_NONSEASONAL: usize = 8;
/// Errors needed at a horizon for its own quantiles.
const MIN_ERRORS: usize = 20;
/// Errors beyond this many running scales are clipped (in the clipped variant).
const CLIP: f64 = 2.5;
/// How fast the running scale of the errors follows them.
const SCALE_RATE: f64 = 0.1;
/// E|e| / sigma for a normal error.
const ABS_TO_SD: f64 = 0.797_884_560_802_865_4;
/// The smallest running scale on the log scale (1 %).
const SCALE_FLOOR: f64 = 0.01;
/// The trend may move a forecast at most this far on the log scale (×2 or ÷2).
const TREND_CAP: f64 = std::f64::consts::LN_2;

/// How to forecast. Every field is optional in JSON (camelCase).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct ForecastOptions {
    /// Values per season: 7 for daily series (the default, a weekly cycle);
    /// 0 or 1 for none (weekly or monthly totals). At most [`MAX_PERIOD`].
    #[cfg_attr(feature = "js", tsify(optional))]
    pub seasonal_period: usize,
    /// The share of future values the band should hold, between 0 and 1
    /// exclusive (default 0.8).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub interval_level: f64,
    /// Whether the last value covers only part of its period (today so far):
    /// it is then left out of the fit, and the forecast starts at its period.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum ForecastMethod {
    /// `seasonalDampedTrend`: level, damped trend and seasonal pattern on the
    /// log scale, fitted to the series (two seasons of values or more).
    SeasonalDampedTrend,
    /// `dampedTrend`: level and damped trend on the log scale, fitted to the
    /// series (no seasonality, 8 values or more).
    DampedTrend,
    /// `seasonalNaive`: each value as the same position one season earlier
    /// (at least one season but less than two).
    SeasonalNaive,
    /// `mean`: the mean of the values (less than one season, or fewer than 8
    /// values without seasonality).
    Mean,
}

impl ForecastMethod {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ForecastMethod::SeasonalDampedTrend => "seasonalDampedTrend",
            ForecastMethod::DampedTrend => "dampedTrend",
            ForecastMethod::SeasonalNaive => "seasonalNaive",
            ForecastMethod::Mean => "mean",
        }
    }
}

/// A forecast: a central value and a band for each future period.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct Forecast {
    /// The central forecast of each period (the median on the model's scale).
    pub mean: Vec<f64>,
    /// The lower edge of the band, never below 0.
    pub lower: Vec<f64>,
    /// The upper edge of the band.
    pub upper: Vec<f64>,
    /// The share of values the band should hold.
    pub interval_level: f64,
    /// The index, in the values given, of the period `mean[0]` is for: their
    /// length, or their length − 1 when the last value is partial.
    pub start: usize,
    /// The method used.
    pub method: ForecastMethod,
}

/// The next `horizon` values of `values` (oldest first, equally spaced, `NaN`
/// for a missing value), with a band; see the [module docs](self).
///
/// # Errors
///
/// `invalidInput` for a negative or infinite value, a series with no value
/// (or more than [`MAX_HORIZON`] missing at its end), and options out of range.
///
/// # Example
///
/// ```
/// use usage_lens::analysis::{forecast, ForecastMethod, ForecastOptions};
///
/// // Four weeks of requests per day, Monday first: busy weekdays, quiet weekends.
/// let week = [1200.0, 1150.0, 1100.0, 1120.0, 980.0, 210.0, 160.0];
/// let days: Vec<f64> = week.iter().cycle().take(28).copied().collect();
/// let f = forecast(&days, 7, &ForecastOptions::default()).unwrap();
/// assert_eq!(f.method, ForecastMethod::SeasonalDampedTrend);
/// assert_eq!(f.start, 28);
/// assert_eq!(f.mean, week); // next Monday is busy again
/// assert!(f.lower.iter().zip(&f.upper).all(|(l, u)| l <= u));
/// ```
pub fn forecast(values: &[f64], horizon: usize, options: &ForecastOptions) -> Result<Forecast> {
    let p = Prepared::new(values, horizon, options)?;
    let m = p.m;
    let method = if m >= 2 && p.observed >= 2 * m {
        ForecastMethod::SeasonalDampedTrend
    } else if m >= 2 && p.observed >= m {
        ForecastMethod::SeasonalNaive
    } else if m < 2 && p.observed >= MIN_NONSEASONAL {
        ForecastMethod::DampedTrend
    } else {
        ForecastMethod::Mean
    };
    let band = match method {
        _ if horizon == 0 => Band::default(),
        ForecastMethod::SeasonalDampedTrend | ForecastMethod::DampedTrend => {
            model_band(&p, options.interval_level)
        }
        ForecastMethod::SeasonalNaive => seasonal_naive_band(&p, options.interval_level),
        ForecastMethod::Mean => mean_band(&p, options.interval_level),
    };
    Ok(p.finish(band, method, values, options))
}

/// The seasonal naive forecast (each value as the same position one season
/// earlier, the last one observed) with a band from its own errors in the
/// series, whatever the length of the series: the baseline a forecast should
/// beat. Takes the same input and options as [`forecast`]; without
/// seasonality it repeats the last observed value.
///
/// # Errors
///
/// As [`forecast`].
pub fn seasonal_naive(
    values: &[f64],
    horizon: usize,
    options: &ForecastOptions,
) -> Result<Forecast> {
    let p = Prepared::new(values, horizon, options)?;
    let band = seasonal_naive_band(&p, options.interval_level);
    Ok(p.finish(band, ForecastMethod::SeasonalNaive, values, options))
}

// ------------------------------------------------------------ input and output

/// The series as fitted: on the log scale, trimmed, with what is known about it.
struct Prepared {
    /// `ln(1 + value)`, `NaN` where missing, from the first value kept to
    /// the last observed one.
    z: Vec<f64>,
    /// Observed values in `z`.
    observed: usize,
    /// Missing values after the last observed one.
    gap: usize,
    /// The seasonal period (1: none).
    m: usize,
    /// Periods to forecast.
    horizon: usize,
    /// Whether every value is a whole number.
    counts: bool,
}

/// Central values and band edges on the log scale, for the horizons after the gap.
#[derive(Default)]
struct Band {
    centre: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl Prepared {
    fn new(values: &[f64], horizon: usize, options: &ForecastOptions) -> Result<Prepared> {
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
                "value {i} is {v}: a forecast needs values of 0 or more (NaN for a missing one)"
            )));
        }
        let fitted = if options.last_is_partial {
            values.split_last().map_or(&[][..], |(_, rest)| rest)
        } else {
            values
        };
        // Missing values at the end move the forecast further ahead.
        let gap = fitted.iter().rev().take_while(|v| v.is_nan()).count();
        if gap > MAX_HORIZON {
            return Err(Error::invalid_input(format!(
                "the last {gap} values are missing: a forecast needs a value in the last {MAX_HORIZON}"
            )));
        }
        let fitted = fitted.get(..fitted.len() - gap).unwrap_or(&[]);
        let fitted = fitted
            .get(fitted.len().saturating_sub(MAX_FIT)..)
            .unwrap_or(fitted);
        let first = fitted
            .iter()
            .position(|v| *v > 0.0)
            .or_else(|| fitted.iter().position(|v| !v.is_nan()))
            .unwrap_or(fitted.len());
        let z: Vec<f64> = fitted
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .map(|v| v.ln_1p())
            .collect();
        let observed = z.iter().filter(|v| !v.is_nan()).count();
        if observed == 0 {
            return Err(Error::invalid_input(
                "a forecast needs at least one value that is not missing (and not the partial one)",
            ));
        }
        Ok(Prepared {
            z,
            observed,
            gap,
            m: options.seasonal_period.max(1),
            horizon,
            counts: values.iter().all(|v| v.is_nan() || v.fract() == 0.0),
        })
    }

    /// The index just after the last observed value.
    fn end(&self) -> usize {
        self.z.len()
    }

    fn finish(
        &self,
        band: Band,
        method: ForecastMethod,
        values: &[f64],
        options: &ForecastOptions,
    ) -> Forecast {
        let back = |z: f64| {
            let v = z.exp_m1();
            if v.is_nan() {
                0.0
            } else {
                v.clamp(0.0, f64::MAX)
            }
        };
        let mut out = Forecast {
            mean: band.centre.iter().map(|z| back(*z)).collect(),
            lower: band.lower.iter().map(|z| back(*z)).collect(),
            upper: band.upper.iter().map(|z| back(*z)).collect(),
            interval_level: options.interval_level,
            start: if options.last_is_partial {
                values.len().saturating_sub(1)
            } else {
                values.len()
            },
            method,
        };
        if options.last_is_partial {
            if let Some(partial) = values.last().copied().filter(|v| !v.is_nan()) {
                for v in [
                    out.mean.first_mut(),
                    out.lower.first_mut(),
                    out.upper.first_mut(),
                ]
                .into_iter()
                .flatten()
                {
                    *v = v.max(partial);
                }
            }
        }
        if self.counts {
            // Whole numbers, after forgiving the last bits of ln/exp.
            let snap = |v: f64| {
                let r = v.round();
                if (v - r).abs() <= 1e-9 * r.abs().max(1.0) {
                    r
                } else {
                    v
                }
            };
            out.mean.iter_mut().for_each(|v| *v = v.round());
            out.lower.iter_mut().for_each(|v| *v = snap(*v).floor());
            out.upper.iter_mut().for_each(|v| *v = snap(*v).ceil());
        }
        out
    }
}

fn sort(v: &mut [f64]) {
    v.sort_by(f64::total_cmp);
}

/// The `q`-quantile (0..=1) of sorted values, interpolated; 0 for none.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(&first) = sorted.first() else {
        return 0.0;
    };
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let a = sorted.get(lo).copied().unwrap_or(first);
    let b = sorted.get(lo + 1).copied().unwrap_or(a);
    a + (b - a) * (pos - lo as f64)
}

fn mean_of(v: &[f64]) -> Option<f64> {
    let (s, n) = v
        .iter()
        .filter(|x| !x.is_nan())
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// The band's offsets (on the model's scale) for horizons `1..=errors.len()`
/// from the errors at each horizon; where a horizon has fewer than
/// [`MIN_ERRORS`], the last horizon that had enough is widened by
/// `sqrt(h / h0)`, or, before any, `base` (errors one step, or one season,
/// ahead) by `sqrt(h / base_h)`. `None` when there is nothing to measure.
fn band_offsets(
    mut errors: Vec<Vec<f64>>,
    mut base: Vec<f64>,
    base_h: usize,
    level: f64,
) -> Option<Vec<(f64, f64)>> {
    let lo_q = (1.0 - level) / 2.0;
    let hi_q = 1.0 - lo_q;
    sort(&mut base);
    let mut known: Option<(usize, f64, f64)> =
        (base.len() >= 2).then(|| (base_h, quantile(&base, lo_q), quantile(&base, hi_q)));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(errors.len());
    let (mut lo_min, mut hi_max) = (0.0f64, 0.0f64);
    for (i, e) in errors.iter_mut().enumerate() {
        let h = i + 1;
        let (lo, hi) = if e.len() >= MIN_ERRORS {
            sort(e);
            let v = (quantile(e, lo_q), quantile(e, hi_q));
            known = Some((h, v.0, v.1));
            v
        } else {
            let (h0, lo0, hi0) = known?;
            let k = (h as f64 / h0.max(1) as f64).max(1.0).sqrt();
            (lo0 * k, hi0 * k)
        };
        lo_min = lo_min.min(lo);
        hi_max = hi_max.max(hi);
        out.push((lo_min, hi_max));
    }
    Some(out)
}

/// A band from central values and offsets, or from 0 to twice the centre
/// when there were no errors to measure.
fn band_from(centre: Vec<f64>, offsets: Option<Vec<(f64, f64)>>) -> Band {
    let (lower, upper) = match offsets {
        Some(o) => centre
            .iter()
            .zip(&o)
            .map(|(c, (lo, hi))| (c + lo, c + hi))
            .unzip(),
        None => (
            vec![0.0; centre.len()],
            centre.iter().map(|c| (2.0 * c.exp_m1()).ln_1p()).collect(),
        ),
    };
    Band {
        centre,
        lower,
        upper,
    }
}

// ------------------------------------------------------------------ fallbacks

fn seasonal_naive_band(p: &Prepared, level: f64) -> Band {
    let (z, m, end) = (&p.z, p.m, p.end());
    let fallback = mean_of(z).unwrap_or(0.0);
    // The last observed value of each position of the season.
    let mut last = vec![f64::NAN; m];
    for (t, v) in z.iter().enumerate().take(end) {
        if let Some(slot) = last.get_mut(t % m).filter(|_| !v.is_nan()) {
            *slot = *v;
        }
    }
    let total = p.gap + p.horizon;
    let centre: Vec<f64> = (end..end + total)
        .map(|t| {
            last.get(t % m)
                .copied()
                .filter(|v| !v.is_nan())
                .unwrap_or(fallback)
        })
        .collect();
    // Errors k seasons ahead: z_t − z_{t − k m}.
    let lagged = |k: usize| -> Vec<f64> {
        z.iter()
            .zip(z.iter().skip(k * m))
            .filter(|(a, b)| !a.is_nan() && !b.is_nan())
            .map(|(a, b)| b - a)
            .collect()
    };
    let mut by_k: Vec<Vec<f64>> = Vec::new();
    let errors: Vec<Vec<f64>> = (1..=total)
        .map(|h| {
            // Step h repeats the value k = ceil(h / m) seasons before it.
            let k = h.div_ceil(m);
            while by_k.len() < k {
                by_k.push(lagged(by_k.len() + 1));
            }
            by_k.get(k - 1).cloned().unwrap_or_default()
        })
        .collect();
    let offsets = band_offsets(errors, lagged(1), m, level);
    skip_gap(band_from(centre, offsets), p.gap)
}

fn mean_band(p: &Prepared, level: f64) -> Band {
    let mut v: Vec<f64> =
        p.z.iter()
            .copied()
            .filter(|v| !v.is_nan())
            .map(f64::exp_m1)
            .collect();
    sort(&mut v);
    let mean = mean_of(&v).unwrap_or(0.0);
    let (lo, hi) = if v.len() >= 2 {
        let q = (1.0 - level) / 2.0;
        (quantile(&v, q).min(mean), quantile(&v, 1.0 - q).max(mean))
    } else {
        (0.0, 2.0 * mean)
    };
    let n = p.horizon;
    Band {
        centre: vec![mean.ln_1p(); n],
        lower: vec![lo.ln_1p(); n],
        upper: vec![hi.ln_1p(); n],
    }
}

/// Drops the steps that fall on the missing values at the end.
fn skip_gap(mut b: Band, gap: usize) -> Band {
    for v in [&mut b.centre, &mut b.lower, &mut b.upper] {
        v.drain(..gap.min(v.len()));
    }
    b
}

// ------------------------------------------------------------------ the model

#[derive(Clone, Copy, Debug)]
struct Params {
    alpha: f64,
    beta: f64,
    gamma: f64,
    phi: f64,
}

/// Level, damped trend and seasonal offsets, additive on the log scale, in
/// error-correction form, over `z` (`NaN` = missing).
struct Model<'a> {
    z: &'a [f64],
    m: usize,
    /// Whether large errors are clipped before they correct the states.
    clipped: bool,
    level0: f64,
    trend0: f64,
    season0: Vec<f64>,
    scale0: f64,
}

/// The states after each step.
struct Path {
    level: Vec<f64>,
    trend: Vec<f64>,
    /// `m` initial offsets, then the offset written at each step.
    season: Vec<f64>,
}

/// A model with its parameters and states.
struct Fitted<'a> {
    model: Model<'a>,
    params: Params,
    path: Path,
    /// `phi + phi² + … + phi^h` at index `h − 1`.
    damp: Vec<f64>,
}

impl<'a> Model<'a> {
    /// Initial states from the first two seasons (or the first value).
    fn new(z: &'a [f64], m: usize, clipped: bool) -> Model<'a> {
        let (level0, trend0, season0) = if m >= 2 {
            let s1 = z.get(..m).unwrap_or(&[]);
            let s2 = z.get(m..2 * m).unwrap_or(&[]);
            let m1 = mean_of(s1).unwrap_or(0.0);
            let m2 = mean_of(s2).unwrap_or(m1);
            let b = (m2 - m1) / m as f64;
            let mut season: Vec<f64> = (0..m)
                .map(|i| {
                    let parts: Vec<f64> = [s1.get(i).map(|v| v - m1), s2.get(i).map(|v| v - m2)]
                        .into_iter()
                        .flatten()
                        .collect();
                    mean_of(&parts).unwrap_or(0.0)
                })
                .collect();
            let centre = mean_of(&season).unwrap_or(0.0);
            season.iter_mut().for_each(|s| *s -= centre);
            // The level just before the first value, so that the middle of
            // the first season sits at its mean.
            (m1 - b * (m as f64 + 1.0) / 2.0, b, season)
        } else {
            let first = z.iter().copied().find(|v| !v.is_nan()).unwrap_or(0.0);
            (first, 0.0, Vec::new())
        };
        // A robust scale of the differences one season apart.
        let mut diffs: Vec<f64> = z
            .iter()
            .zip(z.iter().skip(m))
            .map(|(a, b)| (b - a).abs())
            .filter(|d| !d.is_nan())
            .collect();
        sort(&mut diffs);
        let mad = quantile(&diffs, 0.5) * 1.4826 / std::f64::consts::SQRT_2;
        Model {
            z,
            m,
            clipped,
            level0,
            trend0,
            season0,
            scale0: mad.max(SCALE_FLOOR),
        }
    }

    /// Runs the recursions: the Huber loss of the one-step errors and, if
    /// asked, the states.
    fn run(&self, p: Params, keep: bool) -> (f64, Option<Path>) {
        let n = self.z.len();
        let seasonal = self.m >= 2;
        let mut level = self.level0;
        let mut trend = self.trend0;
        let mut season = self.season0.clone();
        season.reserve(if seasonal { n } else { 0 });
        let mut path = keep.then(|| Path {
            level: Vec::with_capacity(n),
            trend: Vec::with_capacity(n),
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
            let mut e = 0.0;
            if !z.is_nan() {
                e = z - (level + damped + s_prev);
                let bound = CLIP * scale;
                loss += if e.abs() > bound {
                    bound * (2.0 * e.abs() - bound)
                } else {
                    e * e
                };
                let clipped = e.clamp(-bound, bound);
                scale = ((1.0 - SCALE_RATE) * scale + SCALE_RATE * clipped.abs() / ABS_TO_SD)
                    .max(SCALE_FLOOR);
                if self.clipped {
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
        (if loss.is_finite() { loss } else { f64::MAX }, path)
    }

    /// Parameters from unbounded coordinates: `0.01 ≤ alpha ≤ 0.99`,
    /// `beta ≤ alpha / 2`, `gamma ≤ 1 − alpha`, `0.8 ≤ phi ≤ 0.98`.
    fn params(&self, x: &[f64; 4]) -> Params {
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        let [a, b, g, f] = *x;
        let alpha = 0.01 + 0.98 * sig(a);
        Params {
            alpha,
            beta: alpha * 0.5 * sig(b),
            gamma: if self.m >= 2 {
                (1.0 - alpha) * sig(g)
            } else {
                0.0
            },
            phi: 0.8 + 0.18 * sig(f),
        }
    }

    fn fit(self) -> Option<Fitted<'a>> {
        let loss = |x: &[f64; 4]| self.run(self.params(x), false).0;
        let mut best: Option<(f64, [f64; 4])> = None;
        for start in [[-1.0, -3.0, -2.0, 1.0], [1.0, -4.0, -3.0, 0.0]] {
            let (v, x) = nelder_mead(&loss, start, 300);
            if best.is_none_or(|(b, _)| v < b) {
                best = Some((v, x));
            }
        }
        let params = self.params(&best?.1);
        let path = self.run(params, true).1?;
        Some(Fitted {
            model: self,
            params,
            path,
            damp: Vec::new(),
        })
    }
}

impl Fitted<'_> {
    /// Makes [`Fitted::predict`] ready for horizons up to `h`.
    fn reach(&mut self, h: usize) {
        if self.damp.len() >= h {
            return;
        }
        let phi = self.params.phi;
        let (mut sum, mut power) = (0.0, 1.0);
        self.damp.clear();
        for _ in 0..h {
            power *= phi;
            sum += power;
            self.damp.push(sum);
        }
    }

    /// The forecast `h` (≥ 1) steps after index `t`, on the log scale.
    fn predict(&self, t: usize, h: usize) -> f64 {
        let path = &self.path;
        let level = path.level.get(t).copied().unwrap_or(0.0);
        let trend = path.trend.get(t).copied().unwrap_or(0.0);
        let damp = self.damp.get(h.saturating_sub(1)).copied().unwrap_or(0.0);
        let m = self.model.m;
        let season = if m >= 2 {
            // The latest offset of that position: s_{t+h−mk}, k = ceil(h/m),
            // stored at index t + h − mk + m.
            let k = h.div_ceil(m);
            path.season.get(t + h + m - m * k).copied().unwrap_or(0.0)
        } else {
            0.0
        };
        level + (damp * trend).clamp(-TREND_CAP, TREND_CAP) + season
    }

    /// Errors in the series at horizons `1..=horizon`, from every origin after
    /// the first two seasons (or the first 13 values without seasonality).
    fn errors(&mut self, horizon: usize) -> Vec<Vec<f64>> {
        self.reach(horizon);
        let z = self.model.z;
        let n = z.len();
        let start = (2 * self.model.m).max(14) - 1;
        (1..=horizon)
            .map(|h| {
                (start..n.saturating_sub(h))
                    .filter_map(|t| {
                        let actual = z.get(t + h).copied().filter(|v| !v.is_nan())?;
                        // Origins after the last observed value are not origins.
                        z.get(t).filter(|v| !v.is_nan())?;
                        Some(actual - self.predict(t, h))
                    })
                    .collect()
            })
            .collect()
    }

    /// One-step errors over the whole series (for short series).
    fn one_step_errors(&mut self) -> Vec<f64> {
        self.reach(1);
        let z = self.model.z;
        (0..z.len().saturating_sub(1))
            .filter_map(|t| {
                let actual = z.get(t + 1).copied().filter(|v| !v.is_nan())?;
                Some(actual - self.predict(t, 1))
            })
            .collect()
    }

    /// Mean absolute error in the series, one to two seasons ahead.
    fn score(&mut self) -> f64 {
        let e = self.errors(2 * self.model.m.max(2));
        let (s, k) = e
            .iter()
            .flatten()
            .fold((0.0, 0usize), |(s, k), v| (s + v.abs(), k + 1));
        if k == 0 {
            f64::INFINITY
        } else {
            s / k as f64
        }
    }
}

fn model_band(p: &Prepared, level: f64) -> Band {
    let z = &p.z;
    let mut best: Option<(f64, Fitted)> = None;
    for clipped in [true, false] {
        if let Some(mut f) = Model::new(z, p.m, clipped).fit() {
            let s = f.score();
            if best.as_ref().is_none_or(|(b, _)| s < *b) {
                best = Some((s, f));
            }
        }
    }
    let Some((_, mut f)) = best else {
        return mean_band(p, level);
    };
    // Steps from the last observed value: the gap, then the horizon.
    let total = p.gap + p.horizon;
    let errors = f.errors(total);
    let base = f.one_step_errors();
    let offsets = band_offsets(errors, base, 1, level);
    let last = z.len().saturating_sub(1);
    let centre = (1..=total).map(|h| f.predict(last, h)).collect();
    skip_gap(band_from(centre, offsets), p.gap)
}

/// Minimises `f` from `x0` by the Nelder–Mead simplex method, within
/// `max_evals` evaluations; returns the best value and point.
fn nelder_mead(f: &dyn Fn(&[f64; 4]) -> f64, x0: [f64; 4], max_evals: usize) -> (f64, [f64; 4]) {
    type Point = ([f64; 4], f64);
    let eval = |x: [f64; 4]| -> Point { (x, f(&x)) };
    let mut s: [Point; 5] = [eval(x0); 5];
    for (i, p) in s.iter_mut().skip(1).enumerate() {
        let mut x = x0;
        if let Some(c) = x.get_mut(i) {
            *c += 1.0;
        }
        *p = eval(x);
    }
    let mut evals = 5;
    let lerp = |a: &[f64; 4], b: &[f64; 4], t: f64| -> [f64; 4] {
        let mut x = *a;
        for (xi, (ai, bi)) in x.iter_mut().zip(a.iter().zip(b)) {
            *xi = ai + t * (bi - ai);
        }
        x
    };
    while evals < max_evals {
        s.sort_by(|a, b| a.1.total_cmp(&b.1));
        let [best, _, _, second_worst, worst] = s;
        if (worst.1 - best.1).abs() <= 1e-10 * (best.1.abs() + 1e-12) {
            break;
        }
        let mut centroid = [0.0; 4];
        for (x, _) in s.iter().take(4) {
            for (c, xi) in centroid.iter_mut().zip(x) {
                *c += xi / 4.0;
            }
        }
        let reflected = eval(lerp(&centroid, &worst.0, -1.0));
        evals += 1;
        let next = if reflected.1 < best.1 {
            let expanded = eval(lerp(&centroid, &worst.0, -2.0));
            evals += 1;
            Some(if expanded.1 < reflected.1 {
                expanded
            } else {
                reflected
            })
        } else if reflected.1 < second_worst.1 {
            Some(reflected)
        } else {
            let t = if reflected.1 < worst.1 { -0.5 } else { 0.5 };
            let contracted = eval(lerp(&centroid, &worst.0, t));
            evals += 1;
            (contracted.1 < worst.1.min(reflected.1)).then_some(contracted)
        };
        match next {
            Some(p) => s[4] = p,
            None => {
                for p in s.iter_mut().skip(1) {
                    *p = eval(lerp(&best.0, &p.0, 0.5));
                    evals += 1;
                }
            }
        }
    }
    s.sort_by(|a, b| a.1.total_cmp(&b.1));
    (s[0].1, s[0].0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const WEEK: [f64; 7] = [1000.5, 1050.5, 1020.5, 980.5, 900.5, 120.5, 100.5];

    fn daily() -> ForecastOptions {
        ForecastOptions::default()
    }

    fn weeks(n: usize) -> Vec<f64> {
        WEEK.iter().cycle().take(7 * n).copied().collect()
    }

    /// Deterministic noise: exp(sd · u), u uniform in [−√3, √3] (unit variance).
    fn noise(seed: &mut u64, sd: f64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = (*seed >> 11) as f64 / (1u64 << 53) as f64;
        (sd * (2.0 * u - 1.0) * 3f64.sqrt()).exp()
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-9)
    }

    fn assert_sane(f: &Forecast, horizon: usize) {
        assert_eq!(f.mean.len(), horizon);
        assert_eq!(f.lower.len(), horizon);
        assert_eq!(f.upper.len(), horizon);
        for i in 0..horizon {
            let (l, m, u) = (f.lower[i], f.mean[i], f.upper[i]);
            assert!(l.is_finite() && m.is_finite() && u.is_finite(), "{f:?}");
            assert!(0.0 <= l && l <= m && m <= u, "step {i}: {l} {m} {u}");
        }
    }

    #[test]
    fn a_repeating_week_is_forecast_as_that_week_with_a_narrow_band() {
        let values = weeks(5);
        let f = forecast(&values, 14, &daily()).unwrap();
        assert_sane(&f, 14);
        assert_eq!(f.method, ForecastMethod::SeasonalDampedTrend);
        for (i, m) in f.mean.iter().enumerate() {
            let truth = WEEK[(35 + i) % 7];
            assert!(close(*m, truth, 1e-6), "day {i}: {m} vs {truth}");
            assert!(f.upper[i] - f.lower[i] <= 0.01 * truth, "day {i}: {f:?}");
        }
    }

    #[test]
    fn a_weekly_pattern_with_a_linear_trend_continues_both() {
        let truth = |t: usize| WEEK[t % 7] * 4.0 + 8.0 * t as f64;
        let values: Vec<f64> = (0..70).map(truth).collect();
        let f = forecast(&values, 14, &daily()).unwrap();
        assert_sane(&f, 14);
        // Within 3 % on weekdays, 10 % at weekends: the model's season is a
        // ratio, and a trend added to the counts (not multiplied) raises the
        // weekend's share week by week.
        for (i, m) in f.mean.iter().enumerate() {
            let tolerance = if (70 + i) % 7 < 5 { 0.03 } else { 0.1 };
            assert!(
                close(*m, truth(70 + i), tolerance),
                "day {i}: {m} vs {}",
                truth(70 + i)
            );
        }
        // The trend: each week above the one before.
        let last_week: f64 = values[63..].iter().sum();
        let week1: f64 = f.mean[..7].iter().sum();
        let week2: f64 = f.mean[7..].iter().sum();
        assert!(
            last_week < week1 && week1 < week2,
            "{last_week} {week1} {week2}"
        );
        // The week: both weekend days below every weekday.
        let is_weekend = |i: usize| (70 + i) % 7 >= 5;
        let days = || f.mean.iter().copied().enumerate();
        let low = days()
            .filter(|(i, _)| !is_weekend(*i))
            .fold(f64::MAX, |a, (_, v)| a.min(v));
        assert!(
            days()
                .filter(|(i, _)| is_weekend(*i))
                .all(|(_, v)| v < 0.5 * low),
            "{f:?}"
        );
    }

    #[test]
    fn a_constant_series_is_forecast_as_itself() {
        let f = forecast(&[250.0; 30], 10, &daily()).unwrap();
        assert_eq!(f.mean, [250.0; 10]);
        assert_eq!(f.lower, [250.0; 10]);
        assert_eq!(f.upper, [250.0; 10]);
        let f = forecast(&[0.25; 30], 3, &daily()).unwrap();
        assert!(f.mean.iter().all(|m| close(*m, 0.25, 1e-9)), "{f:?}");
    }

    #[test]
    fn all_zeros_forecast_zeros() {
        for n in [1, 5, 10, 30] {
            let f = forecast(&vec![0.0; n], 7, &daily()).unwrap();
            assert_eq!(
                (f.mean, f.lower, f.upper),
                (vec![0.0; 7], vec![0.0; 7], vec![0.0; 7])
            );
        }
    }

    #[test]
    fn zeros_at_weekends_stay_zeros_and_nothing_divides_by_them() {
        let mut seed = 3;
        let values: Vec<f64> = (0..84)
            .map(|t| {
                if t % 7 >= 5 {
                    0.0
                } else {
                    (WEEK[t % 7] * noise(&mut seed, 0.1)).round()
                }
            })
            .collect();
        let f = forecast(&values, 14, &daily()).unwrap();
        assert_sane(&f, 14);
        for (i, m) in f.mean.iter().enumerate() {
            if (84 + i) % 7 >= 5 {
                assert_eq!(*m, 0.0, "day {i}");
            } else {
                assert!(close(*m, WEEK[(84 + i) % 7], 0.15), "day {i}: {m}");
            }
        }
    }

    #[test]
    fn leading_zeros_before_first_use_do_not_pull_the_level_down() {
        let mut values = vec![0.0; 60];
        values.extend(weeks(4));
        let f = forecast(&values, 7, &daily()).unwrap();
        for (i, m) in f.mean.iter().enumerate() {
            assert!(close(*m, WEEK[(88 + i - 60) % 7], 1e-6), "day {i}: {m}");
        }
    }

    #[test]
    fn short_series_fall_back_and_say_so() {
        let week: Vec<f64> = WEEK.to_vec();
        // Under one season: the mean, its band from the values.
        let f = forecast(&week[..5], 3, &daily()).unwrap();
        assert_eq!(f.method, ForecastMethod::Mean);
        let mean = week[..5].iter().sum::<f64>() / 5.0;
        assert!(f.mean.iter().all(|m| close(*m, mean, 1e-9)));
        assert_sane(&f, 3);
        // One value: the band spans 0 to twice it.
        let f = forecast(&[40.0], 2, &daily()).unwrap();
        assert_eq!(
            (f.method, f.mean, f.lower, f.upper),
            (
                ForecastMethod::Mean,
                vec![40.0; 2],
                vec![0.0; 2],
                vec![80.0; 2]
            )
        );
        // One season and a bit: the same weekday last week.
        let mut ten = week.clone();
        ten.extend([1010.5, 1040.5, 1030.5]);
        let f = forecast(&ten, 7, &daily()).unwrap();
        assert_eq!(f.method, ForecastMethod::SeasonalNaive);
        let last_week = [980.5, 900.5, 120.5, 100.5, 1010.5, 1040.5, 1030.5];
        for (m, v) in f.mean.iter().zip(last_week) {
            assert!(close(*m, v, 1e-9), "{f:?}");
        }
        assert_sane(&f, 7);
        assert!(f.upper[0] > f.lower[0]);
        // Two seasons: the model.
        assert_eq!(
            forecast(&weeks(2), 7, &daily()).unwrap().method,
            ForecastMethod::SeasonalDampedTrend
        );
        // Without a season: the mean below 8 values, then the model.
        let none = ForecastOptions {
            seasonal_period: 1,
            ..daily()
        };
        assert_eq!(
            forecast(&week, 3, &none).unwrap().method,
            ForecastMethod::Mean
        );
        let flat = [500.0; 8];
        let f = forecast(&flat, 3, &none).unwrap();
        assert_eq!(
            (f.method, f.mean),
            (ForecastMethod::DampedTrend, vec![500.0; 3])
        );
        let zero = ForecastOptions {
            seasonal_period: 0,
            ..daily()
        };
        assert_eq!(
            forecast(&flat, 3, &zero).unwrap().method,
            ForecastMethod::DampedTrend
        );
    }

    #[test]
    fn missing_days_are_skipped_not_read_as_zeros() {
        let mut seed = 11;
        let full: Vec<f64> = (0..70)
            .map(|t| WEEK[t % 7] * noise(&mut seed, 0.03))
            .collect();
        let complete = forecast(&full, 14, &daily()).unwrap();
        let mut holes = full.clone();
        for t in [3, 20, 41, 58, 66, 67] {
            holes[t] = f64::NAN;
        }
        let f = forecast(&holes, 14, &daily()).unwrap();
        assert_sane(&f, 14);
        for i in 0..14 {
            assert!(
                close(f.mean[i], complete.mean[i], 0.03),
                "day {i}: {} vs {}",
                f.mean[i],
                complete.mean[i]
            );
        }
        // The same holes as zeros would drag those weekdays down.
        let zeros: Vec<f64> = holes
            .iter()
            .map(|v| if v.is_nan() { 0.0 } else { *v })
            .collect();
        let z = forecast(&zeros, 14, &daily()).unwrap();
        let gap = |g: &Forecast| {
            (0..14)
                .map(|i| (g.mean[i] / complete.mean[i]).ln().abs())
                .sum::<f64>()
        };
        assert!(gap(&z) > 3.0 * gap(&f), "{} vs {}", gap(&z), gap(&f));
        // Missing days at the end: the forecast still starts after them, on
        // the right weekday, with a band at least as wide.
        let mut tail = full.clone();
        tail[68] = f64::NAN;
        tail[69] = f64::NAN;
        let t = forecast(&tail, 7, &daily()).unwrap();
        assert_eq!(t.start, 70);
        for i in 0..7 {
            assert!(
                close(t.mean[i], WEEK[(70 + i) % 7], 0.06),
                "day {i}: {}",
                t.mean[i]
            );
            assert!(
                t.upper[i] - t.lower[i] >= 0.99 * (complete.upper[i] - complete.lower[i]),
                "day {i}"
            );
        }
        // Leading missing days are dropped.
        let mut lead = vec![f64::NAN; 9];
        lead.extend(weeks(3));
        let l = forecast(&lead, 7, &daily()).unwrap();
        for i in 0..7 {
            assert!(
                close(l.mean[i], WEEK[(21 + i) % 7], 1e-6),
                "day {i}: {}",
                l.mean[i]
            );
        }
    }

    #[test]
    fn a_partial_last_day_is_not_read_as_a_quiet_day() {
        // Five weeks, then Monday so far: 300 of a usual 1000.
        let mut values = weeks(5);
        values.push(300.0);
        let partial = ForecastOptions {
            last_is_partial: true,
            ..daily()
        };
        let f = forecast(&values, 7, &partial).unwrap();
        assert_eq!(f.start, 35);
        for (i, (m, usual)) in f.mean.iter().zip(WEEK).enumerate() {
            assert!(close(*m, usual, 1e-6), "day {i}: {m}");
        }
        // Read as a full day, the 300 would have moved the days after it.
        let whole = forecast(&values, 7, &daily()).unwrap();
        assert_eq!(whole.start, 36);
        assert!(!close(whole.mean[0], WEEK[1], 1e-3), "{whole:?}");
        // The day's total is at least what has been counted so far.
        *values.last_mut().unwrap() = 5000.0;
        let f = forecast(&values, 7, &partial).unwrap();
        assert!(
            f.mean[0] >= 5000.0 && f.lower[0] >= 5000.0 && f.upper[0] >= 5000.0,
            "{f:?}"
        );
        assert!(close(f.mean[1], WEEK[1], 1e-6));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let ok = weeks(3);
        let mut cases: Vec<(Vec<f64>, usize, ForecastOptions)> = Vec::new();
        for bad in [-1.0, f64::INFINITY, f64::NEG_INFINITY] {
            let mut v = ok.clone();
            v[4] = bad;
            cases.push((v, 7, daily()));
        }
        cases.push((Vec::new(), 7, daily()));
        cases.push((vec![f64::NAN; 20], 7, daily()));
        cases.push((
            vec![5.0],
            7,
            ForecastOptions {
                last_is_partial: true,
                ..daily()
            },
        ));
        let mut stale = ok.clone();
        stale.extend(vec![f64::NAN; MAX_HORIZON + 1]);
        cases.push((stale, 7, daily()));
        cases.push((ok.clone(), MAX_HORIZON + 1, daily()));
        cases.push((ok.clone(), usize::MAX, daily()));
        for level in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            cases.push((
                ok.clone(),
                7,
                ForecastOptions {
                    interval_level: level,
                    ..daily()
                },
            ));
        }
        cases.push((
            ok.clone(),
            7,
            ForecastOptions {
                seasonal_period: MAX_PERIOD + 1,
                ..daily()
            },
        ));
        for (values, horizon, options) in cases {
            let e = forecast(&values, horizon, &options).unwrap_err();
            assert_eq!(
                e.kind,
                ErrorKind::InvalidInput,
                "{values:?} {horizon} {options:?}"
            );
            let e = seasonal_naive(&values, horizon, &options).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
        }
        let e = forecast(&[1.0, -2.0], 3, &daily()).unwrap_err();
        assert!(e.message.contains("value 1 is -2"), "{}", e.message);
    }

    #[test]
    fn horizon_zero_gives_empty_vectors() {
        for n in [1, 10, 40] {
            let f = forecast(&weeks(6)[..n], 0, &daily()).unwrap();
            assert!(f.mean.is_empty() && f.lower.is_empty() && f.upper.is_empty());
            assert_eq!(f.start, n);
        }
    }

    #[test]
    fn a_monday_after_a_quiet_weekend_does_not_collapse_the_forecast() {
        // Monday to Sunday, then a busy Monday: the old straight line falls
        // through the floor within the week.
        let counts: Vec<i64> = [1000, 1050, 1020, 980, 900, 120, 100, 1000].to_vec();
        let line = crate::analysis::project(&counts, 7);
        assert!(line[6] <= counts[7] / 3, "the old projection: {line:?}");
        let values: Vec<f64> = counts.iter().map(|v| *v as f64).collect();
        for history in [values.clone(), {
            let mut two = weeks(2);
            two.push(1000.5);
            two
        }] {
            let f = forecast(&history, 7, &daily()).unwrap();
            // Tuesday to Friday stay busy, the weekend quiet, Monday busy again.
            for (i, m) in f.mean.iter().enumerate() {
                let usual = WEEK[(1 + i) % 7];
                assert!(
                    close(*m, usual, 0.1),
                    "{:?} day {i}: {m} vs {usual}",
                    f.method
                );
            }
        }
    }

    #[test]
    fn huge_values_stay_finite() {
        let big: Vec<f64> = weeks(4).iter().map(|v| v * 1e12).collect();
        let f = forecast(&big, 7, &daily()).unwrap();
        assert_sane(&f, 7);
        for i in 0..7 {
            assert!(close(f.mean[i], WEEK[(28 + i) % 7] * 1e12, 1e-6));
        }
        let mut seed = 5;
        let huge: Vec<f64> = (0..40).map(|_| 1e300 * noise(&mut seed, 0.5)).collect();
        let f = forecast(&huge, 400, &daily()).unwrap();
        assert_sane(&f, 400);
        let f = forecast(&[f64::MAX; 20], 5, &daily()).unwrap();
        assert_sane(&f, 5);
        // A long series with a long gap at the end: the last values up to
        // the gap are fitted, the forecast starts after the gap.
        let mut long = weeks(500);
        long.extend(vec![f64::NAN; 1500]);
        let f = forecast(&long, 7, &daily()).unwrap();
        assert_eq!(f.start, 5000);
        for (i, m) in f.mean.iter().enumerate() {
            assert!(close(*m, WEEK[(5000 + i) % 7], 1e-6), "day {i}: {m}");
        }
        // A jump by a factor of a million does not explode the trend.
        let mut jump = vec![1.0; 21];
        jump.extend(vec![1e6; 5]);
        let f = forecast(&jump, 90, &daily()).unwrap();
        assert_sane(&f, 90);
        assert!(f.mean.iter().all(|m| *m <= 4e6), "{:?}", f.mean);
    }

    #[test]
    fn a_holiday_or_a_spike_does_not_drag_the_weeks_after_it() {
        for (day, factor) in [(50, 0.12), (52, 4.0)] {
            let mut seed = 7;
            let mut values: Vec<f64> = (0..77)
                .map(|t| WEEK[t % 7] * noise(&mut seed, 0.03))
                .collect();
            values[day] *= factor;
            let f = forecast(&values, 14, &daily()).unwrap();
            for (i, m) in f.mean.iter().enumerate() {
                let usual = WEEK[(77 + i) % 7];
                assert!(
                    close(*m, usual, 0.04),
                    "day {day} × {factor}, {i}: {m} vs {usual}"
                );
            }
        }
    }

    #[test]
    fn a_lasting_shift_is_followed() {
        // Eight weeks, then twice the usage for two weeks.
        let mut seed = 9;
        let values: Vec<f64> = (0..70)
            .map(|t| WEEK[t % 7] * if t >= 56 { 2.0 } else { 1.0 } * noise(&mut seed, 0.03))
            .collect();
        let f = forecast(&values, 7, &daily()).unwrap();
        for (i, m) in f.mean.iter().enumerate() {
            let usual = 2.0 * WEEK[(70 + i) % 7];
            assert!(close(*m, usual, 0.1), "day {i}: {m} vs {usual}");
        }
    }

    #[test]
    fn a_changed_weekly_pattern_is_followed() {
        // Ten weeks, then three with weekends three times as busy.
        let mut seed = 13;
        let values: Vec<f64> = (0..91)
            .map(|t| {
                let busier = t >= 70 && t % 7 >= 5;
                WEEK[t % 7] * if busier { 3.0 } else { 1.0 } * noise(&mut seed, 0.03)
            })
            .collect();
        let f = forecast(&values, 7, &daily()).unwrap();
        for (i, m) in f.mean.iter().enumerate() {
            let t = 91 + i;
            let usual = WEEK[t % 7] * if t % 7 >= 5 { 3.0 } else { 1.0 };
            assert!(close(*m, usual, 0.1), "day {i}: {m} vs {usual}");
        }
    }

    #[test]
    fn a_steep_ramp_does_not_explode() {
        // Doubling every day for three weeks: the trend may double a
        // forecast, not run away with it.
        let values: Vec<f64> = (0..21).map(|t| 2f64.powi(t)).collect();
        let f = forecast(&values, 90, &daily()).unwrap();
        assert_sane(&f, 90);
        let last = values[20];
        assert!(f.mean.iter().all(|m| *m <= 4.0 * last), "{:?}", f.mean);
    }

    #[test]
    fn the_band_widens_with_the_horizon_and_holds_about_its_share() {
        let (mut inside, mut total) = (0usize, 0usize);
        for s in 0..30u64 {
            let mut seed = s;
            let values: Vec<f64> = (0..154)
                .map(|t| WEEK[t % 7] * 3.0 * noise(&mut seed, 0.15))
                .collect();
            let (history, future) = values.split_at(126);
            let f = forecast(history, 28, &daily()).unwrap();
            assert_sane(&f, 28);
            for i in 7..28 {
                // On the model's scale, where the band is offsets.
                let width = |k: usize| f.upper[k].ln_1p() - f.lower[k].ln_1p();
                assert!(
                    width(i) >= width(i - 7) - 1e-9,
                    "series {s}, day {i}: {f:?}"
                );
            }
            for (a, (l, u)) in future.iter().zip(f.lower.iter().zip(&f.upper)) {
                inside += usize::from(l <= a && a <= u);
                total += 1;
            }
        }
        let share = inside as f64 / total as f64;
        assert!((0.7..=0.9).contains(&share), "80 % band holds {share}");
        // A wider level, a wider band.
        let values = weeks(10)
            .iter()
            .enumerate()
            .map(|(t, v)| v * (1.0 + 0.2 * ((t * 7919) % 13) as f64 / 13.0))
            .collect::<Vec<_>>();
        let narrow = forecast(&values, 7, &daily()).unwrap();
        let wide = forecast(
            &values,
            7,
            &ForecastOptions {
                interval_level: 0.95,
                ..daily()
            },
        )
        .unwrap();
        assert_eq!(narrow.mean, wide.mean);
        for i in 0..7 {
            assert!(wide.lower[i] <= narrow.lower[i] && narrow.upper[i] <= wide.upper[i]);
        }
        assert!((0..7).any(|i| wide.upper[i] - wide.lower[i] > narrow.upper[i] - narrow.lower[i]));
    }

    #[test]
    fn weekly_totals_get_a_damped_trend_without_a_season() {
        let values: Vec<f64> = (0..20).map(|t| 7000.0 + 150.0 * t as f64).collect();
        let options = ForecastOptions {
            seasonal_period: 1,
            ..daily()
        };
        let f = forecast(&values, 4, &options).unwrap();
        assert_eq!(f.method, ForecastMethod::DampedTrend);
        assert_sane(&f, 4);
        assert!(f.mean.windows(2).all(|w| w[0] <= w[1]), "{f:?}");
        assert!(
            f.mean[0] > values[19] && f.mean[3] < values[19] + 4.0 * 150.0 + 1.0,
            "{f:?}"
        );
    }

    #[test]
    fn seasonal_naive_repeats_last_week() {
        let mut values = weeks(3);
        values[20] = 50.0;
        let f = seasonal_naive(&values, 9, &daily()).unwrap();
        assert_eq!(f.method, ForecastMethod::SeasonalNaive);
        for (i, m) in f.mean.iter().enumerate() {
            assert!(close(*m, values[14 + i % 7], 1e-9), "day {i}: {m}");
        }
        assert_sane(&f, 9);
    }

    #[test]
    fn options_and_results_speak_camel_case_json() {
        let o: ForecastOptions = serde_json::from_str("{}").unwrap();
        assert_eq!(o, ForecastOptions::default());
        let o: ForecastOptions = serde_json::from_str(
            r#"{"seasonalPeriod":1,"intervalLevel":0.95,"lastIsPartial":true}"#,
        )
        .unwrap();
        assert_eq!(
            (o.seasonal_period, o.interval_level, o.last_is_partial),
            (1, 0.95, true)
        );
        assert!(serde_json::from_str::<ForecastOptions>(r#"{"period":7}"#).is_err());
        let f = forecast(&weeks(3), 1, &daily()).unwrap();
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["method"], "seasonalDampedTrend");
        assert_eq!(json["intervalLevel"], 0.8);
        assert_eq!(json["start"], 21);
        for m in [
            ForecastMethod::SeasonalDampedTrend,
            ForecastMethod::DampedTrend,
            ForecastMethod::SeasonalNaive,
            ForecastMethod::Mean,
        ] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
    }
}
