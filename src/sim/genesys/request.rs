//! Genesys request validation: bodies and query parameters are read the way
//! the server reads them, and refused with the errors it gives.

use std::ops::RangeInclusive;

use serde_json::{json, Map, Value};

use crate::engine::PAGE_SIZE;
use crate::genesys::{Granularity, JOB_LOOKBACK_DAYS, JOB_MAX_DAYS};
use crate::http::{query_param, HttpRequest};
use crate::time::{parse_instant_ms, Precision};

use super::super::cursor::{self, Dialect};
use super::super::data::{data_start_day, Counts, Dims};
use super::super::util::{day_of, ms_i64, next_month_start, DAY_MS};
use super::error::{shorten, ApiError};

/// Genesys `request.bytes.max`.
const MAX_BODY: usize = 512_000;

/// A parsed interval: start, effective exclusive end, and the end as given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Interval {
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) given_end: i64,
}

impl Interval {
    /// Days overlapping the interval that have data as of `created` (Unix ms).
    pub(super) fn days(&self, created: u64) -> (i64, i64) {
        let today = day_of(ms_i64(created));
        let first = day_of(self.start).max(data_start_day());
        let last = day_of(self.end.saturating_sub(1))
            .min(today - 1)
            .min(first + 4000);
        (first, last)
    }
}

/// Which counters a query selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Metrics {
    pub(super) requests: bool,
    pub(super) s200: bool,
    pub(super) s300: bool,
    pub(super) s400: bool,
    pub(super) s429: bool,
    pub(super) s500: bool,
    // simple search columns
    pub(super) date: bool,
    pub(super) client_name: bool,
    pub(super) method: bool,
    pub(super) template: bool,
}

impl Metrics {
    pub(super) fn all() -> Metrics {
        Metrics {
            requests: true,
            s200: true,
            s300: true,
            s400: true,
            s429: true,
            s500: true,
            date: true,
            client_name: true,
            method: true,
            template: true,
        }
    }
    pub(super) fn from_list(list: &[&str]) -> Metrics {
        if list.is_empty() {
            return Metrics::all();
        }
        let has = |n: &str| list.contains(&n);
        Metrics {
            requests: has("Requests"),
            s200: has("Status200"),
            s300: has("Status300"),
            s400: has("Status400"),
            s429: has("Status429"),
            s500: has("Status500"),
            date: has("Date"),
            client_name: has("ClientName"),
            method: has("HttpMethod"),
            template: has("TemplateUri"),
        }
    }
    pub(super) fn put_counters(
        &self,
        m: &mut Map<String, Value>,
        c: &Counts,
        requests_name: Option<&str>,
    ) {
        if let Some(name) = requests_name {
            if self.requests {
                m.insert(name.into(), json!(c.requests()));
            }
        }
        if self.s200 {
            m.insert("status200".into(), json!(c.ok));
        }
        if self.s300 {
            m.insert("status300".into(), json!(c.c3));
        }
        if self.s400 {
            m.insert("status400".into(), json!(c.s400()));
        }
        if self.s429 {
            m.insert("status429".into(), json!(c.c429));
        }
        if self.s500 {
            m.insert("status500".into(), json!(c.c5));
        }
    }
}

/// A legacy query (`ApiUsageOrganizationQuery` / `ApiUsageClientQuery`).
#[derive(Clone, Debug)]
pub(crate) struct LegacyQuery {
    pub(super) interval: Interval,
    pub(super) gran: Option<Granularity>,
    pub(super) metrics: Metrics,
    pub(super) dims: Dims,
}

/// A simple search (`ApiUsageSimpleSearch`).
#[derive(Clone, Debug)]
pub(crate) struct SearchQuery {
    pub(super) interval: Interval,
    pub(super) cols: Metrics,
    pub(super) names: Vec<String>,
    pub(super) methods: Vec<&'static str>,
    pub(super) templates: Vec<String>,
}

/// An aggregates job request.
#[derive(Clone, Debug)]
pub(crate) struct JobQuery {
    pub(super) interval: Interval,
    pub(super) gran: Option<Granularity>,
    pub(super) metrics: Metrics,
    pub(super) dims: Dims,
    pub(super) sort: Vec<(String, bool)>,
    pub(super) templates: Vec<String>,
    pub(super) methods: Vec<&'static str>,
    pub(super) platforms: Vec<String>,
    pub(super) users: Vec<String>,
    pub(super) clients: Vec<String>,
    pub(super) orgs: Vec<String>,
}

