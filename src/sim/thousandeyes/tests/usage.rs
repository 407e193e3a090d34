//! `/v7/usage` and `/v7/quotas`.

use serde_json::json;

use crate::sim::tests::support::*;

#[test]
fn te_usage_shape_period_and_projection() {
    let mut s = sim();
    let r = get(&mut s, "/v7/usage?aid=1234", NOW);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/hal+json"));
    let b = body(&r);
    let u = &b["usage"];
    assert_eq!(u["quota"]["monthStart"], "2026-06-05T08:00:00Z");
    assert_eq!(u["quota"]["monthEnd"], "2026-07-05T08:00:00Z");
    assert_eq!(
        u["quota"]["cloudUnitsIncluded"].as_u64(),
        Some(4_320_000_000)
    );
    assert_eq!(
        b["_links"]["self"]["href"],
        "https://api.thousandeyes.com/v7/usage?aid=1234"
    );
    assert!(u.get("tests").is_none() && u.get("allocations").is_none());
    for k in [
        "cloudUnitsUsed",
        "cloudUnitsProjected",
        "cloudUnitsNextBillingPeriod",
        "enterpriseUnitsUsed",
        "enterpriseUnitsProjected",
        "enterpriseUnitsNextBillingPeriod",
        "connectedDevicesUnitsUsed",
        "endpointAgentsUsed",
        "endpointAgentsEssentialsUsed",
        "endpointAgentsEmbeddedUsed",
        "enterpriseAgentsUsed",
    ] {
        assert!(u[k].is_u64(), "{k}");
    }
    // Before the 5th at 08:00 the period is the previous month's.
    let early = body(&get(&mut s, "/v7/usage", 1_780_560_000_000)); // 2026-06-04T08:00:00Z
    assert_eq!(
        early["usage"]["quota"]["monthStart"],
        "2026-05-05T08:00:00Z"
    );
    // Used grows through the period; late in the period the projection is slightly over quota.
    let q = 4_320_000_000f64;
    let late = body(&get(&mut s, "/v7/usage", 1_782_950_400_000)); // 2026-07-02
    let used_early = u["cloudUnitsUsed"].as_f64().unwrap();
    let used_late = late["usage"]["cloudUnitsUsed"].as_f64().unwrap();
    assert!(used_late > used_early * 4.0);
    let projected = late["usage"]["cloudUnitsProjected"].as_f64().unwrap();
    assert!(projected > q && projected < q * 1.1, "{projected}");
    assert!(used_late < q);

    let all = "test,enterprise-agent,enterprise-agent-unit,endpoint-agent,endpoint-agent-essential,endpoint-agent-embedded";
    let x = body(&get(&mut s, &format!("/v7/usage?expand={all}"), NOW));
    let u = &x["usage"];
    for k in [
        "tests",
        "enterpriseAgents",
        "enterpriseAgentUnits",
        "endpointAgents",
        "endpointAgentsEssentials",
        "endpointAgentsEmbedded",
    ] {
        assert!(!u[k].as_array().unwrap().is_empty(), "{k}");
    }
    assert_eq!(
        keys(&u["tests"][0]),
        sorted(&[
            "aid",
            "accountGroupName",
            "testId",
            "testName",
            "testType",
            "cloudUnitsUsed",
            "cloudUnitsProjected"
        ])
    );
    assert!(u["allocations"]["allocations"].is_array());
    assert_eq!(
        x["_links"]["self"]["href"],
        format!("https://api.thousandeyes.com/v7/usage?expand={all}")
    );
    let test_sum: u64 = u["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["cloudUnitsUsed"].as_u64().unwrap())
        .sum();
    let total = u["cloudUnitsUsed"].as_u64().unwrap();
    assert!(test_sum.abs_diff(total) < 100, "{test_sum} vs {total}");
    assert!(u["enterpriseAgentUnits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.get("agentId").is_none()));

    let bad = get(&mut s, "/v7/usage?expand=test,nope", NOW);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.header("content-type"), Some("application/problem+json"));
    assert_eq!(
        body(&bad),
        json!({
            "type": "about:blank",
            "title": "Request validation failed. There are invalid or missing fields",
            "status": 400,
            "detail": "Invalid field value for field `expand`",
            "instance": "/v7/usage"
        })
    );
    assert_eq!(get(&mut s, "/v7/usage?aid=abc", NOW).status, 400);
    assert_eq!(get(&mut s, "/v7/nothing", NOW).status, 404);
}

#[test]
fn te_enterprise_agents_and_quotas() {
    let mut s = sim();
    let b = body(&get(&mut s, "/v7/usage/units/enterprise-agents", NOW));
    let rows = b["breakdowns"].as_array().unwrap();
    assert!(rows.len() >= 8);
    assert!(rows.iter().any(|r| r.get("agentId").is_none()));
    assert!(rows
        .iter()
        .all(|r| r["agentName"].is_string() && r["enterpriseUnitsUsed"].is_u64()));
    assert_eq!(
        b["_links"]["self"]["href"],
        "https://api.thousandeyes.com/v7/usage/units/enterprise-agents"
    );
    assert!(b["_links"].get("next").is_none());
    let q = get(&mut s, "/v7/quotas", NOW);
    let q = body(&q);
    assert_eq!(
        q["quotas"][0]["organizationQuota"]["value"].as_u64(),
        Some(4_320_000_000)
    );
    assert!(
        q["quotas"][0]["accountGroupQuotas"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    assert_eq!(
        q["_links"]["self"]["href"],
        "https://api.thousandeyes.com/v7/quotas"
    );
}

/// `/v7/usage` an hour before the end of each period that ends on the 5th
/// of 2026's first `months` months (08:00 UTC), the first being December
/// 2025's: (used, projected) cloud units.
fn period_ends(sim: &mut crate::sim::Sim, months: u32) -> Vec<(u64, u64)> {
    (1..=months)
        .map(|m| {
            let end = crate::time::days_from_civil(2026, m, 5) * 86_400_000 + 8 * 3_600_000;
            let u = body(&get(sim, "/v7/usage", (end - 3_600_000) as u64));
            let n = |k: &str| u["usage"][k].as_u64().unwrap();
            (n("cloudUnitsUsed"), n("cloudUnitsProjected"))
        })
        .collect()
}

#[test]
fn te_past_periods_vary_grow_and_keep_to_their_seed() {
    let mut s = sim();
    let ends = period_ends(&mut s, 6);
    // No two periods have the same figures (they used to, to the unit).
    for (i, a) in ends.iter().enumerate() {
        for b in &ends[i + 1..] {
            assert_ne!(a.0, b.0, "{ends:?}");
        }
    }
    // Near the quota, neither flat nor wild: within ±15 % of 4.32 billion.
    let q = 4_320_000_000f64;
    for (used, projected) in &ends {
        assert!((*used as f64 / q - 1.0).abs() < 0.15, "{ends:?}");
        assert!(projected >= used);
    }
    // The units grow through the contract year: May's period over January's by
    // more than the noise; at the renewal, December's falls to January's.
    let (dec, jan, may) = (ends[0].0 as f64, ends[1].0 as f64, ends[5].0 as f64);
    assert!(may > jan * 1.02, "{ends:?}");
    assert!(dec > jan * 1.05, "{ends:?}");
    // The same seed gives the same periods; another seed, others.
    assert_eq!(period_ends(&mut sim(), 6), ends);
    let other = period_ends(&mut crate::sim::Sim::new(8), 6);
    assert!(other.iter().zip(&ends).all(|(a, b)| a != b), "{other:?}");
    // A past period no longer moves: asked again later, the same units.
    let later = body(&get(
        &mut s,
        "/v7/usage/units/tests?startDate=2026-01-05T08:00:00Z&endDate=2026-02-05T08:00:00Z",
        NOW,
    ));
    let again = body(&get(
        &mut s,
        "/v7/usage/units/tests?startDate=2026-01-05T08:00:00Z&endDate=2026-02-05T08:00:00Z",
        NOW + 40 * 86_400_000,
    ));
    let used = |v: &serde_json::Value| v["breakdowns"].as_array().map(|b| b.len());
    assert_eq!(used(&later), used(&again));
    assert_eq!(
        later["breakdowns"][0]["cloudUnitsUsed"],
        again["breakdowns"][0]["cloudUnitsUsed"]
    );
}
