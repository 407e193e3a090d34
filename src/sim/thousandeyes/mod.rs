//! The ThousandEyes side: `GET /v7/usage`, `GET /v7/usage/units/tests`,
//! `GET /v7/usage/units/enterprise-agents` and `GET /v7/quotas`, with synthetic
//! data.
//!
//! The billing period runs from the 5th of a month, 08:00 UTC, to the 5th of
//! the next. Each scheduled test consumes units at a rate that grows slowly
//! through the period (and a few tests only start part-way through), so the
//! projection (`used so far + current rate × time left`) starts just under the
//! 4,320,000,000-unit cloud quota and ends slightly over it. Instant tests
//! consume a one-off amount once per period.
//!
//! Interpretations: `aid` must be numeric but is otherwise only a context (it
//! does not filter rows); `/usage/units/enterprise-agents` ignores `aid`; the
//! per-account-group arrays of `/v7/usage` (and `allocations`) appear only
//! when expanded; the paged endpoints serve `tepage` rows per page (default
//! 50), and a cursor is only valid with the same `startDate`/`endDate`.
//! `startDate`/`endDate` are date-times with seconds, in any of the forms the
//! vendor's Python SDK sends: a fraction and a zone `Z`, `±hh:mm` or `±hhmm`
//! are optional (no zone means UTC); a bare date is refused. The account
//! group id and the API origin are the library's.
//!
//! Here: routing, the gate's answers and the shared answer shapes. The
//! synthetic data is in `catalog`, `/v7/usage` and `/v7/quotas` in `usage`,
//! the paged unit breakdowns in `units`.

use serde_json::{json, Value};

use crate::http::{HttpRequest, HttpResponse, Method};
use crate::thousandeyes::{check_aid, DEFAULT_BASE_URL};

use super::gate::{self, html_login_page, maybe_truncate, Gate, RateInfo};
use super::util::encode_query_value;
use super::{json_response, Ctx, DROPPED};

mod catalog;
mod units;
mod usage;

#[cfg(test)]
mod tests {
    //! The ThousandEyes answers, checked through `Sim::handle`.
    mod units;
    mod usage;
}

pub(crate) use catalog::TeCatalog;

use units::units_page;
use usage::{quotas, usage};

/// The public API origin used in `_links` hrefs.
const API: &str = DEFAULT_BASE_URL;

/// The four endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Usage,
    Tests,
    Agents,
    Quotas,
}

