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
//! are optional (no zone means UTC); a bare date is refused.

use serde_json::{json, Value};

use crate::http::{query_param, query_params, HttpRequest, HttpResponse, Method};
use crate::thousandeyes::{check_aid, DEFAULT_BASE_URL};

use super::cursor::{self, Dialect};
use super::util::{
    day_of, encode_query_value, hash, ms_i64, ms_timestamp, parse_te_datetime, pick, str_hash,
    DAY_MS,
};
use super::{gate, html_login_page, json_response, maybe_truncate, Ctx, Gate, RateInfo};
use crate::time::{civil_from_days, days_from_civil};

/// The public API origin used in `_links` hrefs.
const API: &str = DEFAULT_BASE_URL;
/// Cloud units included per billing period.
pub(crate) const CLOUD_UNITS_INCLUDED: u64 = 4_320_000_000;
/// Enterprise units per period (at the end of a period) across all tests.
const ENTERPRISE_UNITS_PER_PERIOD: f64 = 112_000_000.0;
/// Connected-devices units per period.
const CONNECTED_DEVICES_PER_PERIOD: f64 = 2_450_000.0;
/// The default server page size.
const DEFAULT_PAGE: u64 = 50;

const GROUPS: &[(&str, &str)] = &[
    ("1234", "Support"),
    ("315", "Documentation"),
    ("2207", "Network Operations"),
    ("4410", "Retail Stores"),
];

const EXPAND: &[&str] = &[
    "test",
    "enterprise-agent",
    "enterprise-agent-unit",
    "endpoint-agent",
    "endpoint-agent-essential",
    "endpoint-agent-embedded",
];

/// (type label, cloud weight, enterprise-agent share %)
const TYPES: &[(&str, u64, u64)] = &[
    ("Web-Page Load", 30, 20),
    ("Web - HTTP Server", 12, 35),
    ("Network - Agent to Server", 8, 60),
    ("DNS Server", 4, 30),
    ("Voice - RTP Stream", 14, 70),
    ("Web - Transaction", 40, 10),
    ("Network - Agent to Agent", 6, 90),
    ("Routing - BGP", 2, 0),
    ("DNS - Trace", 3, 20),
    ("Web - API", 10, 25),
];

const HOSTS: &[&str] = &[
    "app.thousandeyes.com",
    "www.example.com",
    "login.example.com",
    "api.example.com",
    "shop.example.com",
    "portal.example.net",
    "sso.corp.example",
    "crm.example.org",
    "status.example.io",
    "cdn.example.com",
    "vpn.corp.example",
    "mail.example.com",
    "payments.example.com",
    "search.example.com",
];

const SITES: &[&str] = &[
    "Frankfurt",
    "Ashburn",
    "Singapore",
    "London",
    "Sao Paulo",
    "Chicago",
    "Sydney",
];

/// (name, agent id, primary account group)
const AGENTS: &[(&str, Option<&str>, usize)] = &[
    ("TEVA-test-agent", Some("123456"), 0),
    ("lab-physical-appliance-1", Some("789"), 1),
    ("branch-office-vm-2", None, 1),
    ("dc1-docker-01", Some("201144"), 2),
    ("dc2-docker-02", Some("201145"), 2),
    ("store-0142-pi", Some("318820"), 3),
    ("store-0388-pi", None, 3),
    ("aws-us-east-1-ea", Some("402311"), 2),
    ("azure-westeurope-ea", Some("402377"), 0),
    ("hq-core-appliance", Some("100042"), 2),
];

/// One synthetic test.
#[derive(Clone, Debug)]
pub(crate) struct Test {
    id: String,
    name: String,
    kind: &'static str,
    group: usize,
    instant: bool,
    /// Cloud and enterprise units per full period (before growth), or the one-off
    /// amount of an instant test.
    cloud: f64,
    ent: f64,
    /// Growth through the period (fraction) and start fraction.
    growth: f64,
    start: f64,
    /// Instant tests: when in the period they ran (fraction).
    event: f64,
    agents: Vec<usize>,
}

