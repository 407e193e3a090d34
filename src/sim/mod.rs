//! A deterministic, in-process fake of the Genesys Cloud Usage API (with its
//! OAuth login host) and the ThousandEyes v7 Usage API.
//!
//! [`Sim`] answers plain [`HttpRequest`] values with plain [`HttpResponse`]
//! values at a caller-given time, so it runs the same in the browser (the app's
//! Demo mode, through [`SimTransport`]), in native tests (on a virtual clock),
//! and behind the loopback server binary `sim-server` (for browser, Node and
//! end-to-end tests).
//!
//! # Endpoints
//!
//! * Genesys, under `/api/v2`: the eleven usage operations (legacy executions,
//!   simple search, aggregates jobs) and `GET /api/v2/tokens/me`.
//! * Genesys login host: `GET /oauth/authorize` (Authorization Code + PKCE
//!   `S256`, and the legacy implicit grant) and `POST /oauth/token`.
//! * ThousandEyes, under `/v7`: `GET /v7/usage`, `GET /v7/usage/units/tests`,
//!   `GET /v7/usage/units/enterprise-agents` and `GET /v7/quotas`.
//! * Control: `GET /_sim/health` (`ok`) and `GET /_sim/stats?id=<scenario id>`
//!   ([`SimStats`] as JSON).
//!
//! Any scheme and host are accepted (`https://demo.invalid/api/v2/...`), as are
//! bare paths (`/api/v2/...`).
//!
//! # Scenarios
//!
//! A base URL may carry `/_s/<scenario>` before the vendor path, for example
//! `http://127.0.0.1:8787/_s/id=t1;r429=2;ra=1`. The scenario string is a list
//! of `key=value` pairs separated by `;` (values percent-decoded; unknown keys
//! ignored). All state (executions, counters, fault budgets) is kept per
//! scenario string, so tests running in parallel do not interfere; no prefix is
//! the default scenario.
//!
//! | Key | Effect |
//! |---|---|
//! | `id=<s>` | names the scenario for [`Sim::stats`] and `/_sim/stats?id=` |
//! | `exec=<ms>` | executions and jobs finish this long after submission (default: [`Sim::with_default_exec_ms`]) |
//! | `r429=<n>` | the next n API requests answer 429 |
//! | `ra=1` | Genesys 429s carry `Retry-After` (otherwise only the `[N]` in the message); ThousandEyes never sends it, only `X-Organization-Rate-Limit-Reset` |
//! | `wait=<s>` | seconds an injected 429 asks to wait (default 2) |
//! | `e5xx=<n>`, `code=<status>` | the next n API requests answer 5xx (default 503) |
//! | `fail=1` / `cancel=1` / `never=1` | executions and jobs end `Failed` / jobs end `Cancelled` / nothing finishes |
//! | `rows=<n>` | simple search matches exactly n records (20,000 readable) |
//! | `tests=<n>`, `tepage=<n>` | ThousandEyes tests units rows / page size (default all ~60 / 50) |
//! | `repeat=1` | from the third page on, the cursor repeats the second page's (a buggy server) |
//! | `html=1` | every API answer is a 200 `text/html` login page |
//! | `trunc=1` | JSON bodies are cut in half |
//! | `expire=<n>` | the token works for n API requests, then 401 |
//! | `deny=1` | 403 with the endpoint's permission message |
//! | `limit=<n>` | requests per one-minute window (default Genesys 300, ThousandEyes 240) |
//! | `windowms=<ms>` | the rate-limit window lasts this long instead of a minute (for tests that wait for its reset) |
//! | `drop=<n>` | the next n API requests get no response (a dropped connection) |
//! | `stall=<n>`, `stallms=<ms>` | the answers to the next n API requests are held back (default 5000 ms) |
//! | `faultafter=<n>` | `r429`/`e5xx`/`drop` start only after n successful (2xx) requests |
//! | `unknown=1` | every row (`results`, `entities`, `breakdowns`) carries a field `fromTheFuture` no client knows yet |
//! | `xss=1` | the OAuth client `Nightly CRM sync` is named `<img src=x onerror=alert(1)>` (pages must show it as text) |
//!
//! # Synthetic data
//!
//! Genesys OAuth clients (with fixed ids, e.g. `Usage Dashboard (PKCE)` =
//! `3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa`), users and endpoints with daily
//! counts from 2018-01-01 to yesterday (UTC); ThousandEyes account groups
//! (`1234` Support, `315` Documentation, `2207`, `4410`), about sixty tests and
//! ten enterprise agents whose consumption runs slightly over the
//! 4,320,000,000-unit quota of the billing period (the 5th, 08:00 UTC).
//!
//! # Example
//!
//! ```
//! use usage_lens::http::{HttpRequest, Method};
//! use usage_lens::sim::Sim;
//!
//! let mut sim = Sim::new(42).with_default_exec_ms(0);
//! let req = HttpRequest::new(Method::Get, "https://demo.invalid/v7/usage")
//!     .header("Authorization", "Bearer demo");
//! let resp = sim.handle(&req, 1_780_000_000_000);
//! assert_eq!(resp.status, 200);
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::http::{
    path_of, query_param, Clock, HttpRequest, HttpResponse, Transport, TransportError,
};

