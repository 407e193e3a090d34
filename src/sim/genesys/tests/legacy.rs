//! Legacy executions, through `Sim::handle` the way a client sees them.

use serde_json::json;

use crate::sim::tests::support::*;

/// The keys of a legacy row: every dimension (empty when not grouped by
/// it), then the given counters and columns.
fn row_keys(rest: &[&str]) -> Vec<String> {
    let dimensions = [
        "clientId",
        "clientName",
        "organizationId",
        "userId",
        "templateUri",
        "httpMethod",
    ];
    sorted(&[&dimensions[..], rest].concat())
}

#[test]
fn org_query_runs_then_completes_with_reference_row_shape() {
    let mut s = sim();
    let req = json!({ "interval": "2026-05-01/2026-05-28", "granularity": "Day", "groupBy": ["OAuthClientId", "TemplateUri"] });
    let start = post(&mut s, "/api/v2/usage/query", &req, NOW);
    let created = body(&start);
    assert_eq!(keys(&created), sorted(&["executionId", "resultsUri"]));
    let id = created["executionId"].as_str().unwrap();
    assert_eq!(
        created["resultsUri"],
        format!("/api/v2/usage/query/{id}/results")
    );
    assert_eq!(id.len(), 36);
    let done = run_execution(&mut s, "", start);
    assert_eq!(done["queryStatus"], "Complete");
    let rows = done["results"].as_array().unwrap();
    assert!(rows.len() > 100);
    let row = &rows[0];
    assert_eq!(
        keys(row),
        row_keys(&[
            "status200",
            "status300",
            "status400",
            "status500",
            "status429",
            "requests",
            "date"
        ])
    );
    assert_eq!(row["organizationId"], "");
    assert_eq!(row["userId"], "");
    assert_eq!(row["httpMethod"], "");
    assert!(!row["clientId"].as_str().unwrap().is_empty());
    assert!(!row["templateUri"].as_str().unwrap().starts_with('/'));
    let date = row["date"].as_str().unwrap();
    assert!(
        date.starts_with("2026-05-") && date.ends_with("T00:00:00Z"),
        "{date}"
    );
    for r in rows {
        let n = |k: &str| r[k].as_u64().unwrap();
        assert_eq!(
            n("requests"),
            n("status200") + n("status300") + n("status400") + n("status500")
        );
        assert!(n("status429") <= n("status400"));
    }
    // The date-only end includes May 28; builtin clients are hidden from the legacy API.
    assert!(rows.iter().any(|r| r["date"] == "2026-05-28T00:00:00Z"));
    assert!(!rows.iter().any(|r| r["date"] == "2026-05-29T00:00:00Z"));
    assert!(!rows
        .iter()
        .any(|r| r["clientName"] == "Genesys Cloud Data Actions"));
}

#[test]
fn legacy_defaults_group_by_client_and_omit_unselected_metrics() {
    let mut s = sim();
    let req = json!({ "interval": "2026-05-01T00:00:00Z/2026-05-08T00:00:00Z", "metrics": ["Requests", "Status429"] });
    let start = post(&mut s, "/api/v2/usage/query", &req, NOW);
    let done = run_execution(&mut s, "", start);
    let rows = done["results"].as_array().unwrap();
    assert_eq!(rows.len(), 12, "one total per non-builtin client");
    assert_eq!(keys(&rows[0]), row_keys(&["requests", "status429"]));
    assert!(rows.iter().any(|r| r["clientName"] == "Nightly CRM sync"));
    // Week buckets start on Mondays; Month buckets on the 1st.
    let req = json!({ "interval": "2026-03-01/2026-05-31", "granularity": "Week", "groupBy": ["HttpMethod"] });
    let start = post(&mut s, "/api/v2/usage/query", &req, NOW);
    let done = run_execution(&mut s, "", start);
    for r in done["results"].as_array().unwrap() {
        let d = r["date"].as_str().unwrap();
        let (ms, _) = crate::time::parse_instant_ms(d).unwrap();
        assert_eq!(
            crate::sim::util::weekday(crate::sim::util::day_of(ms)),
            0,
            "{d}"
        );
        assert_ne!(r["httpMethod"], "");
    }
}