/// All ThousandEyes synthetic data.
#[derive(Clone, Debug)]
pub(crate) struct TeCatalog {
    tests: Vec<Test>,
    endpoint: [u64; 4],
    essentials: [u64; 4],
    embedded: [u64; 4],
}

fn g_integral(t: &Test, f: f64) -> f64 {
    let f = f.clamp(0.0, 1.0);
    if f <= t.start {
        return 0.0;
    }
    (f - t.start) + t.growth * (f * f - t.start * t.start) / 2.0
}

impl TeCatalog {
    /// Builds the catalog for a seed.
    pub fn new(seed: u64) -> TeCatalog {
        let mut tests = Vec::new();
        let fixed: &[(&str, &str, usize, bool)] = &[
            ("1158", "https://app.thousandeyes.com", 0, false),
            ("1221", "https://app.thousandeyes.com", 1, false),
            ("7310", "Checkout API latency", 1, false),
            ("8802", "www.example.com page load", 0, false),
            ("9917", "https://app.thousandeyes.com", 1, true),
        ];
        for (i, (id, name, type_idx, instant)) in fixed.iter().enumerate() {
            tests.push(make_test(
                seed,
                i,
                id.to_string(),
                name.to_string(),
                *type_idx,
                0,
                *instant,
            ));
        }
        for i in 0..55usize {
            let h = hash(&[seed, i as u64, 0x7E57]);
            let type_idx = (h % TYPES.len() as u64) as usize;
            let host = HOSTS
                .get((h >> 8) as usize % HOSTS.len())
                .copied()
                .unwrap_or("example.com");
            let site = SITES
                .get((h >> 16) as usize % SITES.len())
                .copied()
                .unwrap_or("HQ");
            let site2 = SITES
                .get((h >> 20) as usize % SITES.len())
                .copied()
                .unwrap_or("DC");
            let name = match type_idx {
                0 => format!("https://{host} page load"),
                1 | 9 => format!("https://{host}"),
                2 => format!("{host}:443"),
                3 => format!("{host} DNS"),
                4 => format!("SIP trunk {site}"),
                5 => format!("{host} checkout flow"),
                6 => format!("{site} to {site2}"),
                7 => format!("BGP 203.0.{}.0/24", (h >> 24) % 256),
                _ => format!("{host} trace"),
            };
            let id = (10_000 + i as u64 * 37 + (h >> 30) % 30).to_string();
            let group = ((h >> 34) % GROUPS.len() as u64) as usize;
            tests.push(make_test(
                seed,
                i + 5,
                id,
                name,
                type_idx,
                group,
                i % 11 == 3,
            ));
        }
        // Normalise so that the period totals land slightly over the quota.
        let cloud_sum: f64 = tests
            .iter()
            .filter(|t| !t.instant)
            .map(|t| t.cloud * g_integral(t, 1.0))
            .sum();
        let ent_sum: f64 = tests
            .iter()
            .filter(|t| !t.instant)
            .map(|t| t.ent * g_integral(t, 1.0))
            .sum();
        let cloud_k = if cloud_sum > 0.0 {
            CLOUD_UNITS_INCLUDED as f64 * 1.035 / cloud_sum
        } else {
            0.0
        };
        let ent_k = if ent_sum > 0.0 {
            ENTERPRISE_UNITS_PER_PERIOD / ent_sum
        } else {
            0.0
        };
        for t in &mut tests {
            if t.instant {
                t.cloud *= 4_000.0;
                t.ent *= 500.0;
            } else {
                t.cloud *= cloud_k;
                t.ent *= ent_k;
            }
        }
        let h = hash(&[seed, 0xE4D]);
        TeCatalog {
            tests,
            endpoint: [
                pick(h, 18, 26),
                pick(h >> 8, 10, 16),
                pick(h >> 16, 3, 6),
                pick(h >> 24, 1, 3),
            ],
            essentials: [2, pick(h >> 32, 2, 4), 0, 0],
            embedded: [pick(h >> 40, 1, 3), 3, 0, 0],
        }
    }

    fn group(&self, g: usize) -> (&'static str, &'static str) {
        GROUPS.get(g).copied().unwrap_or(("0", ""))
    }

