//! Pure computations on usage rows: daily series stacked by the top groups,
//! top-N with an "other" bucket, 429 shares, headline totals, a trend and
//! projection, ThousandEyes period projections, and CSV.
//!
//! Rows of every Genesys endpoint are first stored as [`Records`] (each
//! distinct text once, rows referring to it by number), so one set of
//! functions serves them all and grouping never hashes a string.

pub mod csv;
pub mod exposition;
pub mod forecast;
pub mod format;
pub mod outlook;
pub mod records;
pub mod rules;

use std::collections::HashMap;

pub use exposition::{overview_csv, to_prometheus};
pub use forecast::{forecast, Forecast, ForecastMethod, ForecastOptions};
pub use outlook::{overview, Allowance, Overview, OverviewInput};
pub use records::{Counts, Records};
pub use rules::{default_rules, evaluate_rules, Fired, Rule, RuleKind};

use crate::genesys::{ApiUsageRow, PublicApiUsage};
use crate::time::{parse_instant, DAY};
use records::{Column, ABSENT};

/// One usage row, whichever Genesys endpoint it came from (collect them into
/// [`Records`] for the analysis).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Bucket day, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// OAuth client name, or id when the name is missing.
    pub client: Option<String>,
    /// Endpoint template.
    pub template_uri: Option<String>,
    /// HTTP method.
    pub http_method: Option<String>,
    /// User id.
    pub user: Option<String>,
    /// Organization id.
    pub organization: Option<String>,
    /// Platform.
    pub platform: Option<String>,
    /// All requests.
    pub requests: i64,
    /// 2xx.
    pub status200: i64,
    /// 3xx.
    pub status300: i64,
    /// 4xx (429s included).
    pub status400: i64,
    /// 429.
    pub status429: i64,
    /// 5xx.
    pub status500: i64,
}

impl Record {
    /// A record from its parts: the date (cut to its day), the values in the
    /// order of [`Dimension::ALL`], and the counters.
    pub fn from_parts(date: Option<&str>, values: [Option<&str>; 6], counts: Counts) -> Record {
        let text = |v: Option<&str>| v.map(str::to_string);
        let [client, template_uri, http_method, user, organization, platform] = values.map(text);
        Record {
            date: date.map(|d| records::day_of(d).to_string()),
            client,
            template_uri,
            http_method,
            user,
            organization,
            platform,
            requests: counts.requests,
            status200: counts.status200,
            status300: counts.status300,
            status400: counts.status400,
            status429: counts.status429,
            status500: counts.status500,
        }
    }
}

impl From<&ApiUsageRow> for Record {
    fn from(r: &ApiUsageRow) -> Self {
        let (date, values, counts) = records::usage_row_parts(r);
        Record::from_parts(date, values, counts)
    }
}

impl From<&PublicApiUsage> for Record {
    fn from(r: &PublicApiUsage) -> Self {
        let (date, values, counts) = records::job_row_parts(r);
        Record::from_parts(date, values, counts)
    }
}

/// What rows can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Dimension {
    /// OAuth client.
    Client,
    /// Endpoint template.
    Endpoint,
    /// HTTP method.
    Method,
    /// User.
    User,
    /// Organization.
    Organization,
    /// Platform.
    Platform,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 6] = [
        Dimension::Client,
        Dimension::Endpoint,
        Dimension::Method,
        Dimension::User,
        Dimension::Organization,
        Dimension::Platform,
    ];

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Client => "OAuth client",
            Dimension::Endpoint => "Endpoint",
            Dimension::Method => "Method",
            Dimension::User => "User",
            Dimension::Organization => "Organization",
            Dimension::Platform => "Platform",
        }
    }

    /// The value of this dimension in a record.
    pub fn of(self, r: &Record) -> Option<&str> {
        match self {
            Dimension::Client => r.client.as_deref(),
            Dimension::Endpoint => r.template_uri.as_deref(),
            Dimension::Method => r.http_method.as_deref(),
            Dimension::User => r.user.as_deref(),
            Dimension::Organization => r.organization.as_deref(),
            Dimension::Platform => r.platform.as_deref(),
        }
    }

    /// The dimensions that have a value in at least one record.
    pub fn present_in(records: &Records) -> Vec<Dimension> {
        Dimension::ALL
            .into_iter()
            .filter(|d| records.has(*d))
            .collect()
    }
}

