//! Where the month is heading: Genesys requests this month against the
//! organization's allowance, ThousandEyes units against the contract and the
//! quotas, and the per-client figures the rules read.
//!
//! Everything here is pure: the caller fetches the rows (see
//! [`OVERVIEW_HISTORY_DAYS`]) and says what day it is.
//!
//! - **Month so far** counts the days of today's month up to yesterday: the
//!   usage data is a day behind, so today is always forecast.
//! - **The forecast** is [`forecast`](super::forecast) of the organization's
//!   daily totals, from the last day with data to the month's end. The band
//!   of the month's total adds up each day's band edges: it assumes the days
//!   err together, which is what a level shift does, so it is wide rather
//!   than falsely narrow.
//! - **Contributors**: each client's month so far plus its share of the last
//!   28 days times the forecast rest of the month, so they add up to the
//!   projected total.
//! - **ThousandEyes** units are in [`units`](super::units).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use super::units::{units_outlook, GroupUnits, UnitsFigure, UnitsOutlook};
use super::{forecast, Dimension, ForecastMethod, ForecastOptions, Records, OTHER};
use crate::error::{Error, Result};
use crate::genesys::{ApiUsageOrganizationQuery, Granularity, OrganizationGroupBy};
use crate::thousandeyes::{ExpandUsageOptions, Quotas, Usage, UsageParams};
use crate::time::{civil_from_days, days_from_civil, parse_instant, DAY};

/// How many days before today the overview's Genesys query covers: nine
/// weeks, enough for the weekly forecast and the spike baseline.
pub const OVERVIEW_HISTORY_DAYS: i64 = 63;
/// How many clients [`MonthOutlook::contributors`] names before "Other".
pub const CONTRIBUTORS: usize = 5;
/// The days before the last one that a client's usual day is the median of.
pub const BASELINE_DAYS: usize = 28;
/// A baseline needs at least this many days.
const MIN_BASELINE_DAYS: usize = 7;

/// The organization's monthly API allowance, as the administrator typed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, rename_all_fields = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum Allowance {
    /// Licences times requests per licence.
    Licences {
        /// Licences.
        licences: i64,
        /// Requests per licence per month.
        per_licence: i64,
    },
    /// A number of requests per month.
    Requests {
        /// Requests per month.
        requests: i64,
    },
}

impl Allowance {
    /// The requests allowed in a month.
    ///
    /// # Errors
    ///
    /// `invalidInput` for a number that is not positive, or a product that
    /// does not fit in 64 bits.
    pub fn total(&self) -> Result<i64> {
        let positive = |n: i64, what: &str| {
            if n > 0 {
                Ok(n)
            } else {
                Err(Error::invalid_input(format!(
                    "the allowance's {what} must be a whole number above 0 (got {n})"
                )))
            }
        };
        match *self {
            Allowance::Requests { requests } => positive(requests, "requests"),
            Allowance::Licences {
                licences,
                per_licence,
            } => positive(licences, "licences")?
                .checked_mul(positive(per_licence, "requests per licence")?)
                .ok_or_else(|| {
                    Error::invalid_input("licences × requests per licence is too large")
                }),
        }
    }
}

/// One day of the month in a [`MonthOutlook`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct OutlookDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Requests counted, for a day with data.
    pub actual: Option<i64>,
    /// The forecast, for a day without data.
    pub mean: Option<f64>,
    /// The band's lower edge, for a day without data.
    pub lower: Option<f64>,
    /// The band's upper edge, for a day without data.
    pub upper: Option<f64>,
    /// The month's requests up to this day: counted, then forecast.
    pub cumulative: f64,
    /// The same with every forecast day at its band's lower edge.
    pub cumulative_lower: f64,
    /// The same with every forecast day at its band's upper edge.
    pub cumulative_upper: f64,
}

/// A client's part of the month's projected total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct Contributor {
    /// Client name (or id), or "Other".
    pub client: String,
    /// Its requests this month so far.
    pub month_to_date: i64,
    /// Its projected month total.
    pub projected: f64,
    /// Its share of the organization's projected month total (0..1).
    pub share: f64,
}