    /// Cloud and enterprise units a test used in `[a, b)` (Unix ms).
    fn used(&self, t: &Test, a: i64, b: i64) -> (f64, f64) {
        let (mut cloud, mut ent) = (0.0, 0.0);
        let a = a.max(te_data_start());
        if b <= a {
            return (0.0, 0.0);
        }
        let (mut p0, mut p1) = period_of(a);
        for _ in 0..400 {
            if p0 >= b {
                break;
            }
            let len = (p1 - p0).max(1) as f64;
            let f1 = (a.max(p0) - p0) as f64 / len;
            let f2 = (b.min(p1) - p0) as f64 / len;
            if t.instant {
                if t.event >= f1 && t.event < f2 {
                    cloud += t.cloud;
                    ent += t.ent;
                }
            } else {
                let part = g_integral(t, f2) - g_integral(t, f1);
                cloud += t.cloud * part;
                ent += t.ent * part;
            }
            (p0, p1) = (p1, next_period_end(p1));
        }
        (cloud, ent)
    }

    /// Projected cloud and enterprise units of a test for the period containing `now`.
    fn projected(&self, t: &Test, now: i64) -> (f64, f64) {
        let (p0, p1) = period_of(now);
        let (uc, ue) = self.used(t, p0, now);
        if t.instant {
            return (uc, ue);
        }
        let f = (now - p0) as f64 / (p1 - p0).max(1) as f64;
        let rest = if f >= t.start {
            (1.0 + t.growth * f) * (1.0 - f)
        } else {
            0.0
        };
        (uc + t.cloud * rest, ue + t.ent * rest)
    }

    /// Units for the next period at the current rate.
    fn next_period(&self, t: &Test, now: i64) -> (f64, f64) {
        let (p0, p1) = period_of(now);
        let f = (now - p0) as f64 / (p1 - p0).max(1) as f64;
        if t.instant || f < t.start {
            return (0.0, 0.0);
        }
        let rate = 1.0 + t.growth * f;
        (t.cloud * rate, t.ent * rate)
    }
}

fn make_test(
    seed: u64,
    i: usize,
    id: String,
    name: String,
    type_idx: usize,
    group: usize,
    instant: bool,
) -> Test {
    let h = hash(&[seed, i as u64, 0x7E5E]);
    let (kind, cloud_w, ent_pct) =
        TYPES
            .get(type_idx)
            .copied()
            .unwrap_or(("Web - HTTP Server", 10, 0));
    let uses_agents = ent_pct > 0 && (h >> 3) % 100 < ent_pct;
    let agents = if uses_agents {
        let n = pick(h >> 9, 1, 3) as usize;
        (0..n)
            .map(|k| ((h >> (13 + 4 * k)) as usize + k) % AGENTS.len())
            .collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    let variation = pick(h >> 25, 40, 160) as f64 / 100.0;
    let late = !instant && i >= 5 && (h >> 33).is_multiple_of(12);
    Test {
        id,
        name,
        kind,
        group,
        instant,
        cloud: if instant {
            pick(h >> 41, 10, 120) as f64
        } else {
            cloud_w as f64 * variation
        },
        ent: if agents.is_empty() {
            0.0
        } else if instant {
            pick(h >> 47, 5, 60) as f64
        } else {
            cloud_w as f64 * variation * pick(h >> 51, 50, 150) as f64 / 100.0
        },
        growth: pick(h >> 37, 0, 160) as f64 / 1000.0 + if i == 7 { 0.5 } else { 0.0 },
        start: if late {
            pick(h >> 43, 150, 600) as f64 / 1000.0
        } else {
            0.0
        },
        event: pick(h >> 55, 50, 950) as f64 / 1000.0,
        agents,
    }
}

/// The first instant with data.
fn te_data_start() -> i64 {
    days_from_civil(2022, 1, 5) * DAY_MS + 8 * 3_600_000
}

fn period_start(y: i64, m: u32) -> i64 {
    days_from_civil(y, m, 5) * DAY_MS + 8 * 3_600_000
}

/// The billing period containing `t`: `[start, end)`.
pub(crate) fn period_of(t: i64) -> (i64, i64) {
    let (y, m, _) = civil_from_days(day_of(t));
    let this = period_start(y, m);
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    if t >= this {
        (this, period_start(ny, nm))
    } else {
        (period_start(py, pm), this)
    }
}

fn next_period_end(p_end: i64) -> i64 {
    period_of(p_end).1
}

fn units(v: f64) -> u64 {
    v.max(0.0).round() as u64
}

// ----- HTTP -----------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Usage,
    Tests,
    Agents,
    Quotas,
}

