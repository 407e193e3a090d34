//! The forecast of a chart's series: which values [`forecast`] is fitted to
//! and with which seasonality, from the series' dates and what each period
//! covers ([`Periods`]).
//!
//! - **Days** get a weekly season (period 7). A day missing between the first
//!   and the last is a missing value (`NaN`), not a zero: Genesys leaves out
//!   the days a group made no request, but a missing day of the whole series
//!   is more likely a gap in the data than a day without a single request.
//! - **Weeks and months** (days summed by [`fit_periods`], or rows bucketed by
//!   the vendor) get no season. When the days behind them are known, a first
//!   period that started after its Monday (or its 1st) is a missing value,
//!   since a part of a period would read as a fall; and a last period that
//!   ends before its Sunday (or its last day) is forecast as partial: its
//!   forecast is for the whole period, at least what it has so far.
//!
//! [`fit_periods`]: super::fit_periods

use super::forecast::{forecast, Forecast, ForecastOptions};
use super::{Periods, Series};
use crate::error::Result;
use crate::time::{civil_from_days, days_from_civil, parse_instant, DAY};

/// What a series' forecast is fitted to.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesForecastInput {
    /// Totals per period, oldest first, equally spaced; `NaN` for a missing
    /// day or a partial first period.
    pub values: Vec<f64>,
    /// Seasonality, and whether the last period is partial.
    pub options: ForecastOptions,
}

fn day_number(text: &str) -> Option<i64> {
    if text.len() != 10 {
        return None;
    }
    parse_instant(text).ok().map(|i| i.secs.div_euclid(DAY))
}

/// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

fn first_of_next_month(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    }
}

/// The values and options to forecast `series` with, or `None` when its
/// dates are not days (`YYYY-MM-DD`) or there are fewer than two of them.
///
/// `periods` says what each date covers ([`fit_periods`](super::fit_periods));
/// `days` is the first and last day of the data behind weeks or months, when
/// known, to tell partial periods (see the [module docs](self)).
pub fn forecast_input(
    series: &Series,
    periods: Periods,
    days: Option<(&str, &str)>,
) -> Option<SeriesForecastInput> {
    let starts: Vec<i64> = series
        .dates
        .iter()
        .map(|d| day_number(d))
        .collect::<Option<_>>()?;
    if starts.len() < 2 || starts.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    let totals = series.totals();
    let plain = |v: &[i64]| v.iter().map(|x| *x as f64).collect::<Vec<f64>>();
    let smallest_gap = starts.windows(2).map(|w| w[1] - w[0]).min().unwrap_or(0);
    match periods {
        Periods::AsGiven if smallest_gap == 1 => {
            let first = starts.first().copied().unwrap_or(0);
            let last = starts.last().copied().unwrap_or(0);
            let mut values = vec![f64::NAN; (last - first + 1) as usize];
            for (d, v) in starts.iter().zip(&totals) {
                if let Some(x) = values.get_mut((d - first) as usize) {
                    *x = *v as f64;
                }
            }
            Some(SeriesForecastInput {
                values,
                options: ForecastOptions::default(),
            })
        }
        Periods::AsGiven => Some(SeriesForecastInput {
            values: plain(&totals),
            options: ForecastOptions {
                seasonal_period: 0,
                ..ForecastOptions::default()
            },
        }),
        Periods::Weeks | Periods::Months => {
            let mut values = plain(&totals);
            let mut last_is_partial = false;
            if let Some((a, b)) = days.and_then(|(a, b)| Some((day_number(a)?, day_number(b)?))) {
                let (starts_late, ends_early) = match periods {
                    Periods::Weeks => (weekday(a) != 0, weekday(b) != 6),
                    _ => (civil_from_days(a).2 != 1, first_of_next_month(b) != b + 1),
                };
                if starts_late {
                    if let Some(x) = values.first_mut() {
                        *x = f64::NAN;
                    }
                }
                last_is_partial = ends_early;
            }
            Some(SeriesForecastInput {
                values,
                options: ForecastOptions {
                    seasonal_period: 0,
                    last_is_partial,
                    ..ForecastOptions::default()
                },
            })
        }
    }
}

