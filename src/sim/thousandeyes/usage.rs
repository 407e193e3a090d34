//! `GET /v7/usage` (with its expansions) and `GET /v7/quotas`.

use serde_json::{json, Value};

use crate::http::{query_param, query_params, HttpResponse};
use crate::thousandeyes::ExpandUsageOptions;

use super::super::util::{ms_i64, ms_timestamp};
use super::super::Ctx;
use super::catalog::{period_of, units, TeCatalog, AGENTS, CLOUD_UNITS_INCLUDED, GROUPS};
use super::{checked_aid, hal, href, BadField, API};

/// Connected-devices units per period.
const CONNECTED_DEVICES_PER_PERIOD: f64 = 2_450_000.0;

/// `GET /v7/usage`: the period's totals, and per account group what
/// `expand` asks for.
pub(super) fn usage(ctx: &Ctx<'_>, rest: &str, path: &str) -> Result<HttpResponse, BadField> {
    let te = ctx.te;
    let aid = checked_aid(query_param(rest, "aid"))?;
    let (expand, expand_raw) = expand_options(rest)?;
    let period = Period::at(ms_i64(ctx.now));
    let tally = Tally::of(te, &period);
    let mut usage = period_totals(te, &period, &tally);
    if let Some(m) = usage.as_object_mut() {
        for e in &expand {
            let (key, value) = expansion(te, *e, &tally);
            m.insert(key.into(), value);
        }
        if !expand.is_empty() {
            m.insert("allocations".into(), allocations(&tally));
        }
    }
    let mut params = Vec::new();
    if let Some(a) = &aid {
        params.push(("aid", a.clone()));
    }
    if !expand_raw.is_empty() {
        params.push(("expand", expand_raw.join(",")));
    }
    Ok(hal(
        &json!({ "usage": usage, "_links": { "self": { "href": href(path, &params) } } }),
    ))
}

/// The `expand` values asked for: each option once, and every value as
/// written (for the `self` link).
fn expand_options(rest: &str) -> Result<(Vec<ExpandUsageOptions>, Vec<String>), BadField> {
    let mut expand: Vec<ExpandUsageOptions> = Vec::new();
    let mut expand_raw: Vec<String> = Vec::new();
    for (k, v) in query_params(rest) {
        if k != "expand" {
            continue;
        }
        for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            // The values are the library's `ExpandUsageOptions`.
            let option = serde_json::from_value(Value::from(item)).map_err(|_| BadField {
                field: "expand",
                message: None,
            })?;
            if !expand.contains(&option) {
                expand.push(option);
            }
            expand_raw.push(item.to_string());
        }
    }
    Ok((expand, expand_raw))
}

/// The billing period around now.
struct Period {
    now: i64,
    start: i64,
    end: i64,
    /// The next period's length as a share of this one's.
    next_len: f64,
}

impl Period {
    fn at(now: i64) -> Self {
        let (start, end) = period_of(now);
        let (next_start, next_end) = period_of(end);
        let next_len = (next_end - next_start) as f64 / (end - start).max(1) as f64;
        Period {
            now,
            start,
            end,
            next_len,
        }
    }

    /// How much of the period has passed, 0 to 1.
    fn passed(&self) -> f64 {
        (self.now - self.start) as f64 / (self.end - self.start).max(1) as f64
    }
}

/// Every test's units in the period, added up.
struct Tally {
    /// Cloud used, projected and next period; enterprise the same.
    totals: [f64; 6],
    /// The `tests` rows of the tests that used or will use cloud units.
    tests: Vec<Value>,
    /// Each agent's enterprise units, used and projected.
    agent_units: Vec<(f64, f64)>,
}