fn problem(status: u16, title: &str, detail: &str, instance: &str) -> HttpResponse {
    json_response(
        status,
        "application/problem+json",
        &json!({ "type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance }),
    )
}

fn invalid_field(field: &str, instance: &str, message: Option<&str>) -> HttpResponse {
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
    let (gate_result, info) = gate(ctx, req, true, route.is_some());
    let now = ctx.now;
    let mut remaining = info.limit.saturating_sub(info.count);
    let mut reset_ms = info.reset_ms;
    let resp = match gate_result {
        Gate::Html => return html_login_page(),
        Gate::Dropped => return HttpResponse::new(super::DROPPED, ""),
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
            (None, _) => problem(
                404,
                "URI Resource Not Found",
                "The requested URI does not exist in this API version.",
                path,
            ),
            (Some(_), Method::Post) => problem(
                405,
                "Method Not Allowed",
                "Use GET for this resource.",
                path,
            )
            .with_header("Allow", "GET"),
            (Some(Route::Usage), Method::Get) => usage(ctx, rest, path),
            (Some(Route::Tests), Method::Get) => units_page(ctx, rest, path, true),
            (Some(Route::Agents), Method::Get) => units_page(ctx, rest, path, false),
            (Some(Route::Quotas), Method::Get) => quotas(),
        },
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

fn hal(body: &Value) -> HttpResponse {
    json_response(200, "application/hal+json", body)
}

/// An account group id as the library checks it, given exactly (the
/// library trims what it sends; the server takes the text as it comes).
fn valid_aid(aid: &str) -> bool {
    check_aid(aid).is_ok_and(|checked| checked == aid)
}

fn usage(ctx: &Ctx<'_>, rest: &str, path: &str) -> HttpResponse {
    let te = ctx.te;
    let aid = query_param(rest, "aid");
    if aid.as_deref().is_some_and(|a| !valid_aid(a)) {
        return invalid_field(
            "aid",
            path,
            Some("aid must be the numeric ID of an account group"),
        );
    }
    let mut expand: Vec<&'static str> = Vec::new();
    let mut expand_raw: Vec<String> = Vec::new();
    for (k, v) in query_params(rest) {
        if k != "expand" {
            continue;
        }
        for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match EXPAND.iter().find(|e| **e == item) {
                Some(e) => {
                    if !expand.contains(e) {
                        expand.push(e);
                    }
                    expand_raw.push(item.to_string());
                }
                None => return invalid_field("expand", path, None),
            }
        }
    }
    let now = ms_i64(ctx.now);
    let (p0, p1) = period_of(now);
    let (np0, np1) = period_of(p1);
    let next_len = (np1 - np0) as f64 / (p1 - p0).max(1) as f64;
    let mut totals = [0.0f64; 6]; // cloud used/projected/next, ent used/projected/next
    let mut tests = Vec::new();
    let mut agent_units = vec![(0.0f64, 0.0f64); AGENTS.len()];
    for t in &te.tests {
        let (cu, eu) = te.used(t, p0, now);
        let (cp, ep) = te.projected(t, now);
        let (cn, en) = te.next_period(t, now);
        for (slot, v) in totals
            .iter_mut()
            .zip([cu, cp, cn * next_len, eu, ep, en * next_len])
        {
            *slot += v;
        }
        let (aid, group_name) = te.group(t.group);
        if cu > 0.0 || cp > 0.0 {
            tests.push(json!({
                "aid": aid,
                "accountGroupName": group_name,
                "testId": t.id,
                "testName": t.name,
                "testType": t.kind,
                "cloudUnitsUsed": units(cu),
                "cloudUnitsProjected": units(cp),
            }));
        }
        let n = t.agents.len().max(1) as f64;
        for a in &t.agents {
            if let Some(slot) = agent_units.get_mut(*a) {
                slot.0 += eu / n;
                slot.1 += ep / n;
            }
        }
    }
    let frac = (now - p0) as f64 / (p1 - p0).max(1) as f64;
    let mut usage = json!({
        "quota": {
            "monthStart": ms_timestamp(p0),
            "monthEnd": ms_timestamp(p1),
            "cloudUnitsIncluded": CLOUD_UNITS_INCLUDED,
            "deviceAgentsIncluded": 100,
            "endpointAgentsIncluded": 200,
            "endpointAgentsEssentialsIncluded": 10,
            "endpointAgentsEmbeddedIncluded": 10,
            "enterpriseAgentsIncluded": 25,
        },
        "cloudUnitsUsed": units(totals[0]),
        "cloudUnitsProjected": units(totals[1]),
        "cloudUnitsNextBillingPeriod": units(totals[2]),
        "enterpriseUnitsUsed": units(totals[3]),
        "enterpriseUnitsProjected": units(totals[4]),
        "enterpriseUnitsNextBillingPeriod": units(totals[5]),
        "connectedDevicesUnitsUsed": units(CONNECTED_DEVICES_PER_PERIOD * frac),
        "connectedDevicesUnitsProjected": units(CONNECTED_DEVICES_PER_PERIOD),
        "connectedDevicesUnitsNextBillingPeriod": units(CONNECTED_DEVICES_PER_PERIOD * next_len),
        "endpointAgentsUsed": te.endpoint.iter().sum::<u64>(),
        "endpointAgentsEssentialsUsed": te.essentials.iter().sum::<u64>(),
        "endpointAgentsEmbeddedUsed": te.embedded.iter().sum::<u64>(),
        "enterpriseAgentsUsed": AGENTS.len(),
    });
    let per_group = |counts: &[u64; 4], field: &str| -> Value {
        Value::Array(
            GROUPS
                .iter()
                .zip(counts.iter())
                .filter(|(_, n)| **n > 0)
                .map(|((aid, name), n)| json!({ "aid": aid, "accountGroupName": name, (field): n }))
                .collect(),
        )
    };
    if let Some(m) = usage.as_object_mut() {
        for e in &expand {
            let (key, value) = match *e {
                "test" => ("tests", Value::Array(tests.clone())),
                "enterprise-agent" => {
                    let mut counts = [0u64; 4];
                    for (_, _, g) in AGENTS {
                        if let Some(c) = counts.get_mut(*g) {
                            *c += 1;
                        }
                    }
                    (
                        "enterpriseAgents",
                        per_group(&counts, "enterpriseAgentsUsed"),
                    )
                }
                "enterprise-agent-unit" => {
                    let rows = AGENTS
                        .iter()
                        .zip(agent_units.iter())
                        .filter(|(_, (u, p))| *u > 0.0 || *p > 0.0)
                        .map(|((name, id, g), (u, p))| {
                            let (aid, group_name) = te.group(*g);
                            let mut row = json!({
                                "aid": aid,
                                "accountGroupName": group_name,
                                "agentName": name,
                                "enterpriseUnitsUsed": units(*u),
                                "enterpriseUnitsProjected": units(*p),
                            });
                            if let (Some(id), Some(r)) = (id, row.as_object_mut()) {
                                r.insert("agentId".into(), json!(id));
                            }
                            row
                        })
                        .collect();
                    ("enterpriseAgentUnits", Value::Array(rows))
                }
                "endpoint-agent" => (
                    "endpointAgents",
                    per_group(&te.endpoint, "endpointAgentsUsed"),
                ),
                "endpoint-agent-essential" => (
                    "endpointAgentsEssentials",
                    per_group(&te.essentials, "endpointAgentsEssentialsUsed"),
                ),
                _ => (
                    "endpointAgentsEmbedded",
                    per_group(&te.embedded, "endpointAgentsEmbeddedUsed"),
                ),
            };
            m.insert(key.into(), value);
        }
        if !expand.is_empty() {
            let used = units(totals[0] + totals[3]);
            let projected = units(totals[1] + totals[4]);
            m.insert(
                "allocations".into(),
                json!({
                    "used": used,
                    "projected": projected,
                    "allocations": [
                        { "productName": "Cloud and Enterprise Agent tests", "allocatedUnits": 3_900_000_000u64 },
                        { "productName": "Traffic Insights", "allocatedUnits": 300_000_000u64 },
                        { "productName": "Connected Devices", "allocatedUnits": 120_000_000u64 },
                    ],
                }),
            );
        }
    }
    let mut params = Vec::new();
    if let Some(a) = &aid {
        params.push(("aid", a.clone()));
    }
    if !expand_raw.is_empty() {
        params.push(("expand", expand_raw.join(",")));
    }
    hal(&json!({ "usage": usage, "_links": { "self": { "href": href(path, &params) } } }))
}

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

fn cursor_tag(path: &str, start: Option<&str>, end: Option<&str>) -> String {
    let h = hash(&[
        str_hash(path),
        str_hash(start.unwrap_or("-")),
        str_hash(end.unwrap_or("-")),
    ]);
    format!("{:08x}", h & 0xFFFF_FFFF)
}

fn units_page(ctx: &Ctx<'_>, rest: &str, path: &str, tests: bool) -> HttpResponse {
    let te = ctx.te;
    let now = ms_i64(ctx.now);
    let aid = if tests {
        query_param(rest, "aid").filter(|a| !a.is_empty())
    } else {
        None
    };
    if aid.as_deref().is_some_and(|a| !valid_aid(a)) {
        return invalid_field(
            "aid",
            path,
            Some("aid must be the numeric ID of an account group"),
        );
    }
    let start_raw = query_param(rest, "startDate").filter(|s| !s.is_empty());
    let end_raw = query_param(rest, "endDate").filter(|s| !s.is_empty());
    let date_msg = "expected a date and time with seconds, such as 2026-06-01T00:00:00Z";
    let start = match &start_raw {
        None => None,
        Some(s) => match parse_te_datetime(s) {
            Some(v) => Some(v),
            None => return invalid_field("startDate", path, Some(date_msg)),
        },
    };
    let end = match &end_raw {
        None => None,
        Some(s) => match parse_te_datetime(s) {
            Some(v) => Some(v),
            None => return invalid_field("endDate", path, Some(date_msg)),
        },
    };
    let (a, b) = match (start, end) {
        (None, None) => (period_of(now).0, now),
        (Some(a), None) => (a, now),
        (None, Some(_)) => {
            return invalid_field("endDate", path, Some("endDate requires startDate"));
        }
        (Some(a), Some(b)) => {
            if a > b {
                return invalid_field(
                    "startDate",
                    path,
                    Some("startDate must not be after endDate"),
                );
            }
            (a, b.min(now))
        }
    };
    let tag = cursor_tag(path, start_raw.as_deref(), end_raw.as_deref());
    let cursor_raw = query_param(rest, "cursor").filter(|c| !c.is_empty());
    let (page, offset) = match &cursor_raw {
        None => (0, 0),
        Some(c) => match cursor::decode(Dialect::ThousandEyes { query: &tag }, c) {
            Some(v) => v,
            None => {
                return invalid_field(
                    "cursor",
                    path,
                    Some("the cursor is not valid for this request"),
                )
            }
        },
    };
    let page_size = ctx.st.cfg.tepage.unwrap_or(DEFAULT_PAGE).clamp(1, 10_000);
    let agents = if tests {
        Vec::new()
    } else {
        agent_rows(te, a, b, now)
    };
    let total = if tests {
        ctx.st.cfg.tests.unwrap_or(te.tests.len() as u64)
    } else {
        agents.len() as u64
    };
    if offset > total {
        return invalid_field(
            "cursor",
            path,
            Some("the cursor is not valid for this request"),
        );
    }
    let rows: Vec<Value> = if tests {
        let end_i = offset.saturating_add(page_size).min(total);
        (offset..end_i)
            .map(|k| test_row(te, k, a, b, now))
            .collect()
    } else {
        agents
            .into_iter()
            .skip(offset as usize)
            .take(page_size as usize)
            .collect()
    };
    let next_offset = offset + rows.len() as u64;
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(a) = &aid {
        params.push(("aid", a.clone()));
    }
    if let Some(s) = &start_raw {
        params.push(("startDate", s.clone()));
    }
    if let Some(e) = &end_raw {
        params.push(("endDate", e.clone()));
    }
    let mut self_params = params.clone();
    if let Some(c) = &cursor_raw {
        self_params.push(("cursor", c.clone()));
    }
    let mut links = json!({ "self": { "href": href(path, &self_params) } });
    if next_offset < total {
        let cursor = cursor::next(
            Dialect::ThousandEyes { query: &tag },
            cursor_raw.as_deref(),
            ctx.st.cfg.repeat,
            page,
            next_offset,
        );
        params.push(("cursor", cursor));
        if let Some(m) = links.as_object_mut() {
            m.insert("next".into(), json!({ "href": href(path, &params) }));
        }
    }
    hal(&json!({ "breakdowns": rows, "_links": links }))
}

fn test_row(te: &TeCatalog, k: u64, a: i64, b: i64, now: i64) -> Value {
    let n = te.tests.len().max(1) as u64;
    let Some(t) = te.tests.get((k % n) as usize) else {
        return Value::Null;
    };
    let copy = k / n;
    let (id, name) = if copy == 0 {
        (t.id.clone(), t.name.clone())
    } else {
        (
            (200_000 + k).to_string(),
            format!("{} (copy {copy})", t.name),
        )
    };
    let (cu, eu) = te.used(t, a, b);
    let (cp, ep) = te.projected(t, now);
    let (aid, group_name) = te.group(t.group);
    json!({
        "testId": id,
        "testName": name,
        "testType": t.kind,
        "enterpriseUnitsUsed": units(eu),
        "enterpriseUnitsProjected": units(ep),
        "cloudUnitsUsed": units(cu),
        "cloudUnitsProjected": units(cp),
        "aid": aid,
        "accountGroupName": group_name,
        "isInstantTest": t.instant,
    })
}

fn agent_rows(te: &TeCatalog, a: i64, b: i64, now: i64) -> Vec<Value> {
    // (test-owner group, agent) → (used, projected)
    let mut cells = vec![(0.0f64, 0.0f64); GROUPS.len() * AGENTS.len()];
    for t in &te.tests {
        if t.agents.is_empty() {
            continue;
        }
        let (_, eu) = te.used(t, a, b);
        let (_, ep) = te.projected(t, now);
        let n = t.agents.len() as f64;
        for ag in &t.agents {
            if let Some(cell) = cells.get_mut(t.group * AGENTS.len() + ag) {
                cell.0 += eu / n;
                cell.1 += ep / n;
            }
        }
    }
    let mut out = Vec::new();
    for (i, (u, p)) in cells.iter().enumerate() {
        if *p <= 0.0 && *u <= 0.0 {
            continue;
        }
        let (g, ag) = (i / AGENTS.len(), i % AGENTS.len());
        let Some((name, id, _)) = AGENTS.get(ag) else {
            continue;
        };
        let (aid, group_name) = te.group(g);
        let mut row = json!({
            "aid": aid,
            "accountGroupName": group_name,
            "agentName": name,
            "enterpriseUnitsUsed": units(*u),
            "enterpriseUnitsProjected": units(*p),
        });
        if let (Some(id), Some(m)) = (id, row.as_object_mut()) {
            m.insert("agentId".into(), json!(id));
        }
        out.push(row);
    }
    out
}

fn quotas() -> HttpResponse {
    hal(&json!({
        "quotas": [{
            "organizationQuota": { "orgId": "10", "value": CLOUD_UNITS_INCLUDED },
            "accountGroupQuotas": [
                { "value": 1_800_000_000u64, "aid": "1234" },
                { "value": 600_000_000u64, "aid": "315" },
                { "value": 1_400_000_000u64, "aid": "2207" },
                { "value": 520_000_000u64, "aid": "4410" },
            ],
        }],
        "_links": { "self": { "href": format!("{API}/v7/quotas") } },
    }))
}
