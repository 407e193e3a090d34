//! `GET /v7/usage` (with its expansions) and `GET /v7/quotas`.

use serde_json::{json, Value};

use crate::http::{query_param, query_params, HttpResponse};
use crate::thousandeyes::ExpandUsageOptions;

use super::super::util::{ms_i64, ms_timestamp};
use super::super::Ctx;
use super::catalog::{period_of, units, AGENTS, CLOUD_UNITS_INCLUDED, GROUPS};
use super::{checked_aid, hal, href, BadField, API};

/// Connected-devices units per period.
const CONNECTED_DEVICES_PER_PERIOD: f64 = 2_450_000.0;

/// `GET /v7/usage`: the period's totals, and per account group what
/// `expand` asks for.
pub(super) fn usage(ctx: &Ctx<'_>, rest: &str, path: &str) -> Result<HttpResponse, BadField> {
    let te = ctx.te;
    let aid = checked_aid(query_param(rest, "aid"))?;
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
            let (key, value) = match e {
                ExpandUsageOptions::Test => ("tests", Value::Array(tests.clone())),
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
                        .zip(agent_units.iter())
                        .enumerate()
                        .filter(|(_, (_, (u, p)))| *u > 0.0 || *p > 0.0)
                        .filter_map(|(agent, ((_, _, group), (u, p)))| {
                            te.agent_row(*group, agent, *u, *p)
                        })
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
    Ok(hal(
        &json!({ "usage": usage, "_links": { "self": { "href": href(path, &params) } } }),
    ))
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