/// The month so far, and where it is heading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct MonthOutlook {
    /// `YYYY-MM`.
    pub month: String,
    /// Days in the month.
    pub days_in_month: u32,
    /// Days of the month with data counted (up to the last day with data,
    /// never today).
    pub days_counted: u32,
    /// Requests counted this month.
    pub month_to_date: i64,
    /// Every day of the month.
    pub days: Vec<OutlookDay>,
    /// The projected month total.
    pub projected: f64,
    /// Its band's lower edge.
    pub projected_lower: f64,
    /// Its band's upper edge.
    pub projected_upper: f64,
    /// The band's level (0.8 for 80 %).
    pub interval_level: f64,
    /// The forecast's method; none when there was nothing to forecast from.
    pub method: Option<ForecastMethod>,
    /// The allowance, when one was given.
    pub allowance: Option<i64>,
    /// The projected total over the allowance.
    pub share_of_allowance: Option<f64>,
    /// Requests projected above the allowance (0 when under).
    pub overage: Option<f64>,
    /// The same at the band's upper edge.
    pub overage_upper: Option<f64>,
    /// The clients that make up the projected total, largest first.
    pub contributors: Vec<Contributor>,
}

impl MonthOutlook {
    /// Why the band is wide, when no day of the month is counted yet (the
    /// 1st, or data that stops before the month): the band is then the
    /// forecast alone, every day's error added up.
    pub fn band_note(&self) -> Option<String> {
        (self.days_counted == 0 && self.method.is_some()).then(|| {
            format!(
                "No day of {} is counted yet, so the band is the forecast alone: \
                 it narrows as the days are counted.",
                self.month
            )
        })
    }
}

/// One client over the overview's days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct ClientFigures {
    /// Client name, or id when the name is missing.
    pub client: String,
    /// Requests.
    pub requests: i64,
    /// 429 answers.
    pub status429: i64,
    /// 429s over requests (0..1).
    pub share429: f64,
    /// Its requests on the last day with data (of the whole organization).
    pub last_day_requests: i64,
    /// The median of its requests on the [`BASELINE_DAYS`] days before
    /// (days without rows count as 0); none with fewer than 7 such days.
    pub median_previous: Option<f64>,
}

/// The Genesys half of an [`Overview`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct GenesysOverview {
    /// The first day with data.
    pub first_day: Option<String>,
    /// The last day with data.
    pub last_day: Option<String>,
    /// Requests over every day.
    pub requests: i64,
    /// 429s over every day.
    pub status429: i64,
    /// The month against the allowance.
    pub month: MonthOutlook,
    /// Every client, most requests first.
    pub clients: Vec<ClientFigures>,
    /// Requests a minute Genesys Cloud allows the token, when the
    /// organization's limits were read (`Client::rate_limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub rate_limit: Option<u64>,
}

/// Both vendors on one page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct Overview {
    /// The day (`YYYY-MM-DD`) the figures are for.
    pub today: String,
    /// Genesys, when it was asked.
    pub genesys: Option<GenesysOverview>,
    /// ThousandEyes, when it was asked.
    pub thousandeyes: Option<UnitsOutlook>,
}

/// A day number (days since 1970-01-01) from a date or date-time.
fn day_number(text: &str) -> Result<i64> {
    parse_instant(text)
        .map(|i| i.secs.div_euclid(DAY))
        .map_err(Error::invalid_input)
}

fn day_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The first day of the month of `day`, and the first of the next.
fn month_bounds(day: i64) -> (i64, i64) {
    let (y, m, _) = civil_from_days(day);
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(y, m, 1), days_from_civil(ny, nm, 1))
}

/// Requests per day and per client per day, from the rows with a date.
struct Daily {
    /// Organization totals by day number.
    totals: HashMap<i64, i64>,
    /// Per client: requests by day number.
    clients: HashMap<String, HashMap<i64, i64>>,
    /// Per client: requests and 429s over every day.
    client_sums: HashMap<String, (i64, i64)>,
}

impl Daily {
    fn of(records: &Records) -> Daily {
        let mut daily = Daily {
            totals: HashMap::new(),
            clients: HashMap::new(),
            client_sums: HashMap::new(),
        };
        for i in 0..records.len() {
            let Some(day) = records.date(i).and_then(|d| day_number(d).ok()) else {
                continue;
            };
            let counts = records.counts(i);
            let client = records
                .value(Dimension::Client, i)
                .map(|c| c.to_string())
                .unwrap_or_else(|| super::NONE.to_string());
            *daily.totals.entry(day).or_default() += counts.requests;
            *daily
                .clients
                .entry(client.clone())
                .or_default()
                .entry(day)
                .or_default() += counts.requests;
            let sums = daily.client_sums.entry(client).or_default();
            sums.0 += counts.requests;
            sums.1 += counts.status429;
        }
        daily
    }

