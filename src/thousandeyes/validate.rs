//! Every limit and check of the ThousandEyes usage API, defined once: the
//! app, the JavaScript face and the simulator call these.

use crate::error::{snippet, Error, Result, Vendor};
use crate::time::{format_timestamp, parse_instant, Precision};

/// The only API host ThousandEyes documents.
pub const DEFAULT_BASE_URL: &str = "https://api.thousandeyes.com";

/// The most digits an account group id has.
pub const AID_MAX_DIGITS: usize = 20;

pub(crate) fn invalid(message: String) -> Error {
    Error::invalid_input(message).with_vendor(Vendor::ThousandEyes)
}

/// Checks an account group id: digits only.
pub fn check_aid(aid: &str) -> Result<String> {
    let t = aid.trim();
    if t.is_empty() || t.len() > AID_MAX_DIGITS || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!(
            "aid `{}` must be a numeric account group id, such as 1234",
            snippet(t, 40)
        )));
    }
    Ok(t.to_string())
}

/// Checks a date parameter: a full UTC timestamp; returns it as
/// `YYYY-MM-DDTHH:MM:SSZ` and in seconds.
pub fn check_date(what: &str, text: &str) -> Result<(String, i64)> {
    let i = parse_instant(text).map_err(|m| invalid(format!("{what}: {m}")))?;
    if i.precision != Precision::Time {
        return Err(invalid(format!(
            "{what} `{}` must be a full UTC timestamp such as 2026-06-01T00:00:00Z",
            snippet(text, 40)
        )));
    }
    Ok((format_timestamp(i.secs), i.secs))
}

/// Checks a date range: both dates, only a start, or neither.
pub fn check_range(start: Option<&str>, end: Option<&str>) -> Result<Vec<(&'static str, String)>> {
    let mut q = Vec::new();
    match (start, end) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err(invalid(
                "endDate needs a startDate too (ThousandEyes refuses an end without a start)"
                    .into(),
            ))
        }
        (Some(s), e) => {
            let (s_text, s_secs) = check_date("startDate", s)?;
            q.push(("startDate", s_text));
            if let Some(e) = e {
                let (e_text, e_secs) = check_date("endDate", e)?;
                if s_secs > e_secs {
                    return Err(invalid("startDate is after endDate".into()));
                }
                q.push(("endDate", e_text));
            }
        }
    }
    Ok(q)
}

/// Checks a base URL (default [`DEFAULT_BASE_URL`]); a trailing `/v7` is dropped.
pub fn resolve_base(base_url: Option<&str>) -> Result<String> {
    let base = base_url
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or(DEFAULT_BASE_URL);
    let base = crate::http::normalize_base_url(base)
        .map_err(|m| invalid(format!("{m}. Leave it empty for {DEFAULT_BASE_URL}.")))?;
    Ok(base.strip_suffix("/v7").unwrap_or(&base).to_string())
}