/// The label of the bucket that holds every group outside the top N.
pub const OTHER: &str = "Other";
/// The label of rows without a value for the dimension.
pub const NONE: &str = "(none)";

/// One group's totals.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupTotal {
    /// Group name (or [`OTHER`]).
    pub name: String,
    /// Requests.
    pub requests: i64,
    /// 429s.
    pub status429: i64,
    /// 4xx.
    pub status400: i64,
    /// 5xx.
    pub status500: i64,
    /// 429s as a share of requests (0..=1).
    pub share429: f64,
}

fn share(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The groups of one column: one per distinct text, and one named
/// `absent_name` for rows without a value (the same group as a text spelled
/// that way, as when rows are keyed by name).
struct Groups<'a> {
    /// Group names, by group.
    names: Vec<&'a str>,
    /// Whether some row falls in the group.
    used: Vec<bool>,
    /// The group of rows without a value.
    absent: usize,
    /// Per row: the column's ids.
    ids: &'a [u32],
}

impl<'a> Groups<'a> {
    fn new(column: &'a Column, absent_name: &'a str) -> Groups<'a> {
        let mut names: Vec<&str> = column.values.iter().map(|v| &**v).collect();
        let mut used = vec![true; names.len()];
        let absent = match names.iter().position(|n| *n == absent_name) {
            Some(i) => i,
            None => {
                names.push(absent_name);
                used.push(column.absent > 0);
                names.len() - 1
            }
        };
        Groups {
            names,
            used,
            absent,
            ids: &column.ids,
        }
    }

    /// The group of a row's id.
    #[inline]
    fn of(&self, id: u32) -> usize {
        if id == ABSENT {
            self.absent
        } else {
            id as usize
        }
    }

    /// Requests, 429s, 4xx and 5xx per group, in one pass over the rows.
    fn sums(&self, counts: &[Counts]) -> Vec<[i64; 4]> {
        let mut sums = vec![[0i64; 4]; self.names.len()];
        for (c, &id) in counts.iter().zip(self.ids) {
            if let Some(s) = sums.get_mut(self.of(id)) {
                s[0] += c.requests;
                s[1] += c.status429;
                s[2] += c.status400;
                s[3] += c.status500;
            }
        }
        sums
    }

    /// The groups that have rows, largest first (ties by name), with their sums.
    fn ranked(&self, counts: &[Counts]) -> Vec<(usize, [i64; 4])> {
        let mut ranked: Vec<(usize, [i64; 4])> = self
            .sums(counts)
            .into_iter()
            .enumerate()
            .filter(|(g, _)| self.used.get(*g).copied().unwrap_or(false))
            .collect();
        let name = |g: usize| self.names.get(g).copied().unwrap_or("");
        ranked.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then_with(|| name(a.0).cmp(name(b.0))));
        ranked
    }
}

fn group_total(name: &str, s: [i64; 4]) -> GroupTotal {
    GroupTotal {
        name: name.to_string(),
        requests: s[0],
        status429: s[1],
        status400: s[2],
        status500: s[3],
        share429: share(s[1], s[0]),
    }
}

/// Totals per group, largest first, the groups after the first `n` summed
/// into one [`OTHER`] bucket.
pub fn top_n(records: &Records, dim: Dimension, n: usize) -> Vec<GroupTotal> {
    let groups = Groups::new(records.column(dim), NONE);
    let ranked = groups.ranked(&records.counts);
    let mut out: Vec<GroupTotal> = ranked
        .iter()
        .take(n)
        .map(|(g, s)| group_total(groups.names.get(*g).copied().unwrap_or(""), *s))
        .collect();
    if ranked.len() > n {
        let mut other = [0i64; 4];
        for (_, s) in ranked.iter().skip(n) {
            for (o, v) in other.iter_mut().zip(s) {
                *o += v;
            }
        }
        out.push(group_total(OTHER, other));
    }
    out
}

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

/// Headline numbers.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Headline {
    /// All requests.
    pub requests: i64,
    /// All 429s.
    pub status429: i64,
    /// 429s as a share of requests.
    pub rate429: f64,
    /// 5xx as a share of requests.
    pub rate500: f64,
    /// The day with the most requests, and how many.
    pub busiest_day: Option<(String, i64)>,
    /// The client with the most requests, and how many.
    pub heaviest_client: Option<(String, i64)>,
    /// Rows.
    pub rows: usize,
}