/// The JSON object a POST carries, refused as the server refuses it: too
/// large, missing, or not an object.
pub(super) fn body_object(req: &HttpRequest) -> Result<Map<String, Value>, ApiError> {
    let body = req.body.as_deref().unwrap_or("");
    if body.len() > MAX_BODY {
        return Err(ApiError::new(
            413,
            "request.entity.too.large",
            format!("The request is over the size limit. Maximum bytes: {MAX_BODY}"),
        ));
    }
    if body.trim().is_empty() {
        return Err(ApiError::bad("A request body is required.", None));
    }
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::bad(
            "The request could not be understood by the server due to malformed syntax.",
            None,
        )),
    }
}

fn get_str<'a>(
    o: &'a Map<String, Value>,
    field: &'static str,
) -> Result<Option<&'a str>, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::bad(
            format!("The field [{field}] must be a string."),
            Some(field),
        )),
    }
}

fn get_list<'a>(o: &'a Map<String, Value>, field: &'static str) -> Result<Vec<&'a str>, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().ok_or_else(|| {
                    ApiError::bad(
                        format!("The field [{field}] must be a list of strings."),
                        Some(field),
                    )
                })
            })
            .collect(),
        Some(_) => Err(ApiError::bad(
            format!("The field [{field}] must be a list."),
            Some(field),
        )),
    }
}

fn get_enum_list(
    o: &Map<String, Value>,
    field: &'static str,
    type_name: &str,
    allowed: &[&'static str],
) -> Result<Vec<&'static str>, ApiError> {
    get_list(o, field)?
        .into_iter()
        .map(|v| {
            allowed
                .iter()
                .find(|a| **a == v)
                .copied()
                .ok_or_else(|| ApiError::invalid_value(v, type_name, allowed, field))
        })
        .collect()
}

fn get_granularity(o: &Map<String, Value>) -> Result<Option<Granularity>, ApiError> {
    match get_str(o, "granularity")? {
        None => Ok(None),
        Some("Day") => Ok(Some(Granularity::Day)),
        Some("Week") => Ok(Some(Granularity::Week)),
        Some("Month") => Ok(Some(Granularity::Month)),
        Some(other) => Err(ApiError::invalid_value(
            other,
            "Granularity",
            &["Day", "Week", "Month"],
            "granularity",
        )),
    }
}

fn get_interval(o: &Map<String, Value>) -> Result<Interval, ApiError> {
    let raw = get_str(o, "interval")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::bad("The field [interval] is required.", Some("interval")))?;
    parse_interval(raw)
}

/// Parses `start/end` as described in the module docs.
pub(super) fn parse_interval(raw: &str) -> Result<Interval, ApiError> {
    let bad = || {
        ApiError::bad(
            format!(
                "Invalid interval [{}]. Expected an ISO-8601 interval such as 2020-02-01/2020-02-28 or 2026-06-01T00:00:00Z/2026-06-30T23:59:59Z.",
                shorten(raw)
            ),
            Some("interval"),
        )
    };
    let (a, b) = raw.split_once('/').ok_or_else(bad)?;
    let (start, _) = parse_instant_ms(a).map_err(|_| bad())?;
    let (given_end, precision) = parse_instant_ms(b).map_err(|_| bad())?;
    let end = match precision {
        Precision::Time => given_end,
        Precision::Day => given_end + DAY_MS,
        Precision::Month => next_month_start(day_of(given_end)) * DAY_MS,
    };
    if end <= start {
        return Err(ApiError::bad(
            format!(
                "Invalid interval [{}]. The end must be after the start.",
                shorten(raw)
            ),
            Some("interval"),
        ));
    }
    Ok(Interval {
        start,
        end,
        given_end,
    })
}

