//! The checks every API request of both vendors passes first (the bearer
//! token, the rate window, `deny=`, `html=` and the injected faults), and the
//! faults applied to an answer on its way out (`trunc=`, `unknown=`).

use crate::http::{HttpRequest, HttpResponse};
use crate::{genesys, thousandeyes};

use super::{util, Ctx};

/// What the common checks decided for one API request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Go on and answer.
    Pass,
    /// `html=1`: answer with a login page.
    Html,
    /// No bearer token.
    NoToken,
    /// A token starting with `invalid`.
    BadToken,
    /// A token starting with `expired`, or `expire=` ran out.
    Expired,
    /// `deny=1`.
    Deny,
    /// Over the per-minute limit; wait this many seconds.
    Limited {
        /// Seconds until the window resets.
        wait_s: u64,
    },
    /// An injected 429 (`r429=`).
    Injected429 {
        /// Seconds to wait (`wait=`).
        wait_s: u64,
    },
    /// An injected 5xx (`e5xx=`).
    Injected5xx(u16),
    /// A dropped connection (`drop=`).
    Dropped,
}

/// The rate-limit window after counting one request.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RateInfo {
    pub limit: u64,
    pub count: u64,
    pub reset_ms: u64,
}

/// The bearer token of a request, if any.
pub(crate) fn bearer(req: &HttpRequest) -> Option<&str> {
    let v = req.header_value("authorization")?.trim();
    let scheme = v.get(..7)?;
    if !scheme.eq_ignore_ascii_case("bearer ") {
        return None;
    }
    let token = v.get(7..)?.trim();
    (!token.is_empty()).then_some(token)
}

/// The checks shared by both vendors, in order: HTML interception, the rate
/// window, the bearer token, `expire=`, `deny=`, the per-minute limit, and the
/// injected faults.
pub(crate) fn check(
    ctx: &mut Ctx<'_>,
    req: &HttpRequest,
    te: bool,
    deny_applies: bool,
) -> (Gate, RateInfo) {
    let cfg = ctx.st.cfg.clone();
    if cfg.html {
        return (Gate::Html, RateInfo::default());
    }
    let window = if te {
        &mut ctx.st.te_window
    } else {
        &mut ctx.st.genesys_window
    };
    let count = window.hit(ctx.now, cfg.window_ms.unwrap_or(0));
    let info = RateInfo {
        // The vendors' own limits, as the library knows them.
        limit: cfg.limit.unwrap_or(if te {
            thousandeyes::ORGANIZATION_RATE_LIMIT
        } else {
            genesys::TOKEN_RATE_LIMIT
        }),
        count,
        reset_ms: window.reset_at(),
    };
    let Some(token) = bearer(req) else {
        return (Gate::NoToken, info);
    };
    if token.starts_with("invalid") {
        return (Gate::BadToken, info);
    }
    if token.starts_with("expired") || (!super::IN_PAGE && ctx.st.cc_token_expired(token, ctx.now))
    {
        return (Gate::Expired, info);
    }
    ctx.st.authed = ctx.st.authed.saturating_add(1);
    if cfg.expire.is_some_and(|n| ctx.st.authed > n) {
        return (Gate::Expired, info);
    }
    if cfg.deny && deny_applies {
        return (Gate::Deny, info);
    }
    if info.count > info.limit {
        let wait_s = info.reset_ms.saturating_sub(ctx.now).div_ceil(1000).max(1);
        return (Gate::Limited { wait_s }, info);
    }
    if ctx.st.successes >= cfg.fault_after {
        if ctx.st.r429_left > 0 {
            ctx.st.r429_left -= 1;
            return (Gate::Injected429 { wait_s: cfg.wait_s }, info);
        }
        if ctx.st.e5xx_left > 0 {
            ctx.st.e5xx_left -= 1;
            return (Gate::Injected5xx(cfg.code), info);
        }
        if ctx.st.drop_left > 0 {
            ctx.st.drop_left -= 1;
            return (Gate::Dropped, info);
        }
    }
    (Gate::Pass, info)
}

/// The page a misconfigured proxy or an expired SSO session returns instead of JSON.
pub(crate) fn html_login_page() -> HttpResponse {
    HttpResponse::new(
        200,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in</title></head>\
         <body><h1>Sign in</h1><form method=\"post\" action=\"/login\"><label>Email <input name=\"email\"></label>\
         <label>Password <input name=\"password\" type=\"password\"></label><button>Log in</button></form></body></html>\n",
    )
    .with_header("Content-Type", "text/html; charset=utf-8")
}

/// Applies `trunc=1` to a JSON body.
pub(crate) fn maybe_truncate(ctx: &Ctx<'_>, mut resp: HttpResponse) -> HttpResponse {
    let is_json = resp
        .header("content-type")
        .is_some_and(|t| t.contains("json"));
    if ctx.st.cfg.trunc && is_json {
        resp.body = util::half(&resp.body);
    }
    resp
}

/// The name and value of the field `unknown=1` adds to every row.
pub const UNKNOWN_FIELD: (&str, &str) = ("fromTheFuture", r#"{"kind":"new","values":[1,""]}"#);

/// Adds [`UNKNOWN_FIELD`] to every row of a JSON answer.
pub(crate) fn with_unknown_field(mut resp: HttpResponse) -> HttpResponse {
    let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&resp.body) else {
        return resp;
    };
    let Ok(extra) = serde_json::from_str::<serde_json::Value>(UNKNOWN_FIELD.1) else {
        return resp;
    };
    for rows in ["results", "entities", "breakdowns"] {
        if let Some(list) = body.get_mut(rows).and_then(|v| v.as_array_mut()) {
            for row in list.iter_mut().filter_map(|r| r.as_object_mut()) {
                row.insert(UNKNOWN_FIELD.0.to_string(), extra.clone());
            }
        }
    }
    resp.body = body.to_string();
    resp
}
