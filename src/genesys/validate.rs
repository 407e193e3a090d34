//! Every limit and check of the Genesys Cloud usage API, defined once: the
//! app, the JavaScript face and the simulator call these.

use crate::error::{snippet, Error, Result, Vendor};
use crate::http::percent_encode;
use crate::time::{Interval, DAY};

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
