//! Daily series stacked by the top groups, and fitting them to a chart's
//! width (days summed into weeks or months).

use super::group::Groups;
use super::{Dimension, Records, NONE, OTHER};
use crate::time::{parse_instant, DAY};

/// A stacked time series: one value per day per group.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    /// The days, ascending (`YYYY-MM-DD`); rows without a date are one bucket named "total".
    pub dates: Vec<String>,
    /// The groups, largest first, then [`OTHER`].
    pub groups: Vec<SeriesGroup>,
}

/// One group of a [`Series`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesGroup {
    /// Name.
    pub name: String,
    /// Requests per day, aligned with [`Series::dates`].
    pub values: Vec<i64>,
}

impl Series {
    /// The sum over groups for each day.
    pub fn totals(&self) -> Vec<i64> {
        (0..self.dates.len())
            .map(|i| {
                self.groups
                    .iter()
                    .map(|g| g.values.get(i).copied().unwrap_or(0))
                    .sum()
            })
            .collect()
    }

    /// The largest daily total (for the chart's scale).
    pub fn max_total(&self) -> i64 {
        self.totals().into_iter().max().unwrap_or(0)
    }
}

/// Requests per day, stacked by the top `n` groups of `dim` and [`OTHER`].
pub fn daily_series(records: &Records, dim: Dimension, n: usize) -> Series {
    let groups = Groups::new(records.column(dim), NONE);
    let top: Vec<usize> = groups
        .ranked(&records.counts)
        .into_iter()
        .take(n)
        .map(|(g, _)| g)
        .filter(|g| groups.names.get(*g) != Some(&OTHER))
        .collect();
    // Each group's row in the stack: its place in the top, or the last (Other).
    let other_index = top.len();
    let mut stack_of = vec![other_index; groups.names.len()];
    for (i, g) in top.iter().enumerate() {
        if let Some(s) = stack_of.get_mut(*g) {
            *s = i;
        }
    }
    // Each day's place in time: the days sorted as text (`YYYY-MM-DD`).
    let days = Groups::new(&records.date, "total");
    let mut order: Vec<usize> = (0..days.names.len())
        .filter(|d| days.used.get(*d).copied().unwrap_or(false))
        .collect();
    order.sort_unstable_by(|a, b| days.names.get(*a).cmp(&days.names.get(*b)));
    let mut place = vec![0usize; days.names.len()];
    for (p, d) in order.iter().enumerate() {
        if let Some(x) = place.get_mut(*d) {
            *x = p;
        }
    }
    let width = order.len();
    let mut values = vec![0i64; (top.len() + 1) * width];
    for ((c, &g), &d) in records.counts.iter().zip(groups.ids).zip(days.ids) {
        let row = stack_of.get(groups.of(g)).copied().unwrap_or(other_index);
        let col = place.get(days.of(d)).copied().unwrap_or(0);
        if let Some(v) = values.get_mut(row * width + col) {
            *v += c.requests;
        }
    }
    let mut rows = values.chunks(width.max(1));
    let mut out: Vec<SeriesGroup> = top
        .iter()
        .map(|g| SeriesGroup {
            name: groups.names.get(*g).copied().unwrap_or("").to_string(),
            values: rows.next().map(<[i64]>::to_vec).unwrap_or_default(),
        })
        .collect();
    if let Some(other) = rows.next() {
        if other.iter().any(|&v| v != 0) {
            out.push(SeriesGroup {
                name: OTHER.to_string(),
                values: other.to_vec(),
            });
        }
    }
    Series {
        dates: order
            .iter()
            .map(|d| days.names.get(*d).copied().unwrap_or("").to_string())
            .collect(),
        groups: out,
    }
}

/// What each period of a [`Series`] covers after [`fit_periods`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Periods {
    /// The periods of the rows (days, or the granularity asked for).
    AsGiven,
    /// Weeks from Monday, named by their Monday.
    Weeks,
    /// Calendar months, named by their first day.
    Months,
}

/// The series with at most `max` periods, for a chart that has room for
/// that many bars: when it has more and its dates are days (`YYYY-MM-DD`),
/// the days are summed into weeks or, if those are still too many, into
/// months. Totals are kept; anything else comes back as it was.
pub fn fit_periods(series: Series, max: usize) -> (Series, Periods) {
    if series.dates.len() <= max {
        return (series, Periods::AsGiven);
    }
    let days: Option<Vec<i64>> = series
        .dates
        .iter()
        .map(|d| {
            (d.len() == 10)
                .then(|| parse_instant(d).ok())
                .flatten()
                .map(|i| i.secs.div_euclid(DAY))
        })
        .collect();
    let Some(days) = days else {
        return (series, Periods::AsGiven);
    };
    // 1970-01-01 was a Thursday: Monday is 3 days before it.
    let week = |d: i64| d - (d + 3).rem_euclid(7);
    let month = |d: i64| {
        let (y, m, _) = crate::time::civil_from_days(d);
        crate::time::days_from_civil(y, m, 1)
    };
    let weeks: Vec<i64> = days.iter().map(|d| week(*d)).collect();
    let (periods, keys) = if distinct(&weeks) <= max {
        (Periods::Weeks, weeks)
    } else {
        (Periods::Months, days.iter().map(|d| month(*d)).collect())
    };
    let mut starts = keys.clone();
    starts.sort_unstable();
    starts.dedup();
    let place: Vec<usize> = keys
        .iter()
        .map(|k| starts.binary_search(k).unwrap_or(0))
        .collect();
    let groups = series
        .groups
        .into_iter()
        .map(|g| {
            let mut values = vec![0i64; starts.len()];
            for (v, p) in g.values.iter().zip(&place) {
                if let Some(x) = values.get_mut(*p) {
                    *x += v;
                }
            }
            SeriesGroup {
                name: g.name,
                values,
            }
        })
        .collect();
    let dates = starts
        .iter()
        .map(|d| crate::time::format_date(d * DAY))
        .collect();
    (Series { dates, groups }, periods)
}

fn distinct(keys: &[i64]) -> usize {
    let mut v = keys.to_vec();
    v.sort_unstable();
    v.dedup();
    v.len()
}
