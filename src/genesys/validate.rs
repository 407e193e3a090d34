//! Every limit and check of the Genesys Cloud usage API, defined once: the
//! app, the JavaScript face and the simulator call these.

use crate::error::{snippet, Error, Result, Vendor};
use crate::http::percent_encode;
use crate::time::{format_timestamp, parse_instant, Bucket, Interval, Precision, DAY};

use super::models::Granularity;

use super::region::Region;

/// The most records a simple search can return, per the reference.
pub const SIMPLE_SEARCH_CAP: usize = 20_000;

/// Default rows per page (the largest the API allows).
pub const DEFAULT_PAGE_SIZE: u32 = 1_000;

/// The longest interval of a usage job, in days (end at most 90 days after
/// start).
pub const JOB_MAX_DAYS: i64 = 90;
/// How far back a usage job may start, in days (one year).
pub const JOB_LOOKBACK_DAYS: i64 = 365;
/// The client summary's `days`. Genesys publishes no range; ten years is
/// more than any organization has.
pub const SUMMARY_DAYS: std::ops::RangeInclusive<u32> = 1..=3650;
/// The client summary's `days` when none are given (the vendor's default).
pub const SUMMARY_DEFAULT_DAYS: u32 = 7;
/// The first day with usage data (legacy queries reach back to 2018), as
/// (year, month, day).
pub const USAGE_DATA_START: (i64, u32, u32) = (2018, 1, 1);

/// [`USAGE_DATA_START`] as days since 1970-01-01.
pub fn usage_data_start_day() -> i64 {
    let (y, m, d) = USAGE_DATA_START;
    crate::time::days_from_civil(y, m, d)
}

/// [`USAGE_DATA_START`] as `yyyy-mm-dd`, for messages.
pub fn usage_data_start_date() -> String {
    crate::time::format_date(usage_data_start_day() * DAY)
}

pub(crate) fn invalid(message: String) -> Error {
    Error::invalid_input(message).with_vendor(Vendor::Genesys)
}

/// Checks an interval (`start/end`, start before end).
pub fn check_interval(text: &str) -> Result<Interval> {
    Interval::parse(text).map_err(|m| invalid(format!("interval: {m}")))
}

/// Checks the client summary's `days` against [`SUMMARY_DAYS`].
pub fn check_summary_days(days: u32) -> Result<u32> {
    if SUMMARY_DAYS.contains(&days) {
        Ok(days)
    } else {
        Err(invalid(format!(
            "days must be a whole number from {} to {}, not {days}",
            SUMMARY_DAYS.start(),
            SUMMARY_DAYS.end()
        )))
    }
}

/// Checks an id that goes into a URL path: letters, digits, `-`, `_`, `.`, `~`
/// only (Genesys ids are UUIDs), so it can never change the path.
pub fn check_id(what: &str, id: &str) -> Result<String> {
    let t = id.trim();
    if t.is_empty() {
        return Err(invalid(format!("{what} is empty")));
    }
    if t.len() > 128 {
        return Err(invalid(format!("{what} is too long to be a Genesys id")));
    }
    let ok = t
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
    if !ok || t == "." || t == ".." {
        return Err(invalid(format!(
            "{what} `{}` may only contain letters, digits, `-`, `_`, `.` and `~` (it looks like 3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa)",
            snippet(t, 60)
        )));
    }
    Ok(percent_encode(t))
}

/// Turns a region domain, API host or base URL into the API base URL.
pub fn resolve_base(base_or_region: &str) -> Result<String> {
    if let Some(region) = Region::find(base_or_region) {
        return Ok(region.api_base());
    }
    crate::http::normalize_base_url(base_or_region).map_err(|m| {
        Error::invalid_input(format!(
            "Genesys Cloud: {m}. Use a region domain such as mypurecloud.com, or an https:// base URL."
        ))
        .with_vendor(Vendor::Genesys)
    })
}

/// Checks a jobs interval: at most [`JOB_MAX_DAYS`] long, starting at most
/// [`JOB_LOOKBACK_DAYS`] before `now_ms`.
pub fn check_job_interval(text: &str, now_ms: u64) -> Result<Interval> {
    let interval = check_interval(text)?;
    if interval.len_secs() > JOB_MAX_DAYS * DAY {
        return Err(Error::invalid_input(format!(
            "the interval `{text}` is longer than the {JOB_MAX_DAYS} days a usage job allows: split it, or use a coarser query"
        ))
        .with_vendor(Vendor::Genesys));
    }
    let now = (now_ms / 1000) as i64;
    if interval.start < now - JOB_LOOKBACK_DAYS * DAY {
        return Err(Error::invalid_input(format!(
            "the interval `{text}` starts more than a year ago, which usage jobs do not allow"
        ))
        .with_vendor(Vendor::Genesys));
    }
    Ok(interval)
}

/// The calendar buckets of a jobs answer: parts of a long interval are cut
/// where one starts (a whole total is cut along days, and summed).
pub fn job_bucket(granularity: Option<Granularity>) -> Bucket {
    match granularity {
        Some(Granularity::Week) => Bucket::Week,
        Some(Granularity::Month) => Bucket::Month,
        Some(Granularity::Day) | None => Bucket::Day,
    }
}

/// Checks a jobs interval of any length and cuts it into the intervals of
/// the jobs that answer it: one, the interval as given, when a single job
/// allows it ([`check_job_interval`]); otherwise parts of at most
/// [`JOB_MAX_DAYS`], cut where a `bucket` starts. The start may be at most
/// [`JOB_LOOKBACK_DAYS`] before `now_ms`. Each part but the last ends a
/// second before the next starts (the vendor counts both ends in); the last
/// keeps the end as given, so a date-only end still means that whole day
/// (a month-only end becomes the month's last second).
pub fn job_parts(text: &str, bucket: Bucket, now_ms: u64) -> Result<Vec<String>> {
    let whole = match check_job_interval(text, now_ms) {
        Ok(_) => return Ok(vec![text.trim().to_string()]),
        Err(e) => {
            let interval = check_interval(text)?;
            if interval.len_secs() <= JOB_MAX_DAYS * DAY {
                return Err(e);
            }
            interval
        }
    };
    let now = (now_ms / 1000) as i64;
    if whole.start < now - JOB_LOOKBACK_DAYS * DAY {
        return Err(invalid(format!(
            "the interval `{}` starts more than a year ago, which usage jobs do not allow",
            snippet(text.trim(), 80)
        )));
    }
    let given_end = text
        .trim()
        .split_once('/')
        .map(|(_, b)| b.trim())
        .unwrap_or("");
    let end = parse_instant(given_end).map_err(|m| invalid(format!("interval: {m}")))?;
    let effective_end = match end.precision {
        Precision::Time => end.secs,
        Precision::Day => end.secs + DAY,
        Precision::Month => Bucket::Month.next_start(end.secs.div_euclid(DAY)) * DAY,
    };
    let effective = Interval {
        start: whole.start,
        end: effective_end,
    };
    let parts = effective.split(JOB_MAX_DAYS, bucket).ok_or_else(|| {
        invalid(format!(
            "the interval `{}` cannot be cut into jobs",
            snippet(text.trim(), 80)
        ))
    })?;
    let last = parts.len() - 1;
    Ok(parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let end = if i == last && end.precision != Precision::Month {
                given_end.to_string()
            } else {
                format_timestamp(p.end - 1)
            };
            format!("{}/{end}", format_timestamp(p.start))
        })
        .collect())
}