    fn first_day(&self) -> Option<i64> {
        self.totals.keys().min().copied()
    }

    fn last_day(&self) -> Option<i64> {
        self.totals.keys().max().copied()
    }
}

/// The month of `today` against the allowance; see the [module docs](self).
///
/// # Errors
///
/// `invalidInput` for a `today` that is not a date, or a bad allowance.
pub fn month_outlook(
    records: &Records,
    today: &str,
    allowance: Option<&Allowance>,
) -> Result<MonthOutlook> {
    let today = day_number(today)?;
    let allowance = allowance.map(Allowance::total).transpose()?;
    Ok(outlook_of(&Daily::of(records), today, allowance))
}

fn outlook_of(daily: &Daily, today: i64, allowance: Option<i64>) -> MonthOutlook {
    let (start, next) = month_bounds(today);
    let options = ForecastOptions::default();
    // Days after today do not count yet, nor does today itself (partial).
    let last = daily.totals.keys().filter(|d| **d < today).max().copied();
    let first = daily.first_day().filter(|f| last.is_some_and(|l| *f <= l));
    let counted_until = last.map_or(start, |l| (l + 1).max(start)); // first day not counted
    let (values, method): (Vec<f64>, _) = match (first, last) {
        (Some(f), Some(l)) => (
            (f..=l)
                .map(|d| daily.totals.get(&d).copied().unwrap_or(0) as f64)
                .collect(),
            Some(()),
        ),
        _ => (Vec::new(), None),
    };
    let horizon = usize::try_from(next - counted_until).unwrap_or(0);
    let fc = method.and_then(|()| forecast(&values, horizon, &options).ok());

    let mut days = Vec::new();
    let (mut cum, mut cum_lo, mut cum_hi) = (0.0, 0.0, 0.0);
    let mut month_to_date = 0i64;
    for d in start..next {
        let mut day = OutlookDay {
            date: day_text(d),
            actual: None,
            mean: None,
            lower: None,
            upper: None,
            cumulative: 0.0,
            cumulative_lower: 0.0,
            cumulative_upper: 0.0,
        };
        if d < counted_until {
            let v = daily.totals.get(&d).copied().unwrap_or(0);
            month_to_date += v;
            day.actual = Some(v);
            cum += v as f64;
            cum_lo += v as f64;
            cum_hi += v as f64;
        } else if let Some(f) = &fc {
            let k = usize::try_from(d - counted_until).unwrap_or(usize::MAX);
            let at = |v: &Vec<f64>| v.get(k).copied().unwrap_or(0.0);
            let (m, lo, hi) = (at(&f.mean), at(&f.lower), at(&f.upper));
            day.mean = Some(m);
            day.lower = Some(lo);
            day.upper = Some(hi);
            cum += m;
            cum_lo += lo;
            cum_hi += hi;
        }
        day.cumulative = cum;
        day.cumulative_lower = cum_lo;
        day.cumulative_upper = cum_hi;
        days.push(day);
    }
    let projected = cum;
    let over = |total: f64| allowance.map(|a| (total - a as f64).max(0.0));
    let (y, m, _) = civil_from_days(start);
    MonthOutlook {
        month: format!("{y:04}-{m:02}"),
        days_in_month: u32::try_from(next - start).unwrap_or(0),
        days_counted: u32::try_from(counted_until - start).unwrap_or(0),
        month_to_date,
        days,
        projected,
        projected_lower: cum_lo,
        projected_upper: cum_hi,
        interval_level: options.interval_level,
        method: fc.as_ref().map(|f| f.method),
        allowance,
        share_of_allowance: allowance.map(|a| projected / a as f64),
        overage: over(projected),
        overage_upper: over(cum_hi),
        contributors: contributors(daily, start, counted_until, projected),
    }
}