mod cursor;
mod data;
mod genesys;
mod oauth;
mod scenario;
mod thousandeyes;
mod util;

#[cfg(test)]
mod tests {
    //! Simulator semantics, checked through `Sim::handle` the way a client sees them.
    mod gate;
    mod oauth;
    mod robustness;
    pub(crate) mod support;
    mod transport;
}

use scenario::ScenarioState;
use util::{hash, uuid};

/// 9999-12-31T23:59:59.999Z: later clocks are treated as this instant.
const MAX_NOW_MS: u64 = 253_402_300_799_999;

/// How many scenario strings are remembered before the least recently used is forgotten.
const MAX_SCENARIOS: usize = 4096;

/// A deterministic simulator of both vendors' usage APIs. See the [module docs](self).
#[derive(Debug)]
pub struct Sim {
    seed: u64,
    default_exec_ms: u64,
    catalog: data::Catalog,
    te: thousandeyes::TeCatalog,
    scenarios: BTreeMap<String, ScenarioState<genesys::ExecKind>>,
    oauth: oauth::OAuthState,
    seq: u64,
}

/// Counters for one scenario, for tests.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimStats {
    /// Requests served (everything but `/_sim/*`).
    pub requests: u64,
    /// 429 responses sent (injected and rate-limit).
    pub rate_limited: u64,
    /// The most requests seen in any sliding 60-second window.
    pub max_per_minute: u64,
    /// 5xx responses sent (injected).
    pub server_errors: u64,
    /// Connections dropped on purpose (`drop=`).
    pub dropped: u64,
    /// Answers held back (`stall=`).
    pub stalled: u64,
    /// Answers the client gave up waiting for: it closed the connection
    /// while the server held the answer back (counted by `sim-server`).
    pub client_aborts: u64,
    /// The last 50 paths with their queries (scenario prefix removed; secrets redacted).
    pub last_paths: Vec<String>,
}

impl Sim {
    /// A simulator whose data and ids are deterministic from the seed.
    pub fn new(seed: u64) -> Sim {
        Sim {
            seed,
            default_exec_ms: 2500,
            catalog: data::Catalog::new(seed),
            te: thousandeyes::TeCatalog::new(seed),
            scenarios: BTreeMap::new(),
            oauth: oauth::OAuthState::default(),
            seq: 0,
        }
    }

    /// Default execution/job duration in ms when the scenario does not set one
    /// with `exec=` (2500 unless changed). Demo uses ~2500, tests a small value.
    pub fn with_default_exec_ms(mut self, ms: u64) -> Sim {
        self.default_exec_ms = ms;
        self
    }

