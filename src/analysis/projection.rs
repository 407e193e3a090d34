//! The straight-line trend and projection, and ThousandEyes' period
//! projections.

use crate::time::{parse_instant, DAY};

/// A least-squares line through equally spaced values: `(slope, intercept)`
/// with x = 0, 1, 2, …
pub fn linear_trend(values: &[i64]) -> Option<(f64, f64)> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mean_x = (nf - 1.0) / 2.0;
    let mean_y = values.iter().map(|&v| v as f64).sum::<f64>() / nf;
    let mut sxy = 0.0;
    let mut sxx = 0.0;
    for (i, &v) in values.iter().enumerate() {
        let dx = i as f64 - mean_x;
        sxy += dx * (v as f64 - mean_y);
        sxx += dx * dx;
    }
    let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
    Some((slope, mean_y - slope * mean_x))
}

/// The next `days` values of the trend, never below zero.
pub fn project(values: &[i64], days: usize) -> Vec<i64> {
    let Some((slope, intercept)) = linear_trend(values) else {
        return vec![values.first().copied().unwrap_or(0); days];
    };
    let n = values.len();
    (0..days)
        .map(|k| (intercept + slope * (n + k) as f64).round().max(0.0) as i64)
        .collect()
}

/// Units of a ThousandEyes billing period: used so far, projected to its end,
/// and what is left of the quota.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodProjection {
    /// Units used so far.
    pub used: i64,
    /// Units expected by the end of the period.
    pub projected: i64,
    /// Units included, when known.
    pub quota: Option<i64>,
    /// Quota left now (negative when over).
    pub remaining: Option<i64>,
    /// Share of the period elapsed (0..=1).
    pub elapsed: f64,
    /// Whether the projection exceeds the quota.
    pub over_quota: bool,
}

/// Projects units to the end of the period. The vendor's own projection is
/// used when given; otherwise usage so far is extended at its average rate.
pub fn period_projection(
    used: i64,
    vendor_projection: Option<i64>,
    quota: Option<i64>,
    period_start: Option<&str>,
    period_end: Option<&str>,
    now_secs: i64,
) -> PeriodProjection {
    let start = period_start
        .and_then(|s| parse_instant(s).ok())
        .map(|i| i.secs);
    let end = period_end
        .and_then(|s| parse_instant(s).ok())
        .map(|i| i.secs);
    let elapsed = match (start, end) {
        (Some(s), Some(e)) if e > s => ((now_secs - s) as f64 / (e - s) as f64).clamp(0.0, 1.0),
        _ => 0.0,
    };
    let projected = vendor_projection.unwrap_or_else(|| {
        if elapsed > 0.0 {
            (used as f64 / elapsed).round() as i64
        } else {
            used
        }
    });
    PeriodProjection {
        used,
        projected,
        quota,
        remaining: quota.map(|q| q - used),
        elapsed,
        over_quota: quota.is_some_and(|q| projected > q),
    }
}

/// Days between two `YYYY-MM-DD` dates (for filling gaps).
pub fn days_between(a: &str, b: &str) -> Option<i64> {
    let a = parse_instant(a).ok()?.secs;
    let b = parse_instant(b).ok()?.secs;
    Some((b - a) / DAY)
}