/// Each client's month so far plus its share of the last [`BASELINE_DAYS`]
/// days times the rest of the month; the top [`CONTRIBUTORS`] and "Other".
fn contributors(daily: &Daily, start: i64, counted_until: i64, projected: f64) -> Vec<Contributor> {
    let recent_from = counted_until - BASELINE_DAYS as i64;
    let sum_between = |days: &HashMap<i64, i64>, from: i64, to: i64| -> i64 {
        days.iter()
            .filter(|(d, _)| **d >= from && **d < to)
            .map(|(_, v)| *v)
            .sum()
    };
    let recent_total: i64 = daily
        .clients
        .values()
        .map(|days| sum_between(days, recent_from, counted_until))
        .sum();
    let month_total: i64 = daily
        .clients
        .values()
        .map(|days| sum_between(days, start, counted_until))
        .sum();
    let rest = (projected - month_total as f64).max(0.0);
    let mut all: Vec<Contributor> = daily
        .clients
        .iter()
        .map(|(client, days)| {
            let mtd = sum_between(days, start, counted_until);
            let recent = sum_between(days, recent_from, counted_until);
            let part = if recent_total > 0 {
                recent as f64 / recent_total as f64
            } else {
                0.0
            };
            Contributor {
                client: client.clone(),
                month_to_date: mtd,
                projected: mtd as f64 + part * rest,
                share: 0.0,
            }
        })
        .filter(|c| c.projected > 0.0)
        .collect();
    all.sort_by(|a, b| {
        b.projected
            .total_cmp(&a.projected)
            .then_with(|| a.client.cmp(&b.client))
    });
    let mut out: Vec<Contributor> = all.iter().take(CONTRIBUTORS).cloned().collect();
    let rest_of: Vec<&Contributor> = all.iter().skip(CONTRIBUTORS).collect();
    if !rest_of.is_empty() {
        out.push(Contributor {
            client: OTHER.to_string(),
            month_to_date: rest_of.iter().map(|c| c.month_to_date).sum(),
            projected: rest_of.iter().map(|c| c.projected).sum(),
            share: 0.0,
        });
    }
    for c in &mut out {
        c.share = if projected > 0.0 {
            c.projected / projected
        } else {
            0.0
        };
    }
    out
}

/// The median of a non-empty list.
fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Every client's figures, most requests first.
pub fn client_figures(records: &Records) -> Vec<ClientFigures> {
    figures_of(&Daily::of(records))
}

fn figures_of(daily: &Daily) -> Vec<ClientFigures> {
    let (first, last) = (daily.first_day(), daily.last_day());
    let mut out: Vec<ClientFigures> = daily
        .client_sums
        .iter()
        .map(|(client, &(requests, status429))| {
            let days = daily.clients.get(client);
            let on = |d: i64| days.and_then(|m| m.get(&d)).copied().unwrap_or(0);
            let (last_day_requests, median_previous) = match (first, last) {
                (Some(f), Some(l)) => {
                    let from = (l - BASELINE_DAYS as i64).max(f);
                    let previous: Vec<f64> = (from..l).map(|d| on(d) as f64).collect();
                    let baseline = if previous.len() >= MIN_BASELINE_DAYS {
                        median(previous)
                    } else {
                        None
                    };
                    (on(l), baseline)
                }
                _ => (0, None),
            };
            ClientFigures {
                client: client.clone(),
                requests,
                status429,
                share429: if requests > 0 {
                    status429 as f64 / requests as f64
                } else {
                    0.0
                },
                last_day_requests,
                median_previous,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.requests
            .cmp(&a.requests)
            .then_with(|| a.client.cmp(&b.client))
    });
    out
}

/// The Genesys half of the overview: the month, the clients and the totals.
///
/// # Errors
///
/// As [`month_outlook`].
pub fn genesys_overview(
    records: &Records,
    today: &str,
    allowance: Option<&Allowance>,
    rate_limit: Option<u64>,
) -> Result<GenesysOverview> {
    let today = day_number(today)?;
    let allowance = allowance.map(Allowance::total).transpose()?;
    let daily = Daily::of(records);
    let (requests, status429) = daily
        .client_sums
        .values()
        .fold((0, 0), |(r, t), (a, b)| (r + a, t + b));
    Ok(GenesysOverview {
        first_day: daily.first_day().map(day_text),
        last_day: daily.last_day().map(day_text),
        requests,
        status429,
        month: outlook_of(&daily, today, allowance),
        clients: figures_of(&daily),
        rate_limit,
    })
}

/// What the overview is made from: either vendor may be missing.
#[derive(Clone, Debug, Default)]
pub struct OverviewInput<'a> {
    /// `YYYY-MM-DD` (UTC), or a date-time whose day is today.
    pub today: &'a str,
    /// The Genesys rows ([`OVERVIEW_HISTORY_DAYS`] by day and client).
    pub genesys: Option<&'a Records>,
    /// The monthly allowance.
    pub allowance: Option<&'a Allowance>,
    /// `GET /v7/usage?expand=test`.
    pub usage: Option<&'a Usage>,
    /// `GET /v7/quotas`.
    pub quotas: Option<&'a Quotas>,
    /// Requests a minute the Genesys token gets (the organization's limit).
    pub rate_limit: Option<u64>,
}