const LEGACY_METRICS: &[&str] = &[
    "Status200",
    "Status300",
    "Status400",
    "Status500",
    "Status429",
    "Requests",
];
const LEGACY_GROUP_ORG: &[&str] = &[
    "OAuthClientId",
    "OrganizationId",
    "UserId",
    "TemplateUri",
    "HttpMethod",
];
const LEGACY_GROUP_CLIENT: &[&str] = &[
    "OAuthClientId",
    "OrganizationId",
    "TemplateUri",
    "HttpMethod",
];
const SEARCH_METRICS: &[&str] = &[
    "Date",
    "ClientName",
    "HttpMethod",
    "TemplateUri",
    "Status200",
    "Status300",
    "Status400",
    "Status500",
    "Status429",
];
const SEARCH_METHODS: &[&str] = &[
    "GET", "POST", "DELETE", "PATCH", "PUT", "HEAD", "CONNECT", "OPTIONS", "TRACE",
];
const JOB_METRICS: &[&str] = &[
    "Requests",
    "Status200",
    "Status300",
    "Status400",
    "Status429",
    "Status500",
];
const JOB_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
const JOB_GROUP_ORG: &[&str] = &[
    "OauthClientName",
    "OauthClientId",
    "UserId",
    "HttpMethod",
    "TemplateUri",
    "Platform",
];
const JOB_GROUP_CLIENT: &[&str] = &["OrganizationId", "HttpMethod", "TemplateUri", "Platform"];

fn dims_of(list: &[&str]) -> Dims {
    let has = |n: &str| list.contains(&n);
    Dims {
        client: has("OAuthClientId") || has("OauthClientId") || has("OauthClientName"),
        user: has("UserId"),
        template: has("TemplateUri"),
        method: has("HttpMethod"),
        org: has("OrganizationId"),
        platform: has("Platform"),
    }
}

/// The dimensions `groupBy` names (each one of `allowed`), or `default`
/// when it names none.
fn group_by(
    o: &Map<String, Value>,
    allowed: &[&'static str],
    default: Dims,
) -> Result<Dims, ApiError> {
    let group = get_enum_list(o, "groupBy", "GroupBy", allowed)?;
    Ok(if group.is_empty() {
        default
    } else {
        dims_of(&group)
    })
}

/// A legacy query body, for the organization or for one client.
pub(super) fn legacy_query(o: &Map<String, Value>, client: bool) -> Result<LegacyQuery, ApiError> {
    let interval = get_interval(o)?;
    let gran = get_granularity(o)?;
    let metrics = get_enum_list(o, "metrics", "Metrics", LEGACY_METRICS)?;
    let allowed = if client {
        LEGACY_GROUP_CLIENT
    } else {
        LEGACY_GROUP_ORG
    };
    let per_client = Dims {
        client: true,
        ..Dims::default()
    };
    let dims = group_by(o, allowed, per_client)?;
    let mut metrics = Metrics::from_list(&metrics);
    metrics.date = true;
    Ok(LegacyQuery {
        interval,
        gran,
        metrics,
        dims,
    })
}

fn strip_slash(s: &str) -> String {
    s.trim().trim_start_matches('/').to_string()
}

/// A simple search body.
pub(super) fn search_query(o: &Map<String, Value>) -> Result<SearchQuery, ApiError> {
    let interval = get_interval(o)?;
    let cols = Metrics::from_list(&get_enum_list(o, "metrics", "Metrics", SEARCH_METRICS)?);
    let names = get_list(o, "oauthClientNames")?
        .into_iter()
        .map(str::to_string)
        .collect();
    let methods = get_enum_list(o, "httpMethods", "HttpMethods", SEARCH_METHODS)?;
    let templates = get_list(o, "templateUris")?
        .into_iter()
        .map(strip_slash)
        .collect();
    Ok(SearchQuery {
        interval,
        cols,
        names,
        methods,
        templates,
    })
}

/// An aggregates job body, for the organization or for one client, checked
/// against the jobs window as of `now`.
pub(super) fn job_query(
    o: &Map<String, Value>,
    client: bool,
    now: u64,
) -> Result<JobQuery, ApiError> {
    let interval = get_interval(o)?;
    // The library's limits (`check_job_interval`): the end as given at most
    // JOB_MAX_DAYS after the start, the start at most JOB_LOOKBACK_DAYS ago.
    if interval.given_end.saturating_sub(interval.start) > JOB_MAX_DAYS * DAY_MS {
        return Err(ApiError::bad(
            format!("The requested interval is longer than {JOB_MAX_DAYS} days. The interval end may be at most {JOB_MAX_DAYS} days after its start."),
            Some("interval"),
        ));
    }
    if interval.start < ms_i64(now).saturating_sub(JOB_LOOKBACK_DAYS * DAY_MS) {
        return Err(ApiError::bad(
            "The requested interval start is more than one year in the past.",
            Some("interval"),
        ));
    }
    let gran = get_granularity(o)?;
    let metrics = Metrics::from_list(&get_enum_list(o, "metrics", "Metrics", JOB_METRICS)?);
    // No `groupBy`: every dimension the endpoint knows.
    let (allowed, every) = if client {
        let every = Dims {
            org: true,
            template: true,
            method: true,
            platform: true,
            ..Dims::default()
        };
        (JOB_GROUP_CLIENT, every)
    } else {
        let every = Dims {
            client: true,
            user: true,
            template: true,
            method: true,
            platform: true,
            org: false,
        };
        (JOB_GROUP_ORG, every)
    };
    let dims = group_by(o, allowed, every)?;
    let sort = sort_by(o)?;
    let strings = |f: &'static str| -> Result<Vec<String>, ApiError> {
        Ok(get_list(o, f)?
            .into_iter()
            .map(|s| s.trim().to_string())
            .collect())
    };
    Ok(JobQuery {
        interval,
        gran,
        metrics,
        dims,
        sort,
        templates: get_list(o, "templateUris")?
            .into_iter()
            .map(strip_slash)
            .collect(),
        methods: get_enum_list(o, "httpMethods", "HttpMethods", JOB_METHODS)?,
        platforms: strings("platforms")?,
        users: if client {
            Vec::new()
        } else {
            strings("userIds")?
        },
        clients: if client {
            Vec::new()
        } else {
            strings("oauthClientIds")?
        },
        orgs: if client {
            strings("organizationIds")?
        } else {
            Vec::new()
        },
    })
}