    /// Answers one request at time `now_ms` (Unix ms). Pure apart from the
    /// simulator's own state; never panics on any input.
    pub fn handle(&mut self, req: &HttpRequest, now_ms: u64) -> HttpResponse {
        // Calendar arithmetic stays within years 1970..=9999 whatever the clock says.
        let now_ms = now_ms.min(MAX_NOW_MS);
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let (scenario, rest) = split_scenario(req.path_and_query());
        let path = path_of(rest);
        if let Some(control) = path.strip_prefix("/_sim/") {
            return self.control(control, rest);
        }
        if !self.scenarios.contains_key(scenario) && self.scenarios.len() >= MAX_SCENARIOS {
            let oldest = self
                .scenarios
                .iter()
                .min_by_key(|(_, st)| st.last_seq)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.scenarios.remove(&k);
            }
        }
        let st = self
            .scenarios
            .entry(scenario.to_string())
            .or_insert_with(|| ScenarioState::new(scenario));
        st.record(seq, now_ms, redact(rest));
        let mut ctx = Ctx {
            seed: self.seed,
            now: now_ms,
            default_exec_ms: self.default_exec_ms,
            seq,
            cat: &self.catalog,
            te: &self.te,
            st,
            oauth: &mut self.oauth,
        };
        let mut resp = route(&mut ctx, req, rest, path);
        if ctx.st.stall_left > 0 && ctx.st.successes >= ctx.st.cfg.fault_after {
            ctx.st.stall_left -= 1;
            let ms = if ctx.st.cfg.stall_ms == 0 {
                5_000
            } else {
                ctx.st.cfg.stall_ms
            };
            resp = resp.with_header(STALL_HEADER, ms.to_string());
        }
        if ctx.st.cfg.unknown_field {
            resp = with_unknown_field(resp);
        }
        let stats = &mut ctx.st.stats;
        if resp.status == 429 {
            stats.rate_limited = stats.rate_limited.saturating_add(1);
        }
        if (500..600).contains(&resp.status) {
            stats.server_errors = stats.server_errors.saturating_add(1);
        }
        if resp.status == DROPPED {
            stats.dropped = stats.dropped.saturating_add(1);
        }
        if resp.header(STALL_HEADER).is_some() {
            stats.stalled = stats.stalled.saturating_add(1);
        }
        if resp.is_success() {
            ctx.st.successes = ctx.st.successes.saturating_add(1);
        }
        resp
    }

    /// Counters for one scenario, looked up by its `id=` value (or by the whole
    /// scenario string; `""` or `"default"` is the scenario without a prefix).
    /// Several scenario strings with the same id are added together.
    pub fn stats(&self, scenario_id: &str) -> SimStats {
        let mut matching: Vec<&ScenarioState<genesys::ExecKind>> = self
            .scenarios
            .values()
            .filter(|st| st.cfg.id.as_deref() == Some(scenario_id))
            .collect();
        if matching.is_empty() {
            let key = if scenario_id == "default" {
                ""
            } else {
                scenario_id
            };
            matching.extend(self.scenarios.get(key));
        }
        let mut out = SimStats::default();
        let mut paths: Vec<(u64, &String)> = Vec::new();
        for st in matching {
            out.requests = out.requests.saturating_add(st.stats.requests);
            out.rate_limited = out.rate_limited.saturating_add(st.stats.rate_limited);
            out.max_per_minute = out.max_per_minute.max(st.stats.max_per_minute);
            out.server_errors = out.server_errors.saturating_add(st.stats.server_errors);
            out.dropped = out.dropped.saturating_add(st.stats.dropped);
            out.stalled = out.stalled.saturating_add(st.stats.stalled);
            out.client_aborts = out.client_aborts.saturating_add(st.stats.client_aborts);
            paths.extend(st.path_seqs.iter().copied().zip(st.stats.last_paths.iter()));
        }
        paths.sort_by_key(|(seq, _)| *seq);
        let skip = paths.len().saturating_sub(50);
        out.last_paths = paths
            .into_iter()
            .skip(skip)
            .map(|(_, p)| p.clone())
            .collect();
        out
    }

    /// Counts, in the stats of the request's scenario, that the client
    /// closed the connection before its answer was sent.
    pub fn record_client_abort(&mut self, req: &HttpRequest) {
        let (scenario, _) = split_scenario(req.path_and_query());
        if let Some(st) = self.scenarios.get_mut(scenario) {
            st.stats.client_aborts = st.stats.client_aborts.saturating_add(1);
        }
    }

    fn control(&self, what: &str, rest: &str) -> HttpResponse {
        match what {
            "health" => HttpResponse::new(200, "ok")
                .with_header("Content-Type", "text/plain; charset=utf-8"),
            "stats" => {
                let id = query_param(rest, "id").unwrap_or_default();
                let body = serde_json::to_string(&self.stats(&id)).unwrap_or_default();
                HttpResponse::new(200, body).with_header("Content-Type", "application/json")
            }
            _ => HttpResponse::new(404, "not found")
                .with_header("Content-Type", "text/plain; charset=utf-8"),
        }
    }
}

/// The name and value of the field `unknown=1` adds to every row.
pub const UNKNOWN_FIELD: (&str, &str) = ("fromTheFuture", r#"{"kind":"new","values":[1,""]}"#);

/// Adds [`UNKNOWN_FIELD`] to every row of a JSON answer.
fn with_unknown_field(mut resp: HttpResponse) -> HttpResponse {
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

/// Splits `/_s/<scenario>/rest` into the scenario string and the rest.
fn split_scenario(pq: &str) -> (&str, &str) {
    if let Some(after) = pq.strip_prefix("/_s/") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let scenario = after.get(..end).unwrap_or("");
        let rest = after.get(end..).unwrap_or("");
        if rest.starts_with('/') {
            return (scenario, rest);
        }
        return (scenario, "/");
    }
    ("", pq)
}

/// Query parameters whose values must never appear in stats.
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "code",
    "code_verifier",
    "client_secret",
    "token",
    "refresh_token",
    "id_token",
];