/// A problem+json answer.
fn problem(status: u16, title: &str, detail: &str, instance: &str) -> HttpResponse {
    json_response(
        status,
        "application/problem+json",
        &json!({ "type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance }),
    )
}

/// A request refused for one field: which, and what is wrong with it (the
/// vendor leaves the message out for some fields).
#[derive(Clone, Copy, Debug)]
struct BadField {
    field: &'static str,
    message: Option<&'static str>,
}

impl BadField {
    fn new(field: &'static str, message: &'static str) -> BadField {
        BadField {
            field,
            message: Some(message),
        }
    }
}

/// The answer to a refused field: a validation problem naming it.
fn invalid_field(bad: BadField, instance: &str) -> HttpResponse {
    let BadField { field, message } = bad;
    let mut body = json!({
        "type": "about:blank",
        "title": "Request validation failed. There are invalid or missing fields",
        "status": 400,
        "detail": format!("Invalid field value for field `{field}`"),
        "instance": instance,
    });
    if let (Some(msg), Some(m)) = (message, body.as_object_mut()) {
        m.insert(
            "errors".into(),
            json!([{ "code": "INVALID_FIELD", "field": field, "message": msg }]),
        );
    }
    json_response(400, "application/problem+json", &body)
}

/// Answers one `/v7/...` request.
pub(crate) fn handle(ctx: &mut Ctx<'_>, req: &HttpRequest, rest: &str, path: &str) -> HttpResponse {
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let route = match path {
        "/v7/usage" => Some(Route::Usage),
        "/v7/usage/units/tests" => Some(Route::Tests),
        "/v7/usage/units/enterprise-agents" => Some(Route::Agents),
        "/v7/quotas" => Some(Route::Quotas),
        _ => None,
    };
    let (gate_result, info) = gate::check(ctx, req, true, route.is_some());
    let now = ctx.now;
    let mut remaining = info.limit.saturating_sub(info.count);
    let mut reset_ms = info.reset_ms;
    let resp = match gate_result {
        Gate::Html => return html_login_page(),
        Gate::Dropped => return HttpResponse::new(DROPPED, ""),
        Gate::NoToken | Gate::BadToken | Gate::Expired => json_response(
            401,
            "application/problem+json",
            &json!({ "error": "invalid_token", "error_description": "Invalid access token" }),
        ),
        Gate::Deny => {
            let permission = if route == Some(Route::Quotas) {
                "Edit organization and account group quotas"
            } else {
                "View organization usage"
            };
            problem(
                403,
                "Insufficient permissions to query endpoint",
                &format!("The user does not have the permission required by this operation ({permission})."),
                path,
            )
        }
        Gate::Limited { .. } | Gate::Injected429 { .. } => {
            remaining = 0;
            if let Gate::Injected429 { wait_s } = gate_result {
                reset_ms = now.saturating_add(wait_s.saturating_mul(1000));
            }
            problem(
                429,
                "Exhausted rate limit for the organization",
                "Too many requests were made by your organization in the current one-minute window.",
                path,
            )
        }
        Gate::Injected5xx(status) => {
            let title = match status {
                500 => "Internal server error",
                502 => "Bad gateway",
                504 => "Gateway timeout",
                _ => "Service unavailable",
            };
            problem(
                status,
                title,
                "The service could not complete the request. Try again later.",
                path,
            )
        }
        Gate::Pass => match (route, req.method) {
            (None, _) => Ok(problem(
                404,
                "URI Resource Not Found",
                "The requested URI does not exist in this API version.",
                path,
            )),
            (Some(_), Method::Post) => Ok(problem(
                405,
                "Method Not Allowed",
                "Use GET for this resource.",
                path,
            )
            .with_header("Allow", "GET")),
            (Some(Route::Usage), Method::Get) => usage(ctx, rest, path),
            (Some(Route::Tests), Method::Get) => units_page(ctx, rest, path, true),
            (Some(Route::Agents), Method::Get) => units_page(ctx, rest, path, false),
            (Some(Route::Quotas), Method::Get) => Ok(quotas()),
        }
        .unwrap_or_else(|bad| invalid_field(bad, path)),
    };
    let resp = maybe_truncate(ctx, resp);
    with_rate_headers(resp, &info, remaining, reset_ms)
}

fn with_rate_headers(
    resp: HttpResponse,
    info: &RateInfo,
    remaining: u64,
    reset_ms: u64,
) -> HttpResponse {
    resp.with_header("X-Organization-Rate-Limit-Limit", info.limit.to_string())
        .with_header("X-Organization-Rate-Limit-Remaining", remaining.to_string())
        .with_header(
            "X-Organization-Rate-Limit-Reset",
            reset_ms.div_ceil(1000).to_string(),
        )
}

/// A 200 HAL answer.
fn hal(body: &Value) -> HttpResponse {
    json_response(200, "application/hal+json", body)
}

/// The `aid` parameter, when given: the numeric id of an account group as
/// the library checks it, but exactly as given (the library trims what it
/// sends; the server takes the text as it comes). It only sets the context.
fn checked_aid(aid: Option<String>) -> Result<Option<String>, BadField> {
    match aid {
        Some(a) if check_aid(&a).is_ok_and(|checked| checked == a) => Ok(Some(a)),
        Some(_) => Err(BadField::new(
            "aid",
            "aid must be the numeric ID of an account group",
        )),
        None => Ok(None),
    }
}

/// An absolute link to `path` with these query parameters.
fn href(path: &str, params: &[(&str, String)]) -> String {
    let mut out = format!("{API}{path}");
    for (i, (k, v)) in params.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&encode_query_value(v));
    }
    out
}
