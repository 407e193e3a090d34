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