/// The path and query with secret values replaced.
fn redact(pq: &str) -> String {
    let pq = pq.split('#').next().unwrap_or(pq);
    let Some((path, query)) = pq.split_once('?') else {
        return pq.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            if SECRET_PARAMS.contains(&crate::http::percent_decode(name).as_str()) {
                format!("{name}=REDACTED")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{path}?{}", parts.join("&"))
}

/// What one request handler may use.
pub(crate) struct Ctx<'a> {
    pub seed: u64,
    pub now: u64,
    pub default_exec_ms: u64,
    pub seq: u64,
    pub cat: &'a data::Catalog,
    pub te: &'a thousandeyes::TeCatalog,
    pub st: &'a mut ScenarioState<genesys::ExecKind>,
    pub oauth: &'a mut oauth::OAuthState,
}

impl Ctx<'_> {
    /// A per-response correlation id.
    pub fn correlation_id(&self) -> String {
        let a = hash(&[self.seed, self.seq, self.st.key_hash, 0xC0DE]);
        uuid(a, hash(&[a, self.seq]))
    }
}

fn route(ctx: &mut Ctx<'_>, req: &HttpRequest, rest: &str, path: &str) -> HttpResponse {
    if path == "/api/v2" || path.starts_with("/api/v2/") {
        genesys::handle(ctx, req, rest, path)
    } else if path == "/oauth/authorize" || path == "/oauth/token" {
        oauth::handle(ctx, req, rest, path)
    } else if path == "/v7" || path.starts_with("/v7/") {
        thousandeyes::handle(ctx, req, rest, path)
    } else {
        HttpResponse::new(404, "{\"message\":\"No such path on the simulator\"}")
            .with_header("Content-Type", "application/json")
    }
}

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

/// A header on a response whose delivery the transport (or the server) must
/// hold back this many milliseconds (`stall=`); it is removed before delivery.
pub const STALL_HEADER: &str = "x-sim-stall-ms";

/// The status of a response that stands for "no response at all": a dropped
/// connection. [`SimTransport`] turns it into a network error, and the server
/// answers without CORS headers, which a browser reports the same way.
pub const DROPPED: u16 = 0;

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
pub(crate) fn gate(
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
        limit: cfg.limit.unwrap_or(if te { 240 } else { 300 }),
        count,
        reset_ms: window.reset_at(),
    };
    let Some(token) = bearer(req) else {
        return (Gate::NoToken, info);
    };
    if token.starts_with("invalid") {
        return (Gate::BadToken, info);
    }
    if token.starts_with("expired") {
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

/// A JSON response.
pub(crate) fn json_response(
    status: u16,
    content_type: &str,
    body: &serde_json::Value,
) -> HttpResponse {
    HttpResponse::new(status, body.to_string()).with_header("Content-Type", content_type)
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

/// An in-process [`Transport`] over a shared [`Sim`]: reads the clock,
/// optionally waits a simulated latency with [`Clock::sleep`], then answers
/// with [`Sim::handle`] at the clock's time.
///
/// # Example
///
/// ```no_run
/// # use std::{cell::RefCell, rc::Rc};
/// # use usage_lens::sim::{Sim, SimTransport};
/// # fn demo<C: usage_lens::http::Clock>(clock: C) {
/// let sim = Rc::new(RefCell::new(Sim::new(1)));
/// let transport = SimTransport::new(sim, clock).with_latency_ms(40);
/// # }
/// ```
#[derive(Debug)]
pub struct SimTransport<C: Clock> {
    sim: Rc<RefCell<Sim>>,
    clock: C,
    latency_ms: u64,
}

impl<C: Clock> SimTransport<C> {
    /// A transport answering from `sim` at `clock`'s time, with no latency.
    pub fn new(sim: Rc<RefCell<Sim>>, clock: C) -> Self {
        SimTransport {
            sim,
            clock,
            latency_ms: 0,
        }
    }

    /// Waits this many ms (on the clock) before each answer.
    pub fn with_latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = ms;
        self
    }
}

impl<C: Clock> Transport for SimTransport<C> {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.latency_ms > 0 {
            self.clock.sleep(self.latency_ms).await?;
        }
        let now = self.clock.now_ms();
        let mut response = {
            let mut sim = self
                .sim
                .try_borrow_mut()
                .map_err(|_| TransportError::Network("the simulator is busy".to_string()))?;
            sim.handle(request, now)
        };
        if let Some(ms) = take_stall(&mut response) {
            self.clock.sleep(ms).await?;
        }
        if response.status == DROPPED {
            return Err(TransportError::Network(
                "the connection was dropped".to_string(),
            ));
        }
        Ok(response)
    }
}

/// Removes the stall marker from a response and says how long to hold it back.
pub fn take_stall(response: &mut HttpResponse) -> Option<u64> {
    let i = response
        .headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(STALL_HEADER))?;
    let (_, v) = response.headers.remove(i);
    v.parse().ok()
}
