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
//! * Limits the library also checks (the jobs window and lookback, the
//!   summary's `days`, the page size, the search cap) are the library's.
//!
//! Here: routing, the gate's answers and `tokens/me`. Elsewhere: request
//! validation (`request`), the `ErrorBody` and refusals (`error`), stored
//! executions (`executions`), and the answers of each family (`legacy`,
//! `search`, `jobs`).

use serde_json::{json, Value};

use crate::genesys::{permissions_for, SUMMARY_DAYS, SUMMARY_DEFAULT_DAYS};
use crate::http::{percent_decode, query_param, HttpRequest, HttpResponse, Method};

use super::data::{Dims, HOME_ORG_ID, HOME_ORG_NAME};
use super::gate::{self, html_login_page, maybe_truncate, Gate, RateInfo};
use super::util::{day_of, ms_i64, DAY_MS};
use super::{json_response, Ctx, DROPPED};

mod billing;
mod error;
mod executions;
mod jobs;
mod legacy;
mod request;
mod search;

#[cfg(test)]
mod tests {
    //! The Genesys answers, checked through `Sim::handle`.
    mod jobs;
    mod legacy;
    mod request;
    mod search;
}

pub(crate) use executions::ExecKind;

use error::{rate_limited, ApiError};
use jobs::{job_results, start_job};
use legacy::{legacy_results, start_legacy};
use request::{
    body_object, job_query, legacy_query, search_query, whole_number, Interval, LegacyQuery,
    Metrics,
};
use search::{search_results, start_search};

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
    Limits(String),
    Contracts,
    BillingPeriod(String, String),
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
        ["organizations", "limits", "namespaces", ns] => {
            (Route::Limits(ns.to_string()), Method::Get)
        }
        ["billing", "contracts"] => (Route::Contracts, Method::Get),
        ["billing", "contracts", c, "billingperiods", p] => (
            Route::BillingPeriod(c.to_string(), p.to_string()),
            Method::Get,
        ),
        _ => return Err(RouteError::NotFound),
    };
    if method != want {
        return Err(RouteError::WrongMethod(want.as_str()));
    }
    Ok(route)
}

/// The permissions an endpoint needs, as the library names them
/// (`permissions_for`): any one of several (`a or b`), or the one named.
/// `tokens/me` needs none.
fn permissions(route: &Route, path: &str) -> Option<(Vec<&'static str>, bool)> {
    if matches!(route, Route::TokensMe | Route::Limits(_)) {
        return None;
    }
    let names: Vec<&'static str> = permissions_for(path).split(" or ").collect();
    let any = names.len() > 1;
    Some((names, any))
}

/// Answers one `/api/v2/...` request.
pub(crate) fn handle(ctx: &mut Ctx<'_>, req: &HttpRequest, rest: &str, path: &str) -> HttpResponse {
    let route = parse_route(req.method, path);
    let needs = route.as_ref().ok().and_then(|r| permissions(r, path));
    let (gate_result, info) = gate::check(ctx, req, false, needs.is_some());
    let cid = ctx.correlation_id();
    let answered = match gate_result {
        Gate::Html => return html_login_page(),
        Gate::Dropped => return HttpResponse::new(DROPPED, ""),
        Gate::Pass => match route {
            Ok(r) => answer(ctx, req, rest, &r),
            Err(RouteError::NotFound) => {
                Err(ApiError::not_found("The requested resource was not found."))
            }
            Err(RouteError::WrongMethod(allowed)) => Ok(ApiError::new(
                405,
                "method.not.allowed",
                format!("This resource only supports {allowed}."),
            )
            .response(&cid)
            .with_header("Allow", allowed)),
        },
        Gate::NoToken => Err(ApiError::unauthorized("authentication.required")),
        Gate::BadToken => Err(ApiError::unauthorized("bad.credentials")),
        Gate::Expired => Err(ApiError::unauthorized("credentials.expired")),
        Gate::Deny => {
            let (perms, any) = needs.unwrap_or((Vec::new(), true));
            Err(ApiError::forbidden(&perms, any))
        }
        Gate::Limited { wait_s } | Gate::Injected429 { wait_s } => Ok(rate_limited(
            wait_s,
            info.limit,
            ctx.st.cfg.retry_after,
            &cid,
        )),
        Gate::Injected5xx(status) => Err(ApiError::server(status)),
    };
    let resp = answered.unwrap_or_else(|e| e.response(&cid));
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

/// A JSON answer.
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
            Ok(start_legacy(
                ctx,
                summary_query(ctx.now, days),
                Some(c.clone()),
            ))
        }
        Route::OrgQueryResults(id) => legacy_results(ctx, id, None),
        Route::ClientQueryResults(c, id) => legacy_results(ctx, id, Some(c)),
        Route::SimpleSearch => Ok(start_search(ctx, search_query(&body_object(req)?)?)),
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
        Route::Limits(ns) => Ok(ok(200, &billing::limits(ctx, ns)?)),
        Route::Contracts => Ok(ok(200, &billing::contracts(ctx)?)),
        Route::BillingPeriod(c, p) => Ok(ok(200, &billing::billing_period(ctx, c, p)?)),
    }
}

/// The client summary: the last `days` whole days, per client, template and
/// method, with every counter.
fn summary_query(now: u64, days: u32) -> LegacyQuery {
    let today = day_of(ms_i64(now));
    LegacyQuery {
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
    }
}

/// A client id the server looks up: the library refuses odd ids before
/// sending (`genesys::check_id`), but the server takes any path segment
/// and answers 404 for one that names no client.
fn check_client_id(c: &str) -> Result<(), ApiError> {
    if c.len() > 200 || c.chars().any(|ch| ch.is_control()) {
        return Err(ApiError::not_found("The OAuth client was not found."));
    }
    Ok(())
}

fn tokens_me(ctx: &Ctx<'_>, req: &HttpRequest) -> HttpResponse {
    let client_id = gate::bearer(req)
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
