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
//! # Layout
//!
//! `genesys/` and `thousandeyes/` answer each vendor (routing, request
//! validation, answers, with their tests beside them); `oauth` is the Genesys
//! login host; `gate` holds the checks and faults both vendors share;
//! `scenario` the state kept per scenario; `data` the Genesys synthetic data;
//! `cursor` the one page-cursor codec; `transport` the in-process
//! [`SimTransport`]; `util` hashing, ids and days. Dates, timestamps and
//! base64 come from [`crate::time`] and [`crate::encoding`], and every limit
//! the library also checks comes from the library.
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

use std::collections::BTreeMap;

use crate::http::{path_of, query_param, HttpRequest, HttpResponse};

/// Whether this simulator runs inside the page (the app's Demo). It then
/// answers what the app asks for; sign-in (`/oauth/…`), the control paths
/// (`/_sim/…`) and the billing, limits and client-credentials endpoints are
/// answered natively only (tests and the simulator server), which keeps
/// their code out of the app's download.
pub(crate) const IN_PAGE: bool = cfg!(target_arch = "wasm32");

mod cursor;
mod data;
mod gate;
mod genesys;
mod oauth;
mod scenario;
mod thousandeyes;
mod transport;
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

pub use gate::UNKNOWN_FIELD;
pub use transport::{take_stall, SimTransport, DROPPED, STALL_HEADER};

use gate::with_unknown_field;
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
    /// Client-credentials token requests (`POST /oauth/token`).
    pub token_requests: u64,
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
        if let Some(control) = path.strip_prefix("/_sim/").filter(|_| !IN_PAGE) {
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
            out.token_requests = out.token_requests.saturating_add(st.token_requests);
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
    } else if !IN_PAGE && (path == "/oauth/authorize" || path == "/oauth/token") {
        oauth::handle(ctx, req, rest, path)
    } else if path == "/v7" || path.starts_with("/v7/") {
        thousandeyes::handle(ctx, req, rest, path)
    } else {
        HttpResponse::new(404, "{\"message\":\"No such path on the simulator\"}")
            .with_header("Content-Type", "application/json")
    }
}

/// A JSON response.
pub(crate) fn json_response(
    status: u16,
    content_type: &str,
    body: &serde_json::Value,
) -> HttpResponse {
    HttpResponse::new(status, body.to_string()).with_header("Content-Type", content_type)
}