/// `sortBy`: `(fieldName, descending)` pairs, first key first.
fn sort_by(o: &Map<String, Value>) -> Result<Vec<(String, bool)>, ApiError> {
    let mut sort = Vec::new();
    match o.get("sortBy") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let Some(m) = item.as_object() else {
                    return Err(ApiError::bad(
                        "The field [sortBy] must be a list of objects.",
                        Some("sortBy"),
                    ));
                };
                let field = get_str(m, "fieldName")?.unwrap_or("").to_string();
                let desc = match get_str(m, "order")? {
                    None | Some("Asc") => false,
                    Some("Desc") => true,
                    Some(other) => {
                        return Err(ApiError::invalid_value(
                            other,
                            "Order",
                            &["Asc", "Desc"],
                            "sortBy",
                        ))
                    }
                };
                sort.push((field, desc));
            }
        }
        Some(_) => {
            return Err(ApiError::bad(
                "The field [sortBy] must be a list.",
                Some("sortBy"),
            ))
        }
    }
    Ok(sort)
}

/// A page size from `pageSize` (blank means the default), within the range
/// the library allows, which is the vendor's.
pub(super) fn page_size(rest: &str, default: u32) -> Result<u64, ApiError> {
    let given = query_param(rest, "pageSize").filter(|v| !v.is_empty());
    whole_number(given, "pageSize", PAGE_SIZE, default).map(u64::from)
}

/// A whole-number query parameter within `range`, or `default` when absent.
pub(super) fn whole_number(
    given: Option<String>,
    field: &'static str,
    range: RangeInclusive<u32>,
    default: u32,
) -> Result<u32, ApiError> {
    let Some(v) = given else {
        return Ok(default);
    };
    v.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            let message = format!(
                "Value [{}] is not valid for field [{field}]. Allowable values are {} to {}.",
                shorten(&v),
                range.start(),
                range.end()
            );
            ApiError::invalid_field(message, field)
        })
}

fn bad_cursor(raw: &str) -> ApiError {
    ApiError::bad(
        format!("The cursor [{}] is not valid for this query.", shorten(raw)),
        Some("after"),
    )
}

/// Reads `after`: `(page index, offset)`; the first page is `(0, 0)`.
pub(super) fn read_after(rest: &str, total: u64) -> Result<(u64, u64, Option<String>), ApiError> {
    match query_param(rest, "after").filter(|a| !a.is_empty()) {
        None => Ok((0, 0, None)),
        Some(raw) => {
            let (page, offset) =
                cursor::decode(Dialect::Genesys, &raw).ok_or_else(|| bad_cursor(&raw))?;
            if offset > total || (page == 0) != (offset == 0) {
                return Err(bad_cursor(&raw));
            }
            Ok((page, offset, Some(raw)))
        }
    }
}
