//! Pure computations on usage rows: daily series stacked by the top groups,
//! top-N with an "other" bucket, 429 shares, headline totals, a trend and
//! projection, ThousandEyes period projections, and CSV.
//!
//! Rows of every Genesys endpoint are first stored as [`Records`] (each
//! distinct text once, rows referring to it by number), so one set of
//! functions serves them all and grouping never hashes a string.

pub mod allowance;
pub mod answer;
pub mod csv;
pub mod exporter;
pub mod exposition;
pub mod forecast;
pub mod format;
mod group;
pub mod history;
pub mod outlook;
pub mod overview_read;
mod projection;
pub mod records;
pub mod rules;
mod series;
pub mod series_forecast;
pub mod units;

pub use allowance::{
    choose_allowance, overage_money, overage_money_of, AllowanceChoice, AllowanceSource,
    LicenceCount, OverageMoney,
};
pub use exposition::{overview_csv, to_prometheus, to_prometheus_with, Freshness, VendorFreshness};
pub use forecast::{forecast, Forecast, ForecastMethod, ForecastOptions};
pub use group::{headline, sum_by, top_n, top_with_other, Bar, GroupTotal, Headline, NONE, OTHER};
pub use outlook::{
    overview, overview_queries, Allowance, Overview, OverviewInput, OverviewQueries,
};
pub use projection::{days_between, linear_trend, period_projection, project, PeriodProjection};
pub use records::{Counts, Records};
pub use rules::{default_rules, evaluate_rules, Fired, Rule, RuleKind};
pub use series::{daily_series, fit_periods, Periods, Series, SeriesGroup};
pub use series_forecast::{forecast_series, SeriesForecastInput};

use crate::genesys::{ApiUsageRow, PublicApiUsage};

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
    /// The counters.
    pub counts: Counts,
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
            counts,
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

#[cfg(test)]
mod tests {

    use super::*;
    use crate::time::{parse_instant, DAY};

    fn rec(date: &str, client: &str, requests: i64, s429: i64) -> Record {
        Record {
            date: Some(date.into()),
            client: Some(client.into()),
            counts: Counts {
                requests,
                status429: s429,
                status400: s429,
                status200: requests - s429,
                ..Counts::default()
            },
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
        use super::super::group::group_total;
        use super::super::*;
        use std::collections::HashMap;

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
                s[0] += r.counts.requests;
                s[1] += r.counts.status429;
                s[2] += r.counts.status400;
                s[3] += r.counts.status500;
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
                values[g][dates.iter().position(|x| *x == d).unwrap()] += r.counts.requests;
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
                    *per_day.entry(d).or_default() += r.counts.requests;
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
                    counts: Counts {
                        requests,
                        status429: s429,
                        status400: s429,
                        status500: next(2) as i64,
                        ..Counts::default()
                    },
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
            assert_eq!(
                h.requests,
                rows.iter().map(|r| r.counts.requests).sum::<i64>()
            );
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
        assert_eq!(r.counts.requests, 8);
        assert_eq!(r.date.as_deref(), Some("2026-07-01"));
    }
}
