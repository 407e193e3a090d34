//! The Genesys Cloud side: the eleven Usage operations and `tokens/me`.
//!
//! Interpretations where the reference is silent:
//! * Intervals: `YYYY-MM`, `YYYY-MM-DD` and date-times are accepted on each side.
//!   A date-only (month-only) end includes that whole day (month); a date-time end
//!   is exclusive. A day is included when it overlaps the interval. Data exists
//!   from 2018-01-01 up to yesterday (UTC) as of submission.
//! * Legacy queries: no `groupBy` means grouped per OAuth client; no
//!   `granularity` means one total per group and no `date`. Counters not selected
//!   in `metrics` are omitted. `purecloud-builtin` clients are hidden.
//! * Jobs: no `groupBy` means every dimension; no `granularity` means one total
//!   per group and no `date`. Dimensions not grouped are omitted; `oauthClient`
//!   carries `id`, `name` and `selfUri` whenever the client is grouped.
//! * Simple search: default page size 100 (max 1000); at most 20,000 records are
//!   readable; `cursors.after` on every page but the last, `cursors.before` on
//!   every page but the first.
//! * Jobs: `Queued` for the first fifth of the duration, then `Running` (HTTP
//!   202), then `Succeeded` (200), `Failed` (202, with `errorBody`) or
//!   `Cancelled` (200). Default page size 100, max 1000.
//! * Starting an execution or a job answers HTTP 202.

use std::borrow::Cow;
use std::ops::RangeInclusive;

use serde_json::{json, Map, Value};

use crate::engine::PAGE_SIZE;
use crate::genesys::{
    JOB_LOOKBACK_DAYS, JOB_MAX_DAYS, SIMPLE_SEARCH_CAP, SUMMARY_DAYS, SUMMARY_DEFAULT_DAYS,
};
use crate::http::{percent_decode, percent_encode, query_param, HttpRequest, HttpResponse, Method};

use super::cursor::{self, Dialect};
use super::data::{
    aggregate, data_start_day, template, user_id, user_index, AggKey, Catalog, Counts, Dims,
    Granularity, HOME_ORG_ID, HOME_ORG_NAME,
};
use super::scenario::{Execution, Outcome};
use super::util::{day_date, day_of, ms_i64, next_month_start, DAY_MS};
use super::{gate, html_login_page, json_response, maybe_truncate, Ctx, Gate, RateInfo};
use crate::time::{parse_instant_ms, Precision};

/// Genesys `request.bytes.max`.
const MAX_BODY: usize = 512_000;
/// Simple search: records readable per search (the reference's cap, as
/// the library knows it).
const SEARCH_CAP: u64 = SIMPLE_SEARCH_CAP as u64;
/// Default page sizes.
const SEARCH_PAGE: u32 = 100;
const JOBS_PAGE: u32 = 100;
/// How many executions keep their computed rows.
const MAX_CACHED: usize = 8;

/// What an execution or job computes.
#[derive(Clone, Debug)]
pub(crate) enum ExecKind {
    /// Legacy org or per-client query (also the client summary). Its rows
    /// are read in one response, so they are computed then and not kept.
    Legacy {
        query: LegacyQuery,
        client: Option<String>,
    },
    /// Simple search.
    Search {
        query: SearchQuery,
        cache: Option<Vec<(i64, usize, Counts)>>,
    },
    /// Aggregates job (org or per-client).
    Job {
        query: JobQuery,
        client: Option<String>,
        cache: Option<Vec<(AggKey, Counts)>>,
    },
}

impl ExecKind {
    fn has_cache(&self) -> bool {
        match self {
            ExecKind::Legacy { .. } => false,
            ExecKind::Job { cache, .. } => cache.is_some(),
            ExecKind::Search { cache, .. } => cache.is_some(),
        }
    }
    fn drop_cache(&mut self) {
        match self {
            ExecKind::Legacy { .. } => {}
            ExecKind::Job { cache, .. } => *cache = None,
            ExecKind::Search { cache, .. } => *cache = None,
        }
    }
}

/// A parsed interval: start, effective exclusive end, and the end as given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Interval {
    start: i64,
    end: i64,
    given_end: i64,
}