/// Both vendors' figures for one page.
///
/// # Errors
///
/// `invalidInput` for a bad `today` or allowance.
pub fn overview(input: &OverviewInput<'_>) -> Result<Overview> {
    let day = day_number(input.today)?;
    Ok(Overview {
        today: day_text(day),
        genesys: input
            .genesys
            .map(|r| genesys_overview(r, input.today, input.allowance, input.rate_limit))
            .transpose()?,
        thousandeyes: input
            .usage
            .map(|u| units_outlook(u, input.quotas, input.today))
            .transpose()?,
    })
}

/// The requests the overview is made from, for a given day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct OverviewQueries {
    /// Genesys organization usage by day and OAuth client over the
    /// [`OVERVIEW_HISTORY_DAYS`] days before today.
    pub genesys: ApiUsageOrganizationQuery,
    /// ThousandEyes usage of the billing period, with its tests (the
    /// account groups are summed from them).
    pub thousand_eyes_usage: UsageParams,
}

/// The queries whose answers [`overview`] reads, for `today` (`YYYY-MM-DD`
/// UTC, or a date-time whose day is today).
///
/// # Errors
///
/// `invalidInput` for a `today` that is not a date.
///
/// # Example
///
/// ```
/// let q = usage_lens::analysis::outlook::overview_queries("2026-12-10").unwrap();
/// assert_eq!(q.genesys.interval, "2026-10-08T00:00:00Z/2026-12-10T00:00:00Z");
/// ```
pub fn overview_queries(today: &str) -> Result<OverviewQueries> {
    let day = day_number(today)?;
    Ok(OverviewQueries {
        genesys: ApiUsageOrganizationQuery {
            interval: format!(
                "{}T00:00:00Z/{}T00:00:00Z",
                day_text(day - OVERVIEW_HISTORY_DAYS),
                day_text(day)
            ),
            granularity: Some(Granularity::Day),
            metrics: None,
            group_by: Some(vec![OrganizationGroupBy::OAuthClientId]),
        },
        thousand_eyes_usage: UsageParams {
            aid: None,
            expand: Some(vec![ExpandUsageOptions::Test]),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Counts;

    fn push(records: &mut Records, date: &str, client: &str, requests: i64, r429: i64) {
        records.push_row(
            Some(date),
            [Some(client), None, None, None, None, None],
            Counts::of(Some(requests), None, None, None, Some(r429), None),
        );
    }

    /// `n` days ending the day before `until` (a day number), `per_day` each.
    fn flat(client: &str, until: i64, n: i64, per_day: i64) -> Records {
        let mut r = Records::new();
        for d in until - n..until {
            push(&mut r, &day_text(d), client, per_day, 0);
        }
        r
    }

    fn day(text: &str) -> i64 {
        day_number(text).unwrap_or(0)
    }

    #[test]
    fn the_overview_queries_cover_the_history_days_before_today() {
        let q = overview_queries("2026-03-01T08:30:00Z").unwrap();
        // 63 days before the 1st of March 2026 (not a leap year) is the 28th of December.
        assert_eq!(
            q.genesys.interval,
            "2025-12-28T00:00:00Z/2026-03-01T00:00:00Z"
        );
        assert_eq!(q.genesys.granularity, Some(Granularity::Day));
        assert_eq!(
            q.genesys.group_by,
            Some(vec![OrganizationGroupBy::OAuthClientId])
        );
        assert_eq!(
            q.thousand_eyes_usage.expand,
            Some(vec![ExpandUsageOptions::Test])
        );
        crate::genesys::validate::check_interval(&q.genesys.interval).unwrap();
        assert_eq!(
            overview_queries("soon").unwrap_err().kind,
            crate::error::ErrorKind::InvalidInput
        );
    }

    #[test]
    fn allowance_is_a_number_or_licences_times_requests() {
        assert_eq!(Allowance::Requests { requests: 5 }.total().ok(), Some(5));
        let l = Allowance::Licences {
            licences: 50,
            per_licence: 20_000,
        };
        assert_eq!(l.total().ok(), Some(1_000_000));
        let json: Allowance =
            serde_json::from_str(r#"{"licences": 3, "perLicence": 7}"#).unwrap_or(l.clone());
        assert_eq!(json.total().ok(), Some(21));
        let json: Allowance = serde_json::from_str(r#"{"requests": 9}"#).unwrap_or(l);
        assert_eq!(json.total().ok(), Some(9));
        assert!(Allowance::Requests { requests: 0 }.total().is_err());
        let huge = Allowance::Licences {
            licences: i64::MAX,
            per_licence: 2,
        };
        assert!(huge.total().unwrap_err().message.contains("too large"));
        assert!(serde_json::from_str::<Allowance>(r#"{"licences": 3}"#).is_err());
    }

    #[test]
    fn a_flat_month_is_counted_to_yesterday_and_forecast_to_its_end() {
        // 60 days of 1,000 a day up to the 10th of June; today is the 11th.
        let today = day("2026-06-11");
        let r = flat("A", today, 60, 1000);
        let allowance = Allowance::Requests { requests: 25_000 };
        let m = month_outlook(&r, "2026-06-11", Some(&allowance)).unwrap();
        assert_eq!(m.month, "2026-06");
        assert_eq!((m.days_in_month, m.days_counted), (30, 10));
        assert_eq!(m.month_to_date, 10_000);
        assert_eq!(m.days.len(), 30);
        assert_eq!(m.days[9].actual, Some(1000));
        assert_eq!(m.days[10].actual, None); // today is forecast
        assert!((m.projected - 30_000.0).abs() < 1.0, "{}", m.projected);
        assert!(m.projected_lower <= m.projected && m.projected <= m.projected_upper);
        assert_eq!(m.allowance, Some(25_000));
        assert!((m.share_of_allowance.unwrap_or(0.0) - 1.2).abs() < 1e-3);
        assert!((m.overage.unwrap_or(0.0) - 5_000.0).abs() < 1.0);
        assert!(m.overage_upper >= m.overage);
        let last = m.days.last().map(|d| d.cumulative).unwrap_or(0.0);
        assert!((last - m.projected).abs() < 1e-6);
    }

    #[test]
    fn on_the_first_of_the_month_nothing_is_counted_and_all_is_forecast() {
        let today = day("2026-12-01");
        let m = month_outlook(&flat("A", today, 63, 100), "2026-12-01", None).unwrap();
        assert_eq!((m.days_counted, m.month_to_date), (0, 0));
        assert_eq!(m.days_in_month, 31);
        assert!((m.projected - 3_100.0).abs() < 1.0, "{}", m.projected);
        assert_eq!((m.allowance, m.overage), (None, None));
        let note = m.band_note().unwrap_or_default();
        assert!(
            note.starts_with("No day of 2026-12 is counted yet, so the band is the forecast alone"),
            "{note}"
        );
        // One day counted: the band is no longer the forecast alone.
        let one = month_outlook(&flat("A", today + 1, 64, 100), "2026-12-02", None).unwrap();
        assert_eq!((one.days_counted, one.band_note()), (1, None));
        // No rows at all: no band, nothing to explain.
        let none = month_outlook(&Records::new(), "2026-12-01", None).unwrap();
        assert_eq!(none.band_note(), None);
    }

    #[test]
    fn a_missing_yesterday_is_forecast_not_counted_as_zero() {
        // Data ends two days before today (the 20th): the 19th is forecast.
        let today = day("2026-06-20");
        let r = flat("A", today - 1, 50, 1000);
        let m = month_outlook(&r, "2026-06-20", None).unwrap();
        assert_eq!(m.days_counted, 18);
        assert_eq!(m.days[18].actual, None);
        assert!(m.days[18].mean.is_some());
        assert!((m.projected - 30_000.0).abs() < 1.0);
    }

    #[test]
    fn a_weekly_shape_is_forecast_with_its_weekdays() {
        // Busy weekdays, quiet weekends: the projection keeps the weekends quiet.
        let today = day("2026-06-15"); // a Monday
        let mut r = Records::new();
        for d in today - 56..today {
            let weekday = (d + 3).rem_euclid(7); // 0 = Monday
            push(
                &mut r,
                &day_text(d),
                "A",
                if weekday < 5 { 1000 } else { 100 },
                0,
            );
        }
        let m = month_outlook(&r, "2026-06-15", None).unwrap();
        assert_eq!(m.method, Some(ForecastMethod::SeasonalDampedTrend));
        // June 2026: 22 weekdays and 8 weekend days.
        let expected = 22.0 * 1000.0 + 8.0 * 100.0;
        assert!(
            (m.projected - expected).abs() / expected < 0.01,
            "{}",
            m.projected
        );
        let saturday = m.days.iter().find(|d| d.date == "2026-06-20");
        assert!(saturday.and_then(|d| d.mean).unwrap_or(0.0) < 200.0);
    }

    #[test]
    fn contributors_add_up_to_the_projection() {
        let today = day("2026-06-11");
        let mut r = Records::new();
        for d in today - 40..today {
            for (c, n) in [
                ("A", 600),
                ("B", 300),
                ("C", 50),
                ("D", 20),
                ("E", 10),
                ("F", 10),
                ("G", 10),
            ] {
                push(&mut r, &day_text(d), c, n, 0);
            }
        }
        let m = month_outlook(&r, "2026-06-11", None).unwrap();
        assert_eq!(m.contributors.len(), CONTRIBUTORS + 1);
        assert_eq!(m.contributors[0].client, "A");
        assert_eq!(m.contributors[0].month_to_date, 6_000);
        assert_eq!(m.contributors[CONTRIBUTORS].client, OTHER);
        let sum: f64 = m.contributors.iter().map(|c| c.projected).sum();
        assert!((sum - m.projected).abs() < 1e-6);
        assert!((m.contributors[0].share - 0.6).abs() < 1e-3);
    }

    #[test]
    fn no_rows_give_an_empty_month_not_an_error() {
        let m = month_outlook(&Records::new(), "2026-06-11", None).unwrap();
        assert_eq!((m.projected, m.method, m.month_to_date), (0.0, None, 0));
        assert!(m.contributors.is_empty());
        assert!(month_outlook(&Records::new(), "June", None).is_err());
    }

    #[test]
    fn client_figures_give_429_shares_and_the_usual_day() {
        let today = day("2026-06-11");
        let mut r = Records::new();
        for d in today - 29..today {
            let last = d == today - 1;
            push(&mut r, &day_text(d), "A", if last { 5000 } else { 100 }, 0);
            push(&mut r, &day_text(d), "B", 200, 20);
        }
        let f = client_figures(&r);
        let names: Vec<&str> = f.iter().map(|c| c.client.as_str()).collect();
        assert_eq!(names, ["A", "B"]); // 7,800 requests before 5,800
        let (a, b) = (&f[0], &f[1]);
        assert_eq!((a.requests, a.last_day_requests), (2_800 + 5_000, 5_000));
        assert_eq!(a.median_previous, Some(100.0));
        assert!((b.share429 - 0.1).abs() < 1e-9);
        assert_eq!(b.status429, 580);
    }

    #[test]
    fn a_short_history_has_no_baseline() {
        let today = day("2026-06-11");
        let f = client_figures(&flat("A", today, 5, 10));
        assert_eq!(f[0].median_previous, None);
    }

    #[test]
    fn the_overview_takes_either_vendor_alone() {
        let today = day("2026-06-11");
        let r = flat("A", today, 30, 10);
        let o = overview(&OverviewInput {
            today: "2026-06-11",
            genesys: Some(&r),
            ..OverviewInput::default()
        })
        .unwrap();
        assert_eq!(o.today, "2026-06-11");
        let g = o.genesys.unwrap();
        assert_eq!(
            (g.requests, g.last_day.as_deref()),
            (300, Some("2026-06-10"))
        );
        assert!(o.thousandeyes.is_none());
        let bad = Allowance::Requests { requests: -1 };
        let e = overview(&OverviewInput {
            today: "2026-06-11",
            genesys: Some(&r),
            allowance: Some(&bad),
            ..OverviewInput::default()
        });
        assert!(e.is_err());
    }
}