/// Headline numbers of a set of records.
pub fn headline(records: &Records) -> Headline {
    let (mut requests, mut s429, mut s500) = (0i64, 0i64, 0i64);
    let mut per_day = vec![0i64; records.date.values.len()];
    for (c, &d) in records.counts.iter().zip(&records.date.ids) {
        requests += c.requests;
        s429 += c.status429;
        s500 += c.status500;
        if let Some(v) = per_day.get_mut(d as usize) {
            *v += c.requests;
        }
    }
    // The most requests; of equal days, the earliest.
    let busiest_day = records
        .date
        .values
        .iter()
        .zip(per_day)
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(d, n)| (d.to_string(), n));
    let heaviest_client = top_n(records, Dimension::Client, 1)
        .into_iter()
        .find(|g| g.name != OTHER && g.name != NONE)
        .map(|g| (g.name, g.requests));
    Headline {
        requests,
        status429: s429,
        rate429: share(s429, requests),
        rate500: share(s500, requests),
        busiest_day,
        heaviest_client,
        rows: records.len(),
    }
}

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

/// A named number for bar charts.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Name.
    pub name: String,
    /// Value.
    pub value: i64,
}

/// Sums values per name.
pub fn sum_by(items: impl Iterator<Item = (String, i64)>) -> Vec<Bar> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Bar> = Vec::new();
    for (name, value) in items {
        match index.get(&name) {
            Some(&i) => {
                if let Some(b) = out.get_mut(i) {
                    b.value += value;
                }
            }
            None => {
                index.insert(name.clone(), out.len());
                out.push(Bar { name, value });
            }
        }
    }
    out
}