impl Interval {
    /// Days overlapping the interval that have data as of `created` (Unix ms).
    fn days(&self, created: u64) -> (i64, i64) {
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
    requests: bool,
    s200: bool,
    s300: bool,
    s400: bool,
    s429: bool,
    s500: bool,
    // simple search columns
    date: bool,
    client_name: bool,
    method: bool,
    template: bool,
}

impl Metrics {
    fn all() -> Metrics {
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
    fn from_list(list: &[&str]) -> Metrics {
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
    fn put_counters(&self, m: &mut Map<String, Value>, c: &Counts, requests_name: Option<&str>) {
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
    interval: Interval,
    gran: Option<Granularity>,
    metrics: Metrics,
    dims: Dims,
}

/// A simple search (`ApiUsageSimpleSearch`).
#[derive(Clone, Debug)]
pub(crate) struct SearchQuery {
    interval: Interval,
    cols: Metrics,
    names: Vec<String>,
    methods: Vec<&'static str>,
    templates: Vec<String>,
}

/// An aggregates job request.
#[derive(Clone, Debug)]
pub(crate) struct JobQuery {
    interval: Interval,
    gran: Option<Granularity>,
    metrics: Metrics,
    dims: Dims,
    sort: Vec<(String, bool)>,
    templates: Vec<String>,
    methods: Vec<&'static str>,
    platforms: Vec<String>,
    users: Vec<String>,
    clients: Vec<String>,
    orgs: Vec<String>,
}

/// A validation or lookup failure, turned into an `ErrorBody`.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    status: u16,
    code: &'static str,
    message: String,
    field: Option<&'static str>,
}

impl ApiError {
    fn bad(message: impl Into<String>, field: Option<&'static str>) -> ApiError {
        ApiError {
            status: 400,
            code: "bad.request",
            message: message.into(),
            field,
        }
    }
    fn invalid_value(
        value: &str,
        type_name: &str,
        allowed: &[&str],
        field: &'static str,
    ) -> ApiError {
        ApiError {
            status: 400,
            code: "invalid.value",
            message: format!(
                "Value [{}] is not valid for field type [{type_name}]. Allowable values are: {}",
                shorten(value),
                allowed.join(", ")
            ),
            field: Some(field),
        }
    }
    fn not_found(message: &str) -> ApiError {
        ApiError {
            status: 404,
            code: "not.found",
            message: message.to_string(),
            field: None,
        }
    }
}

fn shorten(s: &str) -> String {
    s.chars().take(80).collect()
}

/// A Genesys `ErrorBody`.
fn error_body(
    status: u16,
    code: &str,
    message: &str,
    context_id: &str,
    field: Option<&str>,
) -> Value {
    let details: Vec<Value> = field
        .map(|f| json!({ "fieldName": f }))
        .into_iter()
        .collect();
    json!({
        "message": message,
        "code": code,
        "status": status,
        "messageParams": {},
        "contextId": context_id,
        "details": details,
        "errors": [],
    })
}

/// The routes of the Genesys API.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Route {
    OrgQuery,
    OrgQueryResults(String),
    ClientQuery(String),
    ClientQueryResults(String, String),
    ClientSummary(String),
    SimpleSearch,
    SimpleSearchResults(String),
    OrgJob,
    OrgJobResults(String),
    ClientJob(String),
    ClientJobResults(String, String),
    TokensMe,
}

enum RouteError {
    NotFound,
    WrongMethod(&'static str),
}

fn parse_route(method: Method, path: &str) -> Result<Route, RouteError> {
    let rest = path.strip_prefix("/api/v2/").ok_or(RouteError::NotFound)?;
    let seg: Vec<String> = rest.split('/').map(percent_decode).collect();
    if seg.iter().any(|s| s.is_empty()) {
        return Err(RouteError::NotFound);
    }
    let s: Vec<&str> = seg.iter().map(String::as_str).collect();
    let (route, want) = match s.as_slice() {
        ["usage", "query"] => (Route::OrgQuery, Method::Post),
        ["usage", "query", id, "results"] => (Route::OrgQueryResults(id.to_string()), Method::Get),
        ["oauth", "clients", c, "usage", "query"] => {
            (Route::ClientQuery(c.to_string()), Method::Post)
        }
        ["oauth", "clients", c, "usage", "query", "results", e] => (
            Route::ClientQueryResults(c.to_string(), e.to_string()),
            Method::Get,
        ),
        ["oauth", "clients", c, "usage", "summary"] => {
            (Route::ClientSummary(c.to_string()), Method::Get)
        }
        ["usage", "simplesearch"] => (Route::SimpleSearch, Method::Post),
        ["usage", "simplesearch", id, "results"] => {
            (Route::SimpleSearchResults(id.to_string()), Method::Get)
        }
        ["usage", "aggregates", "query", "jobs"] => (Route::OrgJob, Method::Post),
        ["usage", "aggregates", "query", "jobs", id] => {
            (Route::OrgJobResults(id.to_string()), Method::Get)
        }
        ["usage", "client", c, "aggregates", "query", "jobs"] => {
            (Route::ClientJob(c.to_string()), Method::Post)
        }
        ["usage", "client", c, "aggregates", "query", "jobs", id] => (
            Route::ClientJobResults(c.to_string(), id.to_string()),
            Method::Get,
        ),
        ["tokens", "me"] => (Route::TokensMe, Method::Get),
        _ => return Err(RouteError::NotFound),
    };
    if method != want {
        return Err(RouteError::WrongMethod(want.as_str()));
    }
    Ok(route)
}

/// The permissions the reference lists per endpoint: (names, "any of").
fn permissions(route: &Route) -> Option<(&'static [&'static str], bool)> {
    const ORG: &[&str] = &["oauth:client:view", "usage:organization:view"];
    const CLIENT: &[&str] = &["oauth:client:view", "usage:client:view"];
    const SEARCH: &[&str] = &["oauth:client:view", "usage:simpleSearch:view"];
    const ORG_JOBS: &[&str] = &["usage:organization:view"];
    const CLIENT_JOBS: &[&str] = &["usage:client:view"];
    Some(match route {
        Route::OrgQuery | Route::OrgQueryResults(_) => (ORG, true),
        Route::ClientQuery(_) | Route::ClientQueryResults(..) | Route::ClientSummary(_) => {
            (CLIENT, true)
        }
        Route::SimpleSearch | Route::SimpleSearchResults(_) => (SEARCH, true),
        Route::OrgJob | Route::OrgJobResults(_) => (ORG_JOBS, false),
        Route::ClientJob(_) | Route::ClientJobResults(..) => (CLIENT_JOBS, false),
        Route::TokensMe => return None,
    })
}

/// Answers one `/api/v2/...` request.
pub(crate) fn handle(ctx: &mut Ctx<'_>, req: &HttpRequest, rest: &str, path: &str) -> HttpResponse {
    let route = parse_route(req.method, path);
    let deny_applies = match &route {
        Ok(r) => permissions(r).is_some(),
        Err(_) => false,
    };
    let (gate_result, info) = gate(ctx, req, false, deny_applies);
    let cid = ctx.correlation_id();
    let resp = match gate_result {
        Gate::Html => return html_login_page(),
        Gate::Dropped => return HttpResponse::new(super::DROPPED, ""),
        Gate::Pass => match route {
            Ok(r) => match answer(ctx, req, rest, &r) {
                Ok(resp) => resp,
                Err(e) => error_response(&e, &cid),
            },
            Err(RouteError::NotFound) => error_response(
                &ApiError::not_found("The requested resource was not found."),
                &cid,
            ),
            Err(RouteError::WrongMethod(allowed)) => error_response(
                &ApiError {
                    status: 405,
                    code: "method.not.allowed",
                    message: format!("This resource only supports {allowed}."),
                    field: None,
                },
                &cid,
            )
            .with_header("Allow", allowed),
        },
        Gate::NoToken => err(
            401,
            "authentication.required",
            "No authentication bearer token specified in authorization header.",
            &cid,
        ),
        Gate::BadToken => err(401, "bad.credentials", "Invalid login credentials.", &cid),
        Gate::Expired => err(
            401,
            "credentials.expired",
            "The supplied credentials are expired and cannot be used.",
            &cid,
        ),
        Gate::Deny => {
            let (perms, any) = route
                .as_ref()
                .ok()
                .and_then(permissions)
                .unwrap_or((&[], true));
            if any {
                err(
                    403,
                    "missing.any.permissions",
                    &format!(
                        "Unable to perform the requested action. You must have at least one of the following permissions assigned: [{}]",
                        perms.join(", ")
                    ),
                    &cid,
                )
            } else {
                err(
                    403,
                    "missing.permissions",
                    &format!(
                        "Unable to perform the requested action. You are missing the following permission(s): [{}]",
                        perms.join(", ")
                    ),
                    &cid,
                )
            }
        }
        Gate::Limited { wait_s } | Gate::Injected429 { wait_s } => {
            let mut body = error_body(
                429,
                "too.many.requests",
                &format!(
                    "Rate limit exceeded the maximum. Retry the request in [{wait_s}] seconds"
                ),
                &cid,
                None,
            );
            if let Some(m) = body.as_object_mut() {
                m.insert(
                    "limit".into(),
                    json!({ "key": "token.rate.per.minute", "namespace": "platform.api", "value": info.limit }),
                );
            }
            let resp = json_response(429, "application/json", &body);
            if ctx.st.cfg.retry_after {
                resp.with_header("Retry-After", wait_s.to_string())
            } else {
                resp
            }
        }
        Gate::Injected5xx(status) => {
            let (code, message) = match status {
                500 => ("internal.server.error", "The server encountered an unexpected condition which prevented it from fulfilling the request."),
                502 => ("bad.gateway", "The server received an invalid response from an upstream server."),
                504 => ("request.timeout", "The request timed out."),
                _ => ("service.unavailable", "Service is currently unavailable, please try again later."),
            };
            err(status, code, message, &cid)
        }
    };
    let resp = maybe_truncate(ctx, resp);
    with_rate_headers(resp, ctx.now, &info, &cid)
}

fn with_rate_headers(resp: HttpResponse, now: u64, info: &RateInfo, cid: &str) -> HttpResponse {
    resp.with_header("inin-ratelimit-allowed", info.limit.to_string())
        .with_header("inin-ratelimit-count", info.count.to_string())
        .with_header(
            "inin-ratelimit-reset",
            info.reset_ms.saturating_sub(now).div_ceil(1000).to_string(),
        )
        .with_header("ININ-Correlation-Id", cid)
}

fn err(status: u16, code: &str, message: &str, cid: &str) -> HttpResponse {
    json_response(
        status,
        "application/json",
        &error_body(status, code, message, cid, None),
    )
}

fn error_response(e: &ApiError, cid: &str) -> HttpResponse {
    json_response(
        e.status,
        "application/json",
        &error_body(e.status, e.code, &e.message, cid, e.field),
    )
}

fn ok(status: u16, body: &Value) -> HttpResponse {
    json_response(status, "application/json", body)
}

fn answer(
    ctx: &mut Ctx<'_>,
    req: &HttpRequest,
    rest: &str,
    route: &Route,
) -> Result<HttpResponse, ApiError> {
    match route {
        Route::OrgQuery => {
            let query = legacy_query(&body_object(req)?, false)?;
            Ok(start_legacy(ctx, query, None))
        }
        Route::ClientQuery(c) => {
            check_client_id(c)?;
            let query = legacy_query(&body_object(req)?, true)?;
            Ok(start_legacy(ctx, query, Some(c.clone())))
        }
        Route::ClientSummary(c) => {
            check_client_id(c)?;
            let days = whole_number(
                query_param(rest, "days"),
                "days",
                SUMMARY_DAYS,
                SUMMARY_DEFAULT_DAYS,
            )?;
            let today = day_of(ms_i64(ctx.now));
            let query = LegacyQuery {
                interval: Interval {
                    start: (today - i64::from(days)) * DAY_MS,
                    end: today * DAY_MS,
                    given_end: today * DAY_MS,
                },
                gran: None,
                metrics: Metrics::all(),
                dims: Dims {
                    client: true,
                    template: true,
                    method: true,
                    ..Dims::default()
                },
            };
            Ok(start_legacy(ctx, query, Some(c.clone())))
        }
        Route::OrgQueryResults(id) => legacy_results(ctx, id, None),
        Route::ClientQueryResults(c, id) => legacy_results(ctx, id, Some(c)),
        Route::SimpleSearch => {
            let query = search_query(&body_object(req)?)?;
            let id = ctx.st.next_id(ctx.seed, 2);
            let exec = ctx.st.new_execution(
                ExecKind::Search { query, cache: None },
                ctx.now,
                ctx.default_exec_ms,
                false,
            );
            ctx.st.insert(id.clone(), exec);
            Ok(ok(
                202,
                &json!({ "executionId": id, "resultsUri": format!("/api/v2/usage/simplesearch/{id}/results") }),
            ))
        }
        Route::SimpleSearchResults(id) => search_results(ctx, id, rest),
        Route::OrgJob => {
            let query = job_query(&body_object(req)?, false, ctx.now)?;
            Ok(start_job(ctx, query, None))
        }
        Route::ClientJob(c) => {
            check_client_id(c)?;
            let query = job_query(&body_object(req)?, true, ctx.now)?;
            Ok(start_job(ctx, query, Some(c.clone())))
        }
        Route::OrgJobResults(id) => job_results(ctx, id, None, rest),
        Route::ClientJobResults(c, id) => job_results(ctx, id, Some(c), rest),
        Route::TokensMe => Ok(tokens_me(ctx, req)),
    }
}

fn check_client_id(c: &str) -> Result<(), ApiError> {
    if c.len() > 200 || c.chars().any(|ch| ch.is_control()) {
        return Err(ApiError::not_found("The OAuth client was not found."));
    }
    Ok(())
}

fn tokens_me(ctx: &Ctx<'_>, req: &HttpRequest) -> HttpResponse {
    let client_id = super::bearer(req)
        .and_then(|t| ctx.oauth.client_for_token(t))
        .unwrap_or("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa")
        .to_string();
    let name = ctx
        .cat
        .client_index(&client_id)
        .and_then(|i| ctx.cat.clients.get(i))
        .map_or_else(|| "PKCE sign-in client".to_string(), |c| c.name.clone());
    // `TokenInfo`: the organizations are `NamedEntity` and the client an
    // `OrgOAuthClient`, none of which has a `selfUri` in the vendor's models.
    let org = json!({ "id": HOME_ORG_ID, "name": HOME_ORG_NAME });
    ok(
        200,
        &json!({
            "organization": org,
            "homeOrganization": org,
            "OAuthClient": { "id": client_id, "name": name, "organization": org },
            "authorizedScope": ["oauth:readonly", "usage:readonly"],
        }),
    )
}

// ----- request bodies -------------------------------------------------------

fn body_object(req: &HttpRequest) -> Result<Map<String, Value>, ApiError> {
    let body = req.body.as_deref().unwrap_or("");
    if body.len() > MAX_BODY {
        return Err(ApiError {
            status: 413,
            code: "request.entity.too.large",
            message: format!("The request is over the size limit. Maximum bytes: {MAX_BODY}"),
            field: None,
        });
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
pub(crate) fn parse_interval(raw: &str) -> Result<Interval, ApiError> {
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

fn legacy_query(o: &Map<String, Value>, client: bool) -> Result<LegacyQuery, ApiError> {
    let interval = get_interval(o)?;
    let gran = get_granularity(o)?;
    let metrics = get_enum_list(o, "metrics", "Metrics", LEGACY_METRICS)?;
    let allowed = if client {
        LEGACY_GROUP_CLIENT
    } else {
        LEGACY_GROUP_ORG
    };
    let group = get_enum_list(o, "groupBy", "GroupBy", allowed)?;
    let dims = if group.is_empty() {
        Dims {
            client: true,
            ..Dims::default()
        }
    } else {
        dims_of(&group)
    };
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

fn search_query(o: &Map<String, Value>) -> Result<SearchQuery, ApiError> {
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

fn job_query(o: &Map<String, Value>, client: bool, now: u64) -> Result<JobQuery, ApiError> {
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
    let allowed = if client {
        JOB_GROUP_CLIENT
    } else {
        JOB_GROUP_ORG
    };
    let group = get_enum_list(o, "groupBy", "GroupBy", allowed)?;
    let dims = if group.is_empty() {
        if client {
            Dims {
                org: true,
                template: true,
                method: true,
                platform: true,
                ..Dims::default()
            }
        } else {
            Dims {
                client: true,
                user: true,
                template: true,
                method: true,
                platform: true,
                org: false,
            }
        }
    } else {
        dims_of(&group)
    };
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

// ----- executions -----------------------------------------------------------

fn start_legacy(ctx: &mut Ctx<'_>, query: LegacyQuery, client: Option<String>) -> HttpResponse {
    let id = ctx.st.next_id(ctx.seed, 1);
    let results_uri = match &client {
        Some(c) => format!(
            "/api/v2/oauth/clients/{}/usage/query/results/{id}",
            percent_encode(c)
        ),
        None => format!("/api/v2/usage/query/{id}/results"),
    };
    let exec = ctx.st.new_execution(
        ExecKind::Legacy { query, client },
        ctx.now,
        ctx.default_exec_ms,
        false,
    );
    ctx.st.insert(id.clone(), exec);
    ok(
        202,
        &json!({ "executionId": id, "resultsUri": results_uri }),
    )
}

fn start_job(ctx: &mut Ctx<'_>, query: JobQuery, client: Option<String>) -> HttpResponse {
    let id = ctx.st.next_id(ctx.seed, 3);
    let uri = job_uri(client.as_deref(), &id);
    let exec = ctx.st.new_execution(
        ExecKind::Job {
            query,
            client,
            cache: None,
        },
        ctx.now,
        ctx.default_exec_ms,
        true,
    );
    ctx.st.insert(id.clone(), exec);
    ok(202, &json!({ "id": id, "resultsUri": uri, "selfUri": uri }))
}

fn job_uri(client: Option<&str>, id: &str) -> String {
    match client {
        Some(c) => format!(
            "/api/v2/usage/client/{}/aggregates/query/jobs/{id}",
            percent_encode(c)
        ),
        None => format!("/api/v2/usage/aggregates/query/jobs/{id}"),
    }
}

/// The state of an execution at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Queued,
    Running,
    Done(Outcome),
}

fn phase<K>(e: &Execution<K>, now: u64) -> Phase {
    // Queued for the first fifth of the duration (half a second when it never ends).
    let queued_for = e.done_at.map_or(500, |d| d.saturating_sub(e.created) / 5);
    match e.done_at {
        Some(done) if now >= done => Phase::Done(e.outcome),
        _ if now < e.created.saturating_add(queued_for) => Phase::Queued,
        _ => Phase::Running,
    }
}

/// Keeps computed rows for at most [`MAX_CACHED`] executions.
fn trim_caches(ctx: &mut Ctx<'_>, keep: &str) {
    let cached: Vec<String> = ctx
        .st
        .executions
        .iter()
        .filter(|(id, e)| e.kind.has_cache() && id.as_str() != keep)
        .map(|(id, _)| id.clone())
        .collect();
    if cached.len() >= MAX_CACHED {
        for id in cached.iter().take(cached.len() + 1 - MAX_CACHED) {
            if let Some(e) = ctx.st.executions.get_mut(id) {
                e.kind.drop_cache();
            }
        }
    }
}

/// The catalog a results request reads: the whole one or one client's, with
/// `xss=1` naming one client like an HTML injection.
fn catalog_of<'c>(cat: &'c Catalog, client: Option<&str>, xss: bool) -> Cow<'c, Catalog> {
    let cat = match client {
        Some(id) => Cow::Owned(cat.for_client(id)),
        None => Cow::Borrowed(cat),
    };
    if xss {
        Cow::Owned(cat.into_owned().with_xss_name())
    } else {
        cat
    }
}

fn execution_not_found() -> ApiError {
    ApiError::not_found(
        "The requested execution was not found. It may have expired; submit the query again.",
    )
}

fn legacy_results(
    ctx: &mut Ctx<'_>,
    id: &str,
    client: Option<&String>,
) -> Result<HttpResponse, ApiError> {
    let now = ctx.now;
    let e = ctx.st.executions.get(id).ok_or_else(execution_not_found)?;
    let ExecKind::Legacy { client: c, query } = &e.kind else {
        return Err(execution_not_found());
    };
    if c.as_ref() != client {
        return Err(execution_not_found());
    }
    match phase(e, now) {
        Phase::Queued | Phase::Running => return Ok(ok(200, &json!({ "queryStatus": "Running" }))),
        Phase::Done(Outcome::Failed) | Phase::Done(Outcome::Cancelled) => {
            return Ok(ok(200, &json!({ "queryStatus": "Failed" })))
        }
        Phase::Done(Outcome::Success) => {}
    }
    let cat = catalog_of(ctx.cat, client.map(String::as_str), ctx.st.cfg.xss);
    let (first, last) = query.interval.days(e.created);
    let rows = aggregate(
        &cat,
        first,
        last,
        query.gran,
        query.dims,
        &|_, c| !c.builtin,
        None,
    );
    // Written row by row (a tree of every row first would take several
    // times the memory of the text), the keys in the order `json!` sorts
    // them: `{"queryStatus":"Complete","results":[...]}`.
    let mut body = String::from(r#"{"queryStatus":"Complete","results":["#);
    for (i, (k, c)) in rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let row = legacy_row(&cat, k, c, &query.metrics).to_string();
        if i == 0 {
            // Rows are about the same length: room for all of them at once.
            body.reserve((row.len() + 8) * rows.len());
        }
        body.push_str(&row);
    }
    body.push_str("]}");
    Ok(HttpResponse::new(200, body).with_header("Content-Type", "application/json"))
}

fn legacy_row(cat: &Catalog, k: &AggKey, c: &Counts, metrics: &Metrics) -> Value {
    let client = k.client.and_then(|i| cat.clients.get(i));
    let mut m = Map::new();
    m.insert(
        "clientId".into(),
        json!(client.map_or("", |c| c.id.as_str())),
    );
    m.insert(
        "clientName".into(),
        json!(client.map_or("", |c| c.name.as_str())),
    );
    m.insert(
        "organizationId".into(),
        json!(if k.org { HOME_ORG_ID } else { "" }),
    );
    m.insert("userId".into(), json!(k.user.flatten().map_or("", user_id)));
    m.insert("templateUri".into(), json!(k.template.map_or("", template)));
    m.insert("httpMethod".into(), json!(k.method.unwrap_or("")));
    metrics.put_counters(&mut m, c, Some("requests"));
    if let Some(day) = k.bucket {
        m.insert("date".into(), json!(format!("{}T00:00:00Z", day_date(day))));
    }
    Value::Object(m)
}

// ----- simple search --------------------------------------------------------

/// A page size from `pageSize` (blank means the default), within the range
/// the library allows, which is the vendor's.
fn page_size(rest: &str, default: u32) -> Result<u64, ApiError> {
    let given = query_param(rest, "pageSize").filter(|v| !v.is_empty());
    whole_number(given, "pageSize", PAGE_SIZE, default).map(u64::from)
}

/// A whole-number query parameter within `range`, or `default` when absent.
fn whole_number(
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
        .ok_or_else(|| ApiError {
            status: 400,
            code: "invalid.value",
            message: format!(
                "Value [{}] is not valid for field [{field}]. Allowable values are {} to {}.",
                shorten(&v),
                range.start(),
                range.end()
            ),
            field: Some(field),
        })
}

fn bad_cursor(raw: &str) -> ApiError {
    ApiError::bad(
        format!("The cursor [{}] is not valid for this query.", shorten(raw)),
        Some("after"),
    )
}

/// Reads `after`: `(page index, offset)`; the first page is `(0, 0)`.
fn read_after(rest: &str, total: u64) -> Result<(u64, u64, Option<String>), ApiError> {
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

fn search_results(ctx: &mut Ctx<'_>, id: &str, rest: &str) -> Result<HttpResponse, ApiError> {
    let size = page_size(rest, SEARCH_PAGE)?;
    let now = ctx.now;
    let needs_rows = {
        let e = ctx.st.executions.get(id).ok_or_else(execution_not_found)?;
        let ExecKind::Search { cache, .. } = &e.kind else {
            return Err(execution_not_found());
        };
        match phase(e, now) {
            Phase::Queued | Phase::Running => {
                return Ok(ok(200, &json!({ "queryStatus": "Running" })))
            }
            Phase::Done(Outcome::Failed) | Phase::Done(Outcome::Cancelled) => {
                return Ok(ok(200, &json!({ "queryStatus": "Failed" })))
            }
            Phase::Done(Outcome::Success) => cache.is_none(),
        }
    };
    let per_day = ctx.st.cfg.per_day;
    let rows_override = ctx.st.cfg.rows;
    if needs_rows && rows_override.is_none() && per_day.is_none() {
        trim_caches(ctx, id);
    }
    let cat = catalog_of(ctx.cat, None, ctx.st.cfg.xss);
    let cat: &Catalog = &cat;
    let repeat = ctx.st.cfg.repeat;
    let e = ctx
        .st
        .executions
        .get_mut(id)
        .ok_or_else(execution_not_found)?;
    let created = e.created;
    let ExecKind::Search { query, cache } = &mut e.kind else {
        return Err(execution_not_found());
    };
    let span_days = {
        let (first, last) = query.interval.days(created);
        if last >= first {
            (last - first + 1) as u64
        } else {
            1
        }
    };
    let rows_override = rows_override.or(per_day.map(|p| p.saturating_mul(span_days)));
    let total = match rows_override {
        Some(n) => n.min(SEARCH_CAP),
        None => {
            if cache.is_none() {
                *cache = Some(search_records(cat, query, created));
            }
            cache.as_ref().map_or(0, |c| c.len() as u64)
        }
    };
    let (page, offset, incoming) = read_after(rest, total)?;
    let end = offset.saturating_add(size).min(total);
    let mut results = Vec::new();
    for i in offset..end {
        let rec = match rows_override {
            Some(_) => synthetic_record(cat, query, created, i, per_day),
            None => cache
                .as_ref()
                .and_then(|c| c.get(i as usize))
                .copied()
                .unwrap_or((0, 0, Counts::default())),
        };
        results.push(search_row(cat, &rec, &query.cols));
    }
    let mut cursors = Map::new();
    if end < total {
        let after = match incoming {
            Some(raw) if repeat && page >= 2 => raw,
            _ => cursor::encode(Dialect::Genesys, page.saturating_add(1), end),
        };
        cursors.insert("after".into(), json!(after));
    }
    if page > 0 {
        cursors.insert(
            "before".into(),
            json!(cursor::encode(
                Dialect::Genesys,
                page - 1,
                offset.saturating_sub(size)
            )),
        );
    }
    let mut body = json!({ "results": results, "queryStatus": "Complete" });
    if !cursors.is_empty() {
        if let Some(m) = body.as_object_mut() {
            m.insert("cursors".into(), Value::Object(cursors));
        }
    }
    Ok(ok(200, &body))
}

fn search_records(cat: &Catalog, q: &SearchQuery, created: u64) -> Vec<(i64, usize, Counts)> {
    let (first, last) = q.interval.days(created);
    let streams: Vec<usize> = cat
        .streams
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let Some(c) = cat.client_of(s) else {
                return false;
            };
            !c.builtin
                && (q.names.is_empty() || q.names.contains(&c.name))
                && (q.methods.is_empty() || q.methods.contains(&s.method))
                && (q.templates.is_empty() || q.templates.iter().any(|t| t == template(s.template)))
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    if streams.is_empty() || first > last {
        return out;
    }
    for day in first..=last {
        for &si in &streams {
            if let Some(s) = cat.streams.get(si) {
                let c = cat.day_counts(s, day);
                if c.requests() > 0 {
                    out.push((day, si, c));
                    if out.len() as u64 >= SEARCH_CAP {
                        return out;
                    }
                }
            }
        }
    }
    out
}

/// Record `i` of a `rows=` scenario: cycles through the streams and the days of the interval.
fn synthetic_record(
    cat: &Catalog,
    q: &SearchQuery,
    created: u64,
    i: u64,
    per_day: Option<u64>,
) -> (i64, usize, Counts) {
    let n = (cat.streams.len() as u64).max(1);
    let (first, last) = q.interval.days(created);
    let span = if last >= first {
        (last - first + 1) as u64
    } else {
        1
    };
    let (day, si) = match per_day.filter(|&p| p > 0) {
        // Day by day: record i is on day i / p.
        Some(p) => (first + ((i / p) % span) as i64, ((i % p) % n) as usize),
        None => (first + ((i / n) % span) as i64, (i % n) as usize),
    };
    let mut c = cat
        .streams
        .get(si)
        .map(|s| cat.day_counts(s, day))
        .unwrap_or_default();
    if c.requests() == 0 {
        c.ok = 1;
    }
    (day, si, c)
}

fn search_row(cat: &Catalog, rec: &(i64, usize, Counts), cols: &Metrics) -> Value {
    let (day, si, c) = rec;
    let stream = cat.streams.get(*si);
    let mut m = Map::new();
    if cols.client_name {
        let name = stream
            .and_then(|s| cat.client_of(s))
            .map_or("", |c| c.name.as_str());
        m.insert("clientName".into(), json!(name));
    }
    if cols.method {
        m.insert("httpMethod".into(), json!(stream.map_or("", |s| s.method)));
    }
    if cols.template {
        m.insert(
            "templateUri".into(),
            json!(stream.map_or("", |s| template(s.template))),
        );
    }
    if cols.date {
        m.insert(
            "date".into(),
            json!(format!("{}T00:00:00Z", day_date(*day))),
        );
    }
    cols.put_counters(&mut m, c, None);
    Value::Object(m)
}

// ----- aggregates jobs ------------------------------------------------------

fn job_results(
    ctx: &mut Ctx<'_>,
    id: &str,
    client: Option<&String>,
    rest: &str,
) -> Result<HttpResponse, ApiError> {
    let size = page_size(rest, JOBS_PAGE)?;
    let now = ctx.now;
    let cid = ctx.correlation_id();
    let self_uri = job_uri(client.map(String::as_str), id);
    let needs_rows = {
        let e = ctx
            .st
            .executions
            .get(id)
            .ok_or_else(|| ApiError::not_found("The requested job was not found."))?;
        let ExecKind::Job {
            client: c, cache, ..
        } = &e.kind
        else {
            return Err(ApiError::not_found("The requested job was not found."));
        };
        if c.as_ref() != client {
            return Err(ApiError::not_found("The requested job was not found."));
        }
        match phase(e, now) {
            Phase::Queued => {
                return Ok(ok(
                    202,
                    &json!({ "queryStatus": "Queued", "selfUri": self_uri }),
                ))
            }
            Phase::Running => {
                return Ok(ok(
                    202,
                    &json!({ "queryStatus": "Running", "selfUri": self_uri }),
                ))
            }
            Phase::Done(Outcome::Failed) => {
                return Ok(ok(
                    202,
                    &json!({
                        "queryStatus": "Failed",
                        "errorBody": error_body(500, "internal.server.error", "The usage query failed to complete. Submit the query again.", &cid, None),
                        "selfUri": self_uri,
                    }),
                ))
            }
            Phase::Done(Outcome::Cancelled) => {
                return Ok(ok(
                    200,
                    &json!({ "queryStatus": "Cancelled", "selfUri": self_uri }),
                ))
            }
            Phase::Done(Outcome::Success) => cache.is_none(),
        }
    };
    if needs_rows {
        trim_caches(ctx, id);
    }
    let cat = catalog_of(ctx.cat, client.map(String::as_str), ctx.st.cfg.xss);
    let cat: &Catalog = &cat;
    let repeat = ctx.st.cfg.repeat;
    let e = ctx
        .st
        .executions
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("The requested job was not found."))?;
    let created = e.created;
    let ExecKind::Job { query, cache, .. } = &mut e.kind else {
        return Err(ApiError::not_found("The requested job was not found."));
    };
    if cache.is_none() {
        *cache = Some(job_rows(cat, query, created, client.is_some()));
    }
    let rows = cache.as_deref().unwrap_or(&[]);
    let total = rows.len() as u64;
    let (page, offset, incoming) = read_after(rest, total)?;
    let end = offset.saturating_add(size).min(total);
    let entities: Vec<Value> = rows
        .get(offset as usize..end as usize)
        .unwrap_or(&[])
        .iter()
        .map(|(k, c)| job_row(cat, k, c, &query.metrics, client.is_some()))
        .collect();
    let mut body = json!({ "queryStatus": "Succeeded", "entities": entities, "selfUri": self_uri });
    if end < total {
        let after = match incoming {
            Some(raw) if repeat && page >= 2 => raw,
            _ => cursor::encode(Dialect::Genesys, page.saturating_add(1), end),
        };
        if let Some(m) = body.as_object_mut() {
            m.insert(
                "nextUri".into(),
                json!(format!(
                    "{self_uri}?pageSize={size}&after={}",
                    percent_encode(&after)
                )),
            );
        }
    }
    Ok(ok(200, &body))
}

fn job_rows(cat: &Catalog, q: &JobQuery, created: u64, client_job: bool) -> Vec<(AggKey, Counts)> {
    let (first, last) = q.interval.days(created);
    if client_job && !q.orgs.is_empty() && !q.orgs.iter().any(|o| o == HOME_ORG_ID) {
        return Vec::new();
    }
    let keep = |s: &super::data::Stream, c: &super::data::Client| {
        (q.templates.is_empty() || q.templates.iter().any(|t| t == template(s.template)))
            && (q.methods.is_empty() || q.methods.contains(&s.method))
            && (q.platforms.is_empty() || q.platforms.iter().any(|p| p == c.platform))
            && (q.clients.is_empty() || q.clients.contains(&c.id))
    };
    let wanted_users: Vec<usize> = q.users.iter().filter_map(|u| user_index(u)).collect();
    let user_keep = |u: usize| wanted_users.contains(&u);
    let user_filter: Option<&dyn Fn(usize) -> bool> = if q.users.is_empty() {
        None
    } else {
        Some(&user_keep)
    };
    let mut rows = aggregate(cat, first, last, q.gran, q.dims, &keep, user_filter);
    // Date first, then the group (the aggregate is ordered group first).
    rows.sort_by(|(a, _), (b, _)| a.bucket.cmp(&b.bucket).then_with(|| a.cmp(b)));
    for (field, desc) in q.sort.iter().rev() {
        let key = |k: &AggKey, c: &Counts| -> Option<SortKey> {
            Some(match field.as_str() {
                "requestCount" | "requests" | "Requests" => SortKey::N(c.requests()),
                "status200" | "Status200" => SortKey::N(c.ok),
                "status300" | "Status300" => SortKey::N(c.c3),
                "status400" | "Status400" => SortKey::N(c.s400()),
                "status429" | "Status429" => SortKey::N(c.c429),
                "status500" | "Status500" => SortKey::N(c.c5),
                "date" | "Date" => SortKey::N(k.bucket.unwrap_or(0).max(0) as u64),
                "templateUri" | "TemplateUri" => {
                    SortKey::S(k.template.map_or("", template).to_string())
                }
                "httpMethod" | "HttpMethod" => SortKey::S(k.method.unwrap_or("").to_string()),
                "platform" | "Platform" => SortKey::S(k.platform.unwrap_or("").to_string()),
                _ => return None,
            })
        };
        rows.sort_by(|(ka, ca), (kb, cb)| {
            let ord = key(ka, ca).cmp(&key(kb, cb));
            if *desc {
                ord.reverse()
            } else {
                ord
            }
        });
    }
    rows
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    N(u64),
    S(String),
}

fn job_row(cat: &Catalog, k: &AggKey, c: &Counts, metrics: &Metrics, client_job: bool) -> Value {
    let mut m = Map::new();
    if let Some(day) = k.bucket {
        m.insert("date".into(), json!(day_date(day)));
    }
    if let Some(p) = k.platform {
        m.insert("platform".into(), json!(p));
    }
    if let Some(method) = k.method {
        m.insert("httpMethod".into(), json!(method));
    }
    if let Some(t) = k.template {
        m.insert("templateUri".into(), json!(template(t)));
    }
    metrics.put_counters(&mut m, c, Some("requestCount"));
    if client_job {
        if k.org {
            m.insert("organizationId".into(), json!(HOME_ORG_ID));
        }
    } else {
        if let Some(client) = k.client.and_then(|i| cat.clients.get(i)) {
            m.insert(
                "oauthClient".into(),
                json!({
                    "id": client.id,
                    "name": client.name,
                    "selfUri": format!("/api/v2/oauth/clients/{}", percent_encode(&client.id)),
                }),
            );
        }
        if let Some(Some(u)) = k.user {
            let id = user_id(u);
            m.insert(
                "user".into(),
                json!({ "id": id, "selfUri": format!("/api/v2/users/{id}") }),
            );
        }
    }
    Value::Object(m)
}