impl Tally {
    fn of(te: &TeCatalog, period: &Period) -> Self {
        let now = period.now;
        let mut tally = Tally {
            totals: [0.0; 6],
            tests: Vec::new(),
            agent_units: vec![(0.0, 0.0); AGENTS.len()],
        };
        for t in &te.tests {
            let (cu, eu) = te.used(t, period.start, now);
            let (cp, ep) = te.projected(t, now);
            let (cn, en) = te.next_period(t, now);
            let next = period.next_len;
            for (slot, v) in tally
                .totals
                .iter_mut()
                .zip([cu, cp, cn * next, eu, ep, en * next])
            {
                *slot += v;
            }
            let (aid, group_name) = te.group(t.group);
            if cu > 0.0 || cp > 0.0 {
                tally.tests.push(json!({
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
                if let Some(slot) = tally.agent_units.get_mut(*a) {
                    slot.0 += eu / n;
                    slot.1 += ep / n;
                }
            }
        }
        tally
    }
}

/// The period's quota and totals, before any expansion.
fn period_totals(te: &TeCatalog, period: &Period, tally: &Tally) -> Value {
    let totals = &tally.totals;
    json!({
        "quota": {
            "monthStart": ms_timestamp(period.start),
            "monthEnd": ms_timestamp(period.end),
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
        "connectedDevicesUnitsUsed": units(CONNECTED_DEVICES_PER_PERIOD * period.passed()),
        "connectedDevicesUnitsProjected": units(CONNECTED_DEVICES_PER_PERIOD),
        "connectedDevicesUnitsNextBillingPeriod": units(CONNECTED_DEVICES_PER_PERIOD * period.next_len),
        "endpointAgentsUsed": te.endpoint.iter().sum::<u64>(),
        "endpointAgentsEssentialsUsed": te.essentials.iter().sum::<u64>(),
        "endpointAgentsEmbeddedUsed": te.embedded.iter().sum::<u64>(),
        "enterpriseAgentsUsed": AGENTS.len(),
    })
}

/// One `expand` option's field and rows.
fn expansion(te: &TeCatalog, option: ExpandUsageOptions, tally: &Tally) -> (&'static str, Value) {
    match option {
        ExpandUsageOptions::Test => ("tests", Value::Array(tally.tests.clone())),
        ExpandUsageOptions::EnterpriseAgent => {
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
        ExpandUsageOptions::EnterpriseAgentUnit => {
            let rows = AGENTS
                .iter()
                .zip(tally.agent_units.iter())
                .enumerate()
                .filter(|(_, (_, (u, p)))| *u > 0.0 || *p > 0.0)
                .filter_map(|(agent, ((_, _, group), (u, p)))| te.agent_row(*group, agent, *u, *p))
                .collect();
            ("enterpriseAgentUnits", Value::Array(rows))
        }
        ExpandUsageOptions::EndpointAgent => (
            "endpointAgents",
            per_group(&te.endpoint, "endpointAgentsUsed"),
        ),
        ExpandUsageOptions::EndpointAgentEssential => (
            "endpointAgentsEssentials",
            per_group(&te.essentials, "endpointAgentsEssentialsUsed"),
        ),
        ExpandUsageOptions::EndpointAgentEmbedded => (
            "endpointAgentsEmbedded",
            per_group(&te.embedded, "endpointAgentsEmbeddedUsed"),
        ),
    }
}

/// A count per account group, as rows of `field` (groups with none left out).
fn per_group(counts: &[u64; 4], field: &str) -> Value {
    Value::Array(
        GROUPS
            .iter()
            .zip(counts.iter())
            .filter(|(_, n)| **n > 0)
            .map(|((aid, name), n)| json!({ "aid": aid, "accountGroupName": name, (field): n }))
            .collect(),
    )
}

/// The units allocated to products, with the period's test units.
fn allocations(tally: &Tally) -> Value {
    let used = units(tally.totals[0] + tally.totals[3]);
    let projected = units(tally.totals[1] + tally.totals[4]);
    json!({
        "used": used,
        "projected": projected,
        "allocations": [
            { "productName": "Cloud and Enterprise Agent tests", "allocatedUnits": 3_900_000_000u64 },
            { "productName": "Traffic Insights", "allocatedUnits": 300_000_000u64 },
            { "productName": "Connected Devices", "allocatedUnits": 120_000_000u64 },
        ],
    })
}

/// `GET /v7/quotas`: the organization's and each account group's quota.
pub(super) fn quotas() -> HttpResponse {
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