#[test]
fn client_query_and_summary_use_the_per_client_results_path() {
    let mut s = sim();
    let client = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa";
    let req = json!({ "interval": "2026-06-01T00:00:00.000Z/2026-06-08T00:00:00.000Z", "metrics": ["Requests"], "groupBy": ["TemplateUri", "HttpMethod"] });
    let start = post(
        &mut s,
        &format!("/api/v2/oauth/clients/{client}/usage/query"),
        &req,
        NOW,
    );
    let b = body(&start);
    let id = b["executionId"].as_str().unwrap().to_string();
    assert_eq!(
        b["resultsUri"],
        format!("/api/v2/oauth/clients/{client}/usage/query/results/{id}")
    );
    // The org results path does not know a per-client execution.
    assert_eq!(
        get(
            &mut s,
            &format!("/api/v2/usage/query/{id}/results"),
            NOW + 5_000
        )
        .status,
        404
    );
    let done = run_execution(&mut s, "", start);
    let rows = done["results"].as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["templateUri"] == "api/v2/usage/query" && r["httpMethod"] == "POST"));
    assert!(rows.iter().all(|r| r["clientId"] == ""));
    // UserId is not a valid grouping for client queries.
    let bad = post(
        &mut s,
        &format!("/api/v2/oauth/clients/{client}/usage/query"),
        &json!({ "interval": "2026-06-01/2026-06-02", "groupBy": ["UserId"] }),
        NOW,
    );
    assert_eq!(bad.status, 400);
    assert_eq!(body(&bad)["code"], "invalid.value");

    let start = get(
        &mut s,
        &format!("/api/v2/oauth/clients/{client}/usage/summary?days=7"),
        NOW,
    );
    let b = body(&start);
    assert!(b["resultsUri"]
        .as_str()
        .unwrap()
        .contains("/usage/query/results/"));
    let done = run_execution(&mut s, "", start);
    let row = &done["results"][0];
    assert_eq!(row["clientName"], "Usage Dashboard (PKCE)");
    assert_eq!(row["clientId"], client);
    assert!(row.get("date").is_none());
    // Unknown client ids still get (synthetic) data.
    let start = get(&mut s, "/api/v2/oauth/clients/my-app/usage/summary", NOW);
    let done = run_execution(&mut s, "", start);
    assert!(!done["results"].as_array().unwrap().is_empty());
    assert_eq!(
        get(
            &mut s,
            "/api/v2/oauth/clients/x/usage/summary?days=abc",
            NOW
        )
        .status,
        400
    );
}

#[test]
fn failed_and_never_finishing_executions() {
    let mut s = sim();
    let req = json!({ "interval": "2026-06-01/2026-06-02" });
    let start = post(&mut s, "/_s/fail=1/api/v2/usage/query", &req, NOW);
    let uri = body(&start)["resultsUri"].as_str().unwrap().to_string();
    assert_eq!(
        body(&get(&mut s, &format!("/_s/fail=1{uri}"), NOW + 5_000)),
        json!({ "queryStatus": "Failed" })
    );
    let start = post(&mut s, "/_s/never=1/api/v2/usage/query", &req, NOW);
    let uri = body(&start)["resultsUri"].as_str().unwrap().to_string();
    let late = get(&mut s, &format!("/_s/never=1{uri}"), NOW + 86_400_000);
    assert_eq!(body(&late)["queryStatus"], "Running");
    assert_eq!(
        get(&mut s, "/api/v2/usage/query/nope/results", NOW).status,
        404
    );
    let nf = body(&get(&mut s, "/api/v2/usage/query/nope/results", NOW));
    assert_eq!(nf["code"], "not.found");
}
