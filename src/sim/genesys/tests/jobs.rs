//! Aggregates jobs: states, paging through `nextUri`, groups, filters,
//! sorting and end states.

use serde_json::json;

use crate::sim::tests::support::*;

#[test]
fn jobs_go_queued_running_succeeded_and_page_with_next_uri() {
    let mut s = sim().with_default_exec_ms(2000);
    let req = json!({
        "interval": "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z",
        "granularity": "Day",
        "groupBy": ["OauthClientId", "TemplateUri", "HttpMethod"],
    });
    let created = post(&mut s, "/api/v2/usage/aggregates/query/jobs", &req, NOW);
    assert_eq!(created.status, 202);
    let b = body(&created);
    assert_eq!(keys(&b), sorted(&["id", "resultsUri", "selfUri"]));
    let uri = b["resultsUri"].as_str().unwrap().to_string();
    assert_eq!(
        uri,
        format!(
            "/api/v2/usage/aggregates/query/jobs/{}",
            b["id"].as_str().unwrap()
        )
    );
    let queued = get(&mut s, &uri, NOW + 1);
    assert_eq!(queued.status, 202);
    assert_eq!(
        body(&queued),
        json!({ "queryStatus": "Queued", "selfUri": uri })
    );
    let running = get(&mut s, &uri, NOW + 1000);
    assert_eq!(
        (running.status, body(&running)["queryStatus"].clone()),
        (202, json!("Running"))
    );
    let mut next = Some(format!("{uri}?pageSize=250"));
    let mut rows = Vec::new();
    let mut pages = 0;
    while let Some(u) = next {
        let page = get(&mut s, &u, NOW + 3000);
        assert_eq!(page.status, 200);
        let p = body(&page);
        assert_eq!(p["queryStatus"], "Succeeded");
        assert_eq!(p["selfUri"], uri);
        rows.extend(p["entities"].as_array().unwrap().iter().cloned());
        next = p["nextUri"].as_str().map(str::to_string);
        if let Some(n) = &next {
            assert!(
                n.starts_with(&uri) && n.contains("pageSize=250") && n.contains("after="),
                "{n}"
            );
        }
        pages += 1;
    }
    assert!(pages > 1);
    assert!(rows.len() > 250);
    let row = &rows[0];
    assert_eq!(
        keys(row),
        sorted(&[
            "date",
            "httpMethod",
            "templateUri",
            "requestCount",
            "status200",
            "status300",
            "status400",
            "status429",
            "status500",
            "oauthClient"
        ])
    );
    assert_eq!(row["date"], "2026-06-01");
    assert_eq!(
        keys(&row["oauthClient"]),
        sorted(&["id", "name", "selfUri"])
    );
    // Jobs show the purecloud-builtin clients the legacy API hides.
    assert!(rows
        .iter()
        .any(|r| r["oauthClient"]["name"] == "Genesys Cloud Data Actions"));
    // Dates are ordered.
    assert!(rows
        .windows(2)
        .all(|w| w[0]["date"].as_str() <= w[1]["date"].as_str()));
}

#[test]
fn jobs_default_groups_and_filters_and_sorting() {
    let mut s = sim().with_default_exec_ms(0);
    let req = json!({
        "interval": "2026-06-01/2026-06-03",
        "userIds": ["6e1b7f20-43a9-4c5d-9b1e-2f8a0c7d3e51", "9a2c4e61-5b7d-4f80-8c3e-1d6b9a0f2e74", "c47d0b8e-2a13-4e96-b5f1-7e0c3a9d6b28", "1f8e3a5c-7d2b-4c69-a0e4-5b9c8d1e7f36", "e3b95d07-8c4a-4f1e-9d26-0a7c5e3b1f89"],
        "sortBy": [{ "fieldName": "requestCount", "order": "Desc" }],
        "metrics": ["Requests"],
    });
    let b = body(&post(
        &mut s,
        "/api/v2/usage/aggregates/query/jobs",
        &req,
        NOW,
    ));
    let p = body(&get(
        &mut s,
        &format!("{}?pageSize=1000", b["resultsUri"].as_str().unwrap()),
        NOW,
    ));
    let rows = p["entities"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert!(r["user"]["id"].is_string() && r["user"]["selfUri"].is_string());
        assert!(r.get("date").is_none());
        assert!(r.get("status200").is_none());
        assert_eq!(r["platform"], "PublicApi");
    }
    let counts: Vec<u64> = rows
        .iter()
        .map(|r| r["requestCount"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn client_jobs_have_organization_rows_and_end_states() {
    let mut s = sim().with_default_exec_ms(0);
    let client = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa";
    let req = json!({ "interval": "2026-06-01T00:00:00Z/2026-06-07T23:59:59Z", "granularity": "Week", "groupBy": ["TemplateUri", "HttpMethod", "OrganizationId"] });
    let b = body(&post(
        &mut s,
        &format!("/api/v2/usage/client/{client}/aggregates/query/jobs"),
        &req,
        NOW,
    ));
    let uri = b["selfUri"].as_str().unwrap().to_string();
    assert_eq!(
        uri,
        format!(
            "/api/v2/usage/client/{client}/aggregates/query/jobs/{}",
            b["id"].as_str().unwrap()
        )
    );
    let p = body(&get(&mut s, &uri, NOW));
    let row = &p["entities"][0];
    assert_eq!(row["organizationId"], crate::sim::data::HOME_ORG_ID);
    assert!(row.get("oauthClient").is_none());
    assert_eq!(row["date"], "2026-06-01");
    // The org path does not know a client job.
    let id = b["id"].as_str().unwrap();
    assert_eq!(
        get(
            &mut s,
            &format!("/api/v2/usage/aggregates/query/jobs/{id}"),
            NOW
        )
        .status,
        404
    );

    let req = json!({ "interval": "2026-06-01/2026-06-02" });
    let failed = body(&post(
        &mut s,
        "/_s/fail=1/api/v2/usage/aggregates/query/jobs",
        &req,
        NOW,
    ));
    let resp = get(
        &mut s,
        &format!("/_s/fail=1{}", failed["resultsUri"].as_str().unwrap()),
        NOW,
    );
    assert_eq!(resp.status, 202);
    let f = body(&resp);
    assert_eq!(f["queryStatus"], "Failed");
    assert_eq!(f["errorBody"]["status"], 500);
    let cancelled = body(&post(
        &mut s,
        "/_s/cancel=1/api/v2/usage/aggregates/query/jobs",
        &req,
        NOW,
    ));
    let c = body(&get(
        &mut s,
        &format!("/_s/cancel=1{}", cancelled["resultsUri"].as_str().unwrap()),
        NOW,
    ));
    assert_eq!(c["queryStatus"], "Cancelled");
    let uri = body(&post(
        &mut s,
        "/api/v2/usage/aggregates/query/jobs",
        &req,
        NOW,
    ))["resultsUri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        get(&mut s, &format!("{uri}?pageSize=1001"), NOW).status,
        400
    );
    assert_eq!(
        get(&mut s, &format!("{uri}?pageSize=100&after=bogus"), NOW).status,
        400
    );
}
