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
    /// Every method.
    pub const ALL: [ForecastMethod; 4] = [
        ForecastMethod::SeasonalDampedTrend,
        ForecastMethod::DampedTrend,
        ForecastMethod::SeasonalNaive,
        ForecastMethod::Mean,
    ];

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

mod fallback;
mod model;
mod prepare;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;

use fallback::*;
use model::*;
use prepare::*;