/// The `n` largest bars, then one "Other" bar with the rest.
pub fn top_with_other(mut bars: Vec<Bar>, n: usize) -> Vec<Bar> {
    bars.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.name.cmp(&b.name)));
    if bars.len() <= n + 1 {
        return bars;
    }
    let rest: i64 = bars.iter().skip(n).map(|b| b.value).sum();
    bars.truncate(n);
    bars.push(Bar {
        name: OTHER.to_string(),
        value: rest,
    });
    bars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(date: &str, client: &str, requests: i64, s429: i64) -> Record {
        Record {
            date: Some(date.into()),
            client: Some(client.into()),
            requests,
            status429: s429,
            status400: s429,
            status200: requests - s429,
            ..Default::default()
        }
    }

    fn sample() -> Records {
        [
            rec("2026-07-01", "A", 100, 10),
            rec("2026-07-01", "B", 50, 0),
            rec("2026-07-02", "A", 120, 0),
            rec("2026-07-02", "C", 5, 5),
            rec("2026-07-03", "D", 1, 0),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn top_n_sums_the_rest_into_other() {
        let t = top_n(&sample(), Dimension::Client, 2);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].name.as_str(), t[0].requests), ("A", 220));
        assert_eq!((t[1].name.as_str(), t[1].requests), ("B", 50));
        assert_eq!(
            (t[2].name.as_str(), t[2].requests, t[2].status429),
            (OTHER, 6, 5)
        );
        assert!((t[0].share429 - 10.0 / 220.0).abs() < 1e-9);
    }

    #[test]
    fn top_with_other_sums_the_rest() {
        let bars = sum_by(
            [("a", 5), ("b", 3), ("a", 1), ("c", 2), ("d", 1)]
                .into_iter()
                .map(|(n, v)| (n.to_string(), v)),
        );
        let t = top_with_other(bars, 2);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].name.as_str(), t[0].value), ("a", 6));
        assert_eq!((t[2].name.as_str(), t[2].value), (OTHER, 3));
    }

    #[test]
    fn daily_series_stacks_to_the_daily_totals() {
        let s = daily_series(&sample(), Dimension::Client, 1);
        assert_eq!(s.dates, ["2026-07-01", "2026-07-02", "2026-07-03"]);
        assert_eq!(s.groups[0].name, "A");
        assert_eq!(s.groups[1].name, OTHER);
        assert_eq!(s.totals(), [150, 125, 1]);
        assert_eq!(s.max_total(), 150);
    }

    #[test]
    fn long_series_are_summed_into_weeks_or_months() {
        let days: Vec<String> = (0..400)
            .map(|i| crate::time::format_date((days_from("2026-01-01") + i) * DAY))
            .collect();
        let series = Series {
            dates: days.clone(),
            groups: vec![SeriesGroup {
                name: "A".into(),
                values: (0..400).collect(),
            }],
        };
        let (same, p) = fit_periods(series.clone(), 400);
        assert_eq!((same.dates.len(), p), (400, Periods::AsGiven));
        // 2026-01-01 is a Thursday: the first week starts on Monday 2025-12-29.
        let (weeks, p) = fit_periods(series.clone(), 60);
        assert_eq!(p, Periods::Weeks);
        assert_eq!(weeks.dates[0], "2025-12-29");
        assert_eq!(weeks.dates[1], "2026-01-05");
        assert_eq!(weeks.groups[0].values[0], 1 + 2 + 3);
        assert_eq!(weeks.totals().iter().sum::<i64>(), (0..400).sum::<i64>());
        let (months, p) = fit_periods(series, 20);
        assert_eq!(p, Periods::Months);
        assert_eq!(months.dates.len(), 14);
        assert_eq!(
            (months.dates[0].as_str(), months.groups[0].values[0]),
            ("2026-01-01", (0..31).sum())
        );
        assert_eq!(months.totals().iter().sum::<i64>(), (0..400).sum::<i64>());
        let total = Series {
            dates: vec!["total".into(), "x".into()],
            groups: Vec::new(),
        };
        assert_eq!(fit_periods(total, 1).1, Periods::AsGiven);
    }

    fn days_from(d: &str) -> i64 {
        parse_instant(d).unwrap().secs / DAY
    }

    #[test]
    fn headline_finds_the_busiest_day_and_heaviest_client() {
        let h = headline(&sample());
        assert_eq!(h.requests, 276);
        assert_eq!(h.status429, 15);
        assert_eq!(h.busiest_day, Some(("2026-07-01".into(), 150)));
        assert_eq!(h.heaviest_client, Some(("A".into(), 220)));
    }

    /// The plain, string-keyed computations the analysis must agree with.
    mod plain {
        use super::super::*;

        pub fn top_n(records: &[Record], dim: Dimension, n: usize) -> Vec<GroupTotal> {
            let mut index: HashMap<&str, usize> = HashMap::new();
            let mut sums: Vec<(&str, [i64; 4])> = Vec::new();
            for r in records {
                let key = dim.of(r).unwrap_or(NONE);
                let i = *index.entry(key).or_insert_with(|| {
                    sums.push((key, [0; 4]));
                    sums.len() - 1
                });
                let s = &mut sums[i].1;
                s[0] += r.requests;
                s[1] += r.status429;
                s[2] += r.status400;
                s[3] += r.status500;
            }
            sums.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then_with(|| a.0.cmp(b.0)));
            let mut out: Vec<GroupTotal> = sums
                .iter()
                .take(n)
                .map(|(k, s)| group_total(k, *s))
                .collect();
            if sums.len() > n {
                let mut o = [0i64; 4];
                for (_, s) in &sums[n..] {
                    for k in 0..4 {
                        o[k] += s[k];
                    }
                }
                out.push(group_total(OTHER, o));
            }
            out
        }

        pub fn daily_series(records: &[Record], dim: Dimension, n: usize) -> Series {
            let top: Vec<String> = top_n(records, dim, n)
                .into_iter()
                .map(|g| g.name)
                .filter(|g| g != OTHER)
                .collect();
            let mut dates: Vec<&str> = records
                .iter()
                .map(|r| r.date.as_deref().unwrap_or("total"))
                .collect();
            dates.sort_unstable();
            dates.dedup();
            let mut values = vec![vec![0i64; dates.len()]; top.len() + 1];
            for r in records {
                let key = dim.of(r).unwrap_or(NONE);
                let g = top.iter().position(|t| t == key).unwrap_or(top.len());
                let d = r.date.as_deref().unwrap_or("total");
                values[g][dates.iter().position(|x| *x == d).unwrap()] += r.requests;
            }
            let mut groups: Vec<SeriesGroup> = top
                .iter()
                .zip(&values)
                .map(|(name, v)| SeriesGroup {
                    name: name.clone(),
                    values: v.clone(),
                })
                .collect();
            if values[top.len()].iter().any(|&v| v != 0) {
                groups.push(SeriesGroup {
                    name: OTHER.into(),
                    values: values[top.len()].clone(),
                });
            }
            Series {
                dates: dates.into_iter().map(str::to_string).collect(),
                groups,
            }
        }

        pub fn busiest_day(records: &[Record]) -> Option<(String, i64)> {
            let mut per_day: HashMap<&str, i64> = HashMap::new();
            for r in records {
                if let Some(d) = r.date.as_deref() {
                    *per_day.entry(d).or_default() += r.requests;
                }
            }
            per_day
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(d, n)| (d.to_string(), n))
        }
    }

    /// Rows with every awkward value: missing texts, texts spelled like the
    /// "(none)", "Other" and "total" buckets, ties, zero rows.
    fn awkward(seed: u64, len: usize) -> Vec<Record> {
        let mut x = seed;
        let mut next = move |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let pick = |k: u64, options: &[&str]| -> Option<String> {
            let k = k as usize;
            (k < options.len()).then(|| options[k].to_string())
        };
        (0..len)
            .map(|_| {
                let requests = [0, 1, 5, 5, 10, 100][next(6) as usize];
                let s429 = next(3).min(requests as u64) as i64;
                Record {
                    date: pick(
                        next(7),
                        &[
                            "2026-07-01",
                            "2026-07-02",
                            "2026-06-30",
                            "total",
                            "2026-07-03",
                        ],
                    ),
                    client: pick(next(8), &["A", "B", NONE, OTHER, "a", "C", "D"]),
                    template_uri: pick(next(4), &["/x", "/y", "/z"]),
                    user: pick(next(3), &["u1", "u2"]),
                    requests,
                    status429: s429,
                    status400: s429,
                    status500: next(2) as i64,
                    ..Default::default()
                }
            })
            .collect()
    }

    #[test]
    fn grouping_by_number_agrees_with_grouping_by_name() {
        for seed in 0..40 {
            let rows = awkward(seed, 1 + seed as usize * 7);
            let records: Records = rows.iter().collect();
            for dim in [
                Dimension::Client,
                Dimension::Endpoint,
                Dimension::User,
                Dimension::Platform,
            ] {
                for n in [0, 1, 2, 3, 10] {
                    assert_eq!(
                        top_n(&records, dim, n),
                        plain::top_n(&rows, dim, n),
                        "top_n seed {seed} {dim:?} {n}"
                    );
                    assert_eq!(
                        daily_series(&records, dim, n),
                        plain::daily_series(&rows, dim, n),
                        "daily_series seed {seed} {dim:?} {n}"
                    );
                }
            }
            let h = headline(&records);
            assert_eq!(h.busiest_day, plain::busiest_day(&rows), "seed {seed}");
            assert_eq!(h.requests, rows.iter().map(|r| r.requests).sum::<i64>());
            assert_eq!(
                h.heaviest_client,
                plain::top_n(&rows, Dimension::Client, 1)
                    .into_iter()
                    .find(|g| g.name != OTHER && g.name != NONE)
                    .map(|g| (g.name, g.requests))
            );
        }
    }

    #[test]
    fn trend_and_projection_follow_a_line() {
        assert_eq!(project(&[10, 20, 30], 2), [40, 50]);
        assert_eq!(project(&[5], 2), [5, 5]);
        assert_eq!(project(&[30, 20, 10], 3), [0, 0, 0]);
        assert!(linear_trend(&[]).is_none());
    }

    #[test]
    fn period_projection_extends_the_average_rate() {
        let p = period_projection(
            500,
            None,
            Some(800),
            Some("2026-06-05T08:00:00Z"),
            Some("2026-07-05T08:00:00Z"),
            parse_instant("2026-06-20T08:00:00Z").unwrap().secs,
        );
        assert_eq!(p.projected, 1000);
        assert!(p.over_quota);
        assert_eq!(p.remaining, Some(300));
        let v = period_projection(500, Some(700), Some(800), None, None, 0);
        assert_eq!(v.projected, 700);
        assert!(!v.over_quota);
    }

    #[test]
    fn simple_search_rows_get_requests_from_their_classes() {
        let row = ApiUsageRow {
            client_name: Some("X".into()),
            status200: Some(5),
            status400: Some(3),
            status429: Some(2),
            date: Some("2026-07-01T00:00:00Z".into()),
            ..Default::default()
        };
        let r = Record::from(&row);
        assert_eq!(r.requests, 8);
        assert_eq!(r.date.as_deref(), Some("2026-07-01"));
    }
}