/// The next `horizon` periods of `series` (see [`forecast_input`]), or
/// `None` when it has no dates to forecast from.
///
/// # Errors
///
/// Those of [`forecast`] (a horizon over its limit).
pub fn forecast_series(
    series: &Series,
    periods: Periods,
    days: Option<(&str, &str)>,
    horizon: usize,
) -> Result<Option<Forecast>> {
    let Some(input) = forecast_input(series, periods, days) else {
        return Ok(None);
    };
    if input.values.iter().all(|v| v.is_nan()) {
        return Ok(None);
    }
    forecast(&input.values, horizon, &input.options).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{ForecastMethod, SeriesGroup};

    fn series(dates: &[&str], values: &[i64]) -> Series {
        Series {
            dates: dates.iter().map(|d| d.to_string()).collect(),
            groups: vec![SeriesGroup {
                name: "a".into(),
                values: values.to_vec(),
            }],
        }
    }

    fn days_from(first: &str, n: usize) -> Vec<String> {
        let a = day_number(first).unwrap();
        (0..n as i64)
            .map(|k| crate::time::format_date((a + k) * DAY))
            .collect()
    }

    #[test]
    fn days_get_the_week_and_a_missing_day_is_missing_not_zero() {
        let s = series(&["2026-06-01", "2026-06-02", "2026-06-04"], &[100, 90, 80]);
        let input = forecast_input(&s, Periods::AsGiven, None).unwrap();
        assert_eq!(input.options.seasonal_period, 7);
        assert!(!input.options.last_is_partial);
        assert_eq!(input.values.len(), 4);
        assert_eq!(input.values[1], 90.0);
        assert!(input.values[2].is_nan(), "the missing 3 June is missing");
        assert_eq!(input.values[3], 80.0);
    }

    #[test]
    fn vendor_weeks_and_months_get_no_season() {
        let s = series(&["2026-06-01", "2026-06-08", "2026-06-15"], &[7, 8, 9]);
        let input = forecast_input(&s, Periods::AsGiven, None).unwrap();
        assert_eq!(input.options.seasonal_period, 0);
        assert_eq!(input.values, vec![7.0, 8.0, 9.0]);
    }

    #[test]
    fn summed_weeks_mark_a_late_first_week_missing_and_an_early_last_week_partial() {
        // Weeks of Monday 1 June to Monday 15 June; the data runs from
        // Wednesday 3 June to Tuesday 16 June.
        let s = series(&["2026-06-01", "2026-06-08", "2026-06-15"], &[50, 70, 20]);
        let input = forecast_input(&s, Periods::Weeks, Some(("2026-06-03", "2026-06-16"))).unwrap();
        assert_eq!(input.options.seasonal_period, 0);
        assert!(input.values[0].is_nan());
        assert_eq!(input.values[1..], [70.0, 20.0]);
        assert!(input.options.last_is_partial);
        // Whole weeks: nothing is missing or partial.
        let whole = forecast_input(&s, Periods::Weeks, Some(("2026-06-01", "2026-06-21"))).unwrap();
        assert_eq!(whole.values, vec![50.0, 70.0, 20.0]);
        assert!(!whole.options.last_is_partial);
    }

    #[test]
    fn summed_months_know_their_first_and_last_days() {
        let s = series(&["2026-01-01", "2026-02-01", "2026-03-01"], &[5, 6, 7]);
        let whole =
            forecast_input(&s, Periods::Months, Some(("2026-01-01", "2026-03-31"))).unwrap();
        assert!(!whole.values[0].is_nan());
        assert!(!whole.options.last_is_partial);
        let part = forecast_input(&s, Periods::Months, Some(("2026-01-02", "2026-03-30"))).unwrap();
        assert!(part.values[0].is_nan());
        assert!(part.options.last_is_partial);
    }

    #[test]
    fn totals_and_single_dates_are_not_forecast() {
        let total = series(&["total"], &[10]);
        assert_eq!(forecast_input(&total, Periods::AsGiven, None), None);
        let one = series(&["2026-06-01"], &[10]);
        assert_eq!(
            forecast_series(&one, Periods::AsGiven, None, 7).unwrap(),
            None
        );
    }

    #[test]
    fn a_weekly_cycle_ending_on_a_busy_monday_is_not_forecast_to_collapse() {
        // Four weeks, Monday first, ending on a Monday: the shape that made the
        // old straight line predict a fall to a tenth within a week.
        let week = [1200, 1150, 1100, 1120, 980, 210, 160];
        let values: Vec<i64> = week.iter().cycle().take(29).copied().collect();
        let dates = days_from("2026-06-01", 29);
        let refs: Vec<&str> = dates.iter().map(String::as_str).collect();
        let f = forecast_series(&series(&refs, &values), Periods::AsGiven, None, 7)
            .unwrap()
            .unwrap();
        assert_eq!(f.method, ForecastMethod::SeasonalDampedTrend);
        assert_eq!(f.mean.len(), 7);
        // Tuesday to Friday stay busy, the weekend quiet, and the band holds the mean.
        for (k, m) in f.mean.iter().enumerate() {
            let expected = week[(k + 1) % 7] as f64;
            assert!(
                (m - expected).abs() < expected * 0.2,
                "day {k}: {m} against {expected}"
            );
            assert!(f.lower[k] <= *m && *m <= f.upper[k]);
        }
    }
}
