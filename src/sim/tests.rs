//! Simulator semantics, checked through `Sim::handle` the way a client sees them.

use serde_json::{json, Value};

use super::*;
use crate::encoding::pkce_challenge_s256;
use crate::http::{path_and_query, query_param, HttpRequest, HttpResponse, Method};

/// 2026-06-09T16:01:00Z
const NOW: u64 = 1_781_020_860_000;
const TOKEN: &str = "Bearer good-token";
const HOST: &str = "https://demo.invalid";

fn sim() -> Sim {
    Sim::new(7).with_default_exec_ms(1000)
}

fn get(sim: &mut Sim, url: &str, now: u64) -> HttpResponse {
    let url = if url.starts_with('/') {
        format!("{HOST}{url}")
    } else {
        url.to_string()
    };
    sim.handle(
        &HttpRequest::new(Method::Get, url).header("Authorization", TOKEN),
        now,
    )
}

fn post(sim: &mut Sim, url: &str, body: &Value, now: u64) -> HttpResponse {
    sim.handle(
        &HttpRequest::new(Method::Post, format!("{HOST}{url}"))
            .header("Authorization", TOKEN)
            .json_body(body.to_string()),
        now,
    )
}

fn body(resp: &HttpResponse) -> Value {
    serde_json::from_str(&resp.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", resp.body))
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// Runs a legacy execution to completion and returns the final body.
fn run_execution(sim: &mut Sim, prefix: &str, start: HttpResponse) -> Value {
    assert_eq!(start.status, 202, "{}", start.body);
    let b = body(&start);
    let uri = b["resultsUri"].as_str().unwrap().to_string();
    let running = get(sim, &format!("{prefix}{uri}"), NOW + 10);
    assert_eq!(body(&running), json!({ "queryStatus": "Running" }));
    let done = get(sim, &format!("{prefix}{uri}"), NOW + 5_000);
    assert_eq!(done.status, 200);
    body(&done)
}

// ----- Genesys legacy -------------------------------------------------------

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
        sorted(&[
            "clientId",
            "clientName",
            "organizationId",
            "userId",
            "templateUri",
            "httpMethod",
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
    assert_eq!(
        keys(&rows[0]),
        sorted(&[
            "clientId",
            "clientName",
            "organizationId",
            "userId",
            "templateUri",
            "httpMethod",
            "requests",
            "status429"
        ])
    );
    assert!(rows.iter().any(|r| r["clientName"] == "Nightly CRM sync"));
    // Week buckets start on Mondays; Month buckets on the 1st.
    let req = json!({ "interval": "2026-03-01/2026-05-31", "granularity": "Week", "groupBy": ["HttpMethod"] });
    let start = post(&mut s, "/api/v2/usage/query", &req, NOW);
    let done = run_execution(&mut s, "", start);
    for r in done["results"].as_array().unwrap() {
        let d = r["date"].as_str().unwrap();
        let (ms, _) = crate::time::parse_instant_ms(d).unwrap();
        assert_eq!(super::util::weekday(super::util::day_of(ms)), 0, "{d}");
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

#[test]
fn request_bodies_are_validated_like_the_server() {
    let mut s = sim();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "/api/v2/usage/query",
            json!({ "interval": "2026-06-01/2026-06-02", "granularity": "Hour" }),
            "invalid.value",
        ),
        (
            "/api/v2/usage/query",
            json!({ "granularity": "Day" }),
            "bad.request",
        ),
        (
            "/api/v2/usage/query",
            json!({ "interval": "yesterday" }),
            "bad.request",
        ),
        (
            "/api/v2/usage/query",
            json!({ "interval": "2026-06-05/2026-06-01" }),
            "bad.request",
        ),
        (
            "/api/v2/usage/query",
            json!({ "interval": "2026-06-01/2026-06-02", "metrics": ["Status201"] }),
            "invalid.value",
        ),
        (
            "/api/v2/usage/simplesearch",
            json!({ "interval": "2026-06-01/2026-06-02", "metrics": ["Requests"] }),
            "invalid.value",
        ),
        (
            "/api/v2/usage/simplesearch",
            json!({ "interval": "2026-06-01/2026-06-02", "httpMethods": ["get"] }),
            "invalid.value",
        ),
        (
            "/api/v2/usage/aggregates/query/jobs",
            json!({ "interval": "2026-01-01/2026-06-01" }),
            "bad.request",
        ),
        (
            "/api/v2/usage/aggregates/query/jobs",
            json!({ "interval": "2025-01-01/2025-01-31" }),
            "bad.request",
        ),
        (
            "/api/v2/usage/aggregates/query/jobs",
            json!({ "interval": "2026-05-01/2026-05-31", "groupBy": ["OAuthClientId"] }),
            "invalid.value",
        ),
        (
            "/api/v2/usage/aggregates/query/jobs",
            json!({ "interval": "2026-05-01/2026-05-31", "sortBy": [{ "fieldName": "date", "order": "Up" }] }),
            "invalid.value",
        ),
    ];
    for (path, req, code) in cases {
        let resp = post(&mut s, path, &req, NOW);
        assert_eq!(resp.status, 400, "{req}");
        let b = body(&resp);
        assert_eq!(b["code"], code, "{req}: {b}");
        assert_eq!(b["status"], 400);
        assert_eq!(b["messageParams"], json!({}));
        assert_eq!(b["errors"], json!([]));
        assert!(b["details"].is_array());
        assert_eq!(b["contextId"], resp.header("ININ-Correlation-Id").unwrap());
    }
    let hour = body(&post(
        &mut s,
        "/api/v2/usage/query",
        &json!({ "interval": "2026-06-01/2026-06-02", "granularity": "Hour" }),
        NOW,
    ));
    assert_eq!(
        hour["message"],
        "Value [Hour] is not valid for field type [Granularity]. Allowable values are: Day, Week, Month"
    );
    assert_eq!(hour["details"], json!([{ "fieldName": "granularity" }]));
    let old = body(&post(
        &mut s,
        "/api/v2/usage/aggregates/query/jobs",
        &json!({ "interval": "2025-01-01/2025-01-31" }),
        NOW,
    ));
    assert_eq!(
        old["message"],
        "The requested interval start is more than one year in the past."
    );
    // Malformed or missing bodies.
    let raw = HttpRequest::new(Method::Post, "/api/v2/usage/query")
        .header("Authorization", TOKEN)
        .json_body("{not json".into());
    assert_eq!(s.handle(&raw, NOW).status, 400);
    let none = HttpRequest::new(Method::Post, "/api/v2/usage/query").header("Authorization", TOKEN);
    assert_eq!(s.handle(&none, NOW).status, 400);
    let huge = HttpRequest::new(Method::Post, "/api/v2/usage/query")
        .header("Authorization", TOKEN)
        .json_body(" ".repeat(600_000));
    assert_eq!(s.handle(&huge, NOW).status, 413);
    // The month and datetime interval forms are accepted.
    for interval in [
        "2026-01/2026-02",
        "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z",
        "2020-02-01/2020-02-28",
    ] {
        assert_eq!(
            post(
                &mut s,
                "/api/v2/usage/query",
                &json!({ "interval": interval }),
                NOW
            )
            .status,
            202
        );
    }
    assert_eq!(get(&mut s, "/api/v2/usage/query", NOW).status, 405);
    assert_eq!(get(&mut s, "/api/v2/nothing/here", NOW).status, 404);
}

// ----- simple search --------------------------------------------------------

fn search_pages(s: &mut Sim, prefix: &str, page_size: Option<u64>) -> Vec<Value> {
    let req = json!({ "interval": "2026-05-01/2026-05-31" });
    let start = post(s, &format!("{prefix}/api/v2/usage/simplesearch"), &req, NOW);
    assert_eq!(start.status, 202);
    let b = body(&start);
    let id = b["executionId"].as_str().unwrap().to_string();
    assert_eq!(
        b["resultsUri"],
        format!("/api/v2/usage/simplesearch/{id}/results")
    );
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = format!("{prefix}/api/v2/usage/simplesearch/{id}/results");
        let mut sep = '?';
        if let Some(n) = page_size {
            url.push_str(&format!("?pageSize={n}"));
            sep = '&';
        }
        if let Some(a) = &after {
            url.push_str(&format!("{sep}after={}", crate::http::percent_encode(a)));
        }
        let page = body(&get(s, &url, NOW + 5_000));
        assert_eq!(page["queryStatus"], "Complete");
        let next = page["cursors"]["after"].as_str().map(str::to_string);
        pages.push(page);
        if next.is_none() || next == after || pages.len() > 40 {
            break;
        }
        after = next;
    }
    pages
}

#[test]
fn simple_search_pages_2500_rows_in_three_pages() {
    let mut s = sim();
    let pages = search_pages(&mut s, "/_s/rows=2500", Some(1000));
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p["results"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![1000, 1000, 500]);
    assert!(pages[0]["cursors"].get("before").is_none());
    assert!(pages[2]["cursors"].get("after").is_none());
    assert!(pages[2]["cursors"]["before"].is_string());
    let row = &pages[0]["results"][0];
    assert_eq!(
        keys(row),
        sorted(&[
            "clientName",
            "httpMethod",
            "templateUri",
            "date",
            "status200",
            "status300",
            "status400",
            "status500",
            "status429"
        ])
    );
    // The default page size is 100; pageSize above 1000 is rejected.
    let default = search_pages(&mut s, "/_s/rows=150", None);
    assert_eq!(default[0]["results"].as_array().unwrap().len(), 100);
    let start = body(&post(
        &mut s,
        "/api/v2/usage/simplesearch",
        &json!({ "interval": "2026-05-01/2026-05-02" }),
        NOW,
    ));
    let uri = start["resultsUri"].as_str().unwrap();
    assert_eq!(
        get(&mut s, &format!("{uri}?pageSize=1001"), NOW + 5_000).status,
        400
    );
    assert_eq!(
        get(&mut s, &format!("{uri}?pageSize=0"), NOW + 5_000).status,
        400
    );
    assert_eq!(
        get(&mut s, &format!("{uri}?after=garbage!"), NOW + 5_000).status,
        400
    );
}

#[test]
fn simple_search_caps_at_20000_readable_records() {
    let mut s = sim();
    let pages = search_pages(&mut s, "/_s/rows=25000", Some(1000));
    let total: usize = pages
        .iter()
        .map(|p| p["results"].as_array().unwrap().len())
        .sum();
    assert_eq!(total, 20_000);
    assert_eq!(pages.len(), 20);
    assert!(pages.last().unwrap()["cursors"].get("after").is_none());
}

#[test]
fn simple_search_filters_real_data() {
    let mut s = sim();
    let req = json!({
        "interval": "2026-05-01T00:00:00Z/2026-05-08T00:00:00Z",
        "metrics": ["Date", "ClientName", "Status429"],
        "oauthClientNames": ["Usage Dashboard (PKCE)", "Nightly CRM sync"],
        "httpMethods": ["GET"],
        "templateUris": ["/api/v2/users/{userId}", "api/v2/usage/query/{executionId}/results"]
    });
    let start = post(&mut s, "/api/v2/usage/simplesearch", &req, NOW);
    let uri = body(&start)["resultsUri"].as_str().unwrap().to_string();
    let page = body(&get(&mut s, &format!("{uri}?pageSize=1000"), NOW + 5_000));
    let rows = page["results"].as_array().unwrap();
    assert_eq!(rows.len(), 14, "2 streams x 7 days");
    assert_eq!(keys(&rows[0]), sorted(&["date", "clientName", "status429"]));
    assert!(page.get("cursors").is_none());
}

#[test]
fn xss_scenario_names_one_client_like_an_html_injection() {
    let evil = "<img src=x onerror=alert(1)>";
    let mut s = sim();
    let req = json!({ "interval": "2026-05-01/2026-05-08", "groupBy": ["OAuthClientId"] });
    // Without the key, nobody has that name.
    let start = post(&mut s, "/api/v2/usage/query", &req, NOW);
    let plain = run_execution(&mut s, "", start);
    let names = |v: &Value| -> Vec<String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["clientName"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&plain).contains(&"Nightly CRM sync".to_string()));
    assert!(!names(&plain).contains(&evil.to_string()));
    // Legacy organization usage, one client's usage, simple search and jobs.
    let p = "/_s/xss=1";
    let start = post(&mut s, &format!("{p}/api/v2/usage/query"), &req, NOW);
    let done = run_execution(&mut s, p, start);
    assert!(names(&done).contains(&evil.to_string()));
    assert!(!names(&done).contains(&"Nightly CRM sync".to_string()));
    let client = "7de3af06-c0b3-4f9b-af45-72f4a14037cc";
    let start = post(
        &mut s,
        &format!("{p}/api/v2/oauth/clients/{client}/usage/query"),
        &req,
        NOW,
    );
    let done = run_execution(&mut s, p, start);
    assert!(names(&done).iter().all(|n| n == evil), "{done}");
    let search = json!({
        "interval": "2026-05-01T00:00:00Z/2026-05-03T00:00:00Z",
        "metrics": ["Date", "ClientName", "Status200"],
        "oauthClientNames": [evil],
    });
    let start = post(
        &mut s,
        &format!("{p}/api/v2/usage/simplesearch"),
        &search,
        NOW,
    );
    assert_eq!(start.status, 202, "{}", start.body);
    let uri = body(&start)["resultsUri"].as_str().unwrap().to_string();
    let page = body(&get(&mut s, &format!("{p}{uri}"), NOW + 5_000));
    assert!(!names(&page).is_empty());
    assert!(names(&page).iter().all(|n| n == evil));
    let job = json!({ "interval": "2026-05-01T00:00:00Z/2026-05-08T00:00:00Z", "groupBy": ["OauthClientId"] });
    let start = post(
        &mut s,
        &format!("{p}/api/v2/usage/aggregates/query/jobs"),
        &job,
        NOW,
    );
    assert_eq!(start.status, 202, "{}", start.body);
    let uri = body(&start)["resultsUri"].as_str().unwrap().to_string();
    let done = body(&get(
        &mut s,
        &format!("{p}{uri}?pageSize=1000"),
        NOW + 5_000,
    ));
    let job_names: Vec<&str> = done["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["oauthClient"]["name"].as_str())
        .collect();
    assert!(job_names.contains(&evil), "{done}");
}

#[test]
fn repeat_scenario_repeats_the_second_pages_cursor() {
    let mut s = sim();
    let pages = search_pages(&mut s, "/_s/rows=5000;repeat=1", Some(1000));
    assert_eq!(pages.len(), 3, "the loop stops when the cursor repeats");
    assert_eq!(pages[1]["cursors"]["after"], pages[2]["cursors"]["after"]);
    assert_ne!(pages[0]["cursors"]["after"], pages[1]["cursors"]["after"]);
}

// ----- aggregates jobs ------------------------------------------------------

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
    assert_eq!(row["organizationId"], super::data::HOME_ORG_ID);
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

// ----- faults ---------------------------------------------------------------

#[test]
fn r429_with_and_without_retry_after() {
    let mut s = sim();
    let r = get(&mut s, "/_s/id=a;r429=2;ra=1;wait=3/api/v2/tokens/me", NOW);
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), Some("3"));
    let b = body(&r);
    assert_eq!(b["code"], "too.many.requests");
    assert_eq!(
        b["message"],
        "Rate limit exceeded the maximum. Retry the request in [3] seconds"
    );
    assert_eq!(
        get(&mut s, "/_s/id=a;r429=2;ra=1;wait=3/api/v2/tokens/me", NOW).status,
        429
    );
    assert_eq!(
        get(&mut s, "/_s/id=a;r429=2;ra=1;wait=3/api/v2/tokens/me", NOW).status,
        200
    );
    assert_eq!(s.stats("a").rate_limited, 2);

    let r = get(&mut s, "/_s/r429=1/api/v2/tokens/me", NOW);
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), None);
    assert!(body(&r)["message"]
        .as_str()
        .unwrap()
        .contains("[2] seconds"));
    for h in [
        "inin-ratelimit-allowed",
        "inin-ratelimit-count",
        "inin-ratelimit-reset",
        "ININ-Correlation-Id",
    ] {
        assert!(r.header(h).is_some(), "{h}");
    }
}

#[test]
fn e5xx_and_faultafter() {
    let mut s = sim();
    let r = get(&mut s, "/_s/e5xx=1/api/v2/tokens/me", NOW);
    assert_eq!(r.status, 503);
    assert_eq!(body(&r)["status"], 503);
    assert_eq!(get(&mut s, "/_s/e5xx=1/api/v2/tokens/me", NOW).status, 200);
    assert_eq!(
        get(&mut s, "/_s/e5xx=2;code=502/v7/quotas", NOW).status,
        502
    );
    let te = get(&mut s, "/_s/e5xx=2;code=502/v7/quotas", NOW);
    assert_eq!(te.header("content-type"), Some("application/problem+json"));
    let p = "/_s/faultafter=2;r429=1/api/v2/tokens/me";
    let statuses: Vec<u16> = (0..4).map(|_| get(&mut s, p, NOW).status).collect();
    assert_eq!(statuses, vec![200, 200, 429, 200]);
}

#[test]
fn auth_failures_expire_deny_html_trunc() {
    let mut s = sim();
    let no_token = s.handle(&HttpRequest::new(Method::Get, "/api/v2/tokens/me"), NOW);
    assert_eq!(no_token.status, 401);
    let b = body(&no_token);
    assert_eq!(b["code"], "authentication.required");
    assert_eq!(
        b["message"],
        "No authentication bearer token specified in authorization header."
    );
    let with = |t: &str| {
        HttpRequest::new(Method::Get, "/api/v2/tokens/me")
            .header("Authorization", format!("Bearer {t}"))
    };
    assert_eq!(
        body(&s.handle(&with("invalid-x"), NOW))["code"],
        "bad.credentials"
    );
    assert_eq!(
        body(&s.handle(&with("expired-x"), NOW))["code"],
        "credentials.expired"
    );
    let te = s.handle(&HttpRequest::new(Method::Get, "/v7/usage"), NOW);
    assert_eq!(te.status, 401);
    assert_eq!(
        body(&te),
        json!({ "error": "invalid_token", "error_description": "Invalid access token" })
    );
    assert!(te.header("X-Organization-Rate-Limit-Limit").is_some());

    let statuses: Vec<u16> = (0..3)
        .map(|_| get(&mut s, "/_s/expire=2/api/v2/tokens/me", NOW).status)
        .collect();
    assert_eq!(statuses, vec![200, 200, 401]);
    assert_eq!(
        body(&get(&mut s, "/_s/expire=2/api/v2/tokens/me", NOW))["code"],
        "credentials.expired"
    );
    assert_eq!(
        body(&get(&mut s, "/_s/expire=0/v7/usage", NOW))["error"],
        "invalid_token"
    );

    let d = get(&mut s, "/_s/deny=1/api/v2/usage/query/x/results", NOW);
    assert_eq!(d.status, 403);
    assert_eq!(
        body(&d)["message"],
        "Unable to perform the requested action. You must have at least one of the following permissions assigned: [oauth:client:view, usage:organization:view]"
    );
    let d = body(&get(
        &mut s,
        "/_s/deny=1/api/v2/usage/client/c/aggregates/query/jobs/j",
        NOW,
    ));
    assert_eq!(d["code"], "missing.permissions");
    assert!(d["message"].as_str().unwrap().contains("usage:client:view"));
    assert_eq!(get(&mut s, "/_s/deny=1/api/v2/tokens/me", NOW).status, 200);
    let d = get(&mut s, "/_s/deny=1/v7/usage", NOW);
    assert_eq!(d.status, 403);
    assert_eq!(
        body(&d)["title"],
        "Insufficient permissions to query endpoint"
    );

    for url in ["/_s/html=1/api/v2/tokens/me", "/_s/html=1/v7/usage"] {
        let h = get(&mut s, url, NOW);
        assert_eq!(h.status, 200);
        assert!(h.header("content-type").unwrap().starts_with("text/html"));
        assert!(h.body.contains("<form"));
    }
    let t = get(&mut s, "/_s/trunc=1/v7/quotas", NOW);
    assert_eq!(t.status, 200);
    assert!(serde_json::from_str::<Value>(&t.body).is_err());
    assert!(t.body.len() > 20);
}

#[test]
fn per_minute_limit_and_stats() {
    let mut s = sim();
    let p = "/_s/id=lim;limit=5/api/v2/tokens/me";
    let statuses: Vec<u16> = (0..10)
        .map(|i| get(&mut s, p, NOW + i * 100).status)
        .collect();
    assert_eq!(statuses.iter().filter(|st| **st == 429).count(), 5);
    assert_eq!(&statuses[..5], &[200; 5]);
    let r = get(&mut s, p, NOW + 2_000);
    assert_eq!(r.header("inin-ratelimit-allowed"), Some("5"));
    assert_eq!(r.header("inin-ratelimit-count"), Some("11"));
    assert_eq!(r.header("inin-ratelimit-reset"), Some("58"));
    // The window rolls over after a minute.
    assert_eq!(get(&mut s, p, NOW + 61_000).status, 200);
    let st = s.stats("lim");
    assert_eq!(st.requests, 12);
    assert_eq!(st.rate_limited, 6);
    assert_eq!(
        st.max_per_minute, 11,
        "the last request came after the first eleven left the window"
    );
    assert_eq!(st.last_paths.len(), 12);
    assert_eq!(st.last_paths[0], "/api/v2/tokens/me");
    // TE: 240 by default, reset as epoch seconds.
    let r = get(&mut s, "/v7/quotas", NOW);
    assert_eq!(r.header("X-Organization-Rate-Limit-Limit"), Some("240"));
    assert_eq!(r.header("X-Organization-Rate-Limit-Remaining"), Some("239"));
    assert_eq!(
        r.header_u64("X-Organization-Rate-Limit-Reset"),
        Some(NOW / 1000 + 60)
    );
    // The stats endpoint serves the same numbers as JSON.
    let j = body(&s.handle(&HttpRequest::new(Method::Get, "/_sim/stats?id=lim"), NOW));
    assert_eq!(j["requests"], 12);
    assert_eq!(j["rateLimited"], 6);
    assert_eq!(j["maxPerMinute"], 11);
    assert_eq!(j["lastPaths"].as_array().unwrap().len(), 12);
    let h = s.handle(
        &HttpRequest::new(Method::Get, "http://127.0.0.1:1/_sim/health"),
        NOW,
    );
    assert_eq!((h.status, h.body.as_str()), (200, "ok"));
}

#[test]
fn te_429_has_reset_and_no_retry_after() {
    let mut s = sim();
    let r = get(&mut s, "/_s/r429=1;ra=1;wait=7/v7/usage/units/tests", NOW);
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), None);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(
        r.header_u64("X-Organization-Rate-Limit-Reset"),
        Some(NOW / 1000 + 7)
    );
    assert_eq!(r.header("X-Organization-Rate-Limit-Remaining"), Some("0"));
    let b = body(&r);
    assert_eq!(b["title"], "Exhausted rate limit for the organization");
    assert_eq!(b["instance"], "/v7/usage/units/tests");
    assert_eq!(b["type"], "about:blank");
    let limited: Vec<u16> = (0..4)
        .map(|_| get(&mut s, "/_s/limit=2/v7/quotas", NOW).status)
        .collect();
    assert_eq!(limited, vec![200, 200, 429, 429]);
}

#[test]
fn scenarios_are_isolated() {
    let mut s = sim();
    assert_eq!(
        get(&mut s, "/_s/id=a;r429=1/api/v2/tokens/me", NOW).status,
        429
    );
    assert_eq!(get(&mut s, "/_s/id=b/api/v2/tokens/me", NOW).status, 200);
    assert_eq!(get(&mut s, "/api/v2/tokens/me", NOW).status, 200);
    let start = body(&post(
        &mut s,
        "/_s/id=a/api/v2/usage/query",
        &json!({ "interval": "2026-06-01/2026-06-02" }),
        NOW,
    ));
    let uri = start["resultsUri"].as_str().unwrap();
    assert_eq!(
        get(&mut s, &format!("/_s/id=b{uri}"), NOW + 5_000).status,
        404
    );
    assert_eq!(
        get(&mut s, &format!("/_s/id=a{uri}"), NOW + 5_000).status,
        200
    );
    assert_eq!(s.stats("a").requests, 3);
    assert_eq!(s.stats("b").requests, 2);
    assert_eq!(s.stats("default").requests, 1);
    assert_eq!(s.stats("nobody").requests, 0);
    // The same seed gives the same ids and data.
    let mut t = sim();
    let again = body(&post(
        &mut t,
        "/_s/id=a/api/v2/usage/query",
        &json!({ "interval": "2026-06-01/2026-06-02" }),
        NOW,
    ));
    assert_eq!(again["executionId"], start["executionId"]);
}

// ----- OAuth ----------------------------------------------------------------

fn authorize(s: &mut Sim, query: &str) -> HttpResponse {
    s.handle(
        &HttpRequest::new(
            Method::Get,
            format!("https://login.demo.invalid/oauth/authorize?{query}"),
        ),
        NOW,
    )
}

fn exchange(s: &mut Sim, form: &str) -> HttpResponse {
    let req = HttpRequest::new(Method::Post, "/oauth/token")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    s.handle(
        &HttpRequest {
            body: Some(form.to_string()),
            ..req
        },
        NOW + 1000,
    )
}

#[test]
fn pkce_authorize_and_token_exchange() {
    let mut s = sim();
    let verifier = "a".repeat(20) + &"B-._~9".repeat(5);
    let challenge = pkce_challenge_s256(&verifier);
    let redirect = "http://127.0.0.1:8080/callback";
    let q = format!(
        "client_id=my-app&redirect_uri={}&response_type=code&code_challenge={challenge}&code_challenge_method=S256&state=xyz%201",
        crate::http::percent_encode(redirect)
    );
    let r = authorize(&mut s, &q);
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap().to_string();
    assert!(
        loc.starts_with("http://127.0.0.1:8080/callback?code="),
        "{loc}"
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("xyz 1"));
    let code = query_param(&loc, "code").unwrap();
    let form = |code: &str, verifier: &str| {
        format!(
            "grant_type=authorization_code&code={code}&code_verifier={verifier}&client_id=my-app&redirect_uri={}",
            crate::http::percent_encode(redirect)
        )
    };
    let ok = exchange(&mut s, &form(&code, &verifier));
    assert_eq!(ok.status, 200, "{}", ok.body);
    let t = body(&ok);
    assert_eq!(
        keys(&t),
        sorted(&["access_token", "token_type", "expires_in"])
    );
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["expires_in"], 86399);
    let token = t["access_token"].as_str().unwrap().to_string();
    // The code works once.
    let again = exchange(&mut s, &form(&code, &verifier));
    assert_eq!(again.status, 400);
    assert_eq!(body(&again)["error"], "invalid_grant");
    // A wrong verifier fails.
    let r = authorize(&mut s, &q);
    let code2 = query_param(r.header("Location").unwrap(), "code").unwrap();
    assert_ne!(code, code2);
    let bad = exchange(&mut s, &form(&code2, &"x".repeat(43)));
    assert_eq!(bad.status, 400);
    assert_eq!(body(&bad)["error"], "invalid_grant");
    assert!(body(&bad)["error_description"].is_string());
    // The token works and tokens/me knows its client.
    let me = s.handle(
        &HttpRequest::new(Method::Get, "/api/v2/tokens/me")
            .header("Authorization", format!("Bearer {token}")),
        NOW,
    );
    assert_eq!(me.status, 200);
    let m = body(&me);
    assert_eq!(m["OAuthClient"]["id"], "my-app");
    assert_eq!(
        keys(&m),
        sorted(&[
            "organization",
            "homeOrganization",
            "OAuthClient",
            "authorizedScope"
        ])
    );
    assert!(m["organization"]["id"].is_string() && m["organization"]["name"].is_string());
    // The vendor's models: `NamedEntity` organizations and an `OrgOAuthClient`,
    // neither with a `selfUri`.
    assert_eq!(keys(&m["organization"]), sorted(&["id", "name"]));
    assert_eq!(m["homeOrganization"], m["organization"]);
    assert_eq!(
        keys(&m["OAuthClient"]),
        sorted(&["id", "name", "organization"])
    );
    // Nothing secret reaches the stats.
    let st = s.stats("");
    assert!(st
        .last_paths
        .iter()
        .all(|p| !p.contains(&code) && !p.contains(&token)));
    assert!(!serde_json::to_string(&st).unwrap().contains(&token));
}

#[test]
fn authorize_errors_and_implicit_grant() {
    let mut s = sim();
    let r = authorize(
        &mut s,
        "client_id=my-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&state=s1",
    );
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap();
    assert_eq!(
        query_param(loc, "error").as_deref(),
        Some("invalid_request")
    );
    assert!(query_param(loc, "error_description").is_some());
    assert_eq!(query_param(loc, "state").as_deref(), Some("s1"));
    let r = authorize(
        &mut s,
        "client_id=my-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=id_token",
    );
    assert_eq!(
        query_param(r.header("Location").unwrap(), "error").as_deref(),
        Some("unsupported_response_type")
    );
    let r = authorize(&mut s, "client_id=my-app&response_type=code");
    assert_eq!(r.status, 400);
    let r = authorize(
        &mut s,
        "client_id=a&redirect_uri=https%3A%2F%2Fx%0D%0ASet-Cookie%3A1&response_type=token",
    );
    assert_eq!(r.status, 400);
    let r = authorize(
        &mut s,
        "client_id=my-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=token&state=st",
    );
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap();
    let (base, fragment) = loc.split_once('#').unwrap();
    assert_eq!(base, "https://app.example/cb");
    let f = format!("?{fragment}");
    assert!(query_param(&f, "access_token").unwrap().starts_with("sim-"));
    assert_eq!(query_param(&f, "expires_in").as_deref(), Some("86399"));
    assert_eq!(query_param(&f, "token_type").as_deref(), Some("bearer"));
    assert_eq!(query_param(&f, "state").as_deref(), Some("st"));
    // Token endpoint errors.
    assert_eq!(
        body(&exchange(&mut s, "grant_type=client_credentials"))["error"],
        "unsupported_grant_type"
    );
    assert_eq!(
        body(&exchange(&mut s, "grant_type=authorization_code&code=x"))["error"],
        "invalid_request"
    );
    assert_eq!(
        body(&exchange(
            &mut s,
            "grant_type=authorization_code&code=x&code_verifier=y&client_id=c&redirect_uri=r"
        ))["error"],
        "invalid_grant"
    );
}

// ----- ThousandEyes ---------------------------------------------------------

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

fn follow_te(s: &mut Sim, prefix: &str, first: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut url = format!("{prefix}{first}");
    loop {
        let r = get(s, &url, NOW);
        assert_eq!(r.status, 200, "{url}: {}", r.body);
        let p = body(&r);
        let next = p["_links"]["next"]["href"].as_str().map(str::to_string);
        pages.push(p);
        match next {
            Some(n) if pages.len() < 50 => {
                assert!(n.starts_with("https://api.thousandeyes.com/v7/"), "{n}");
                let next_url = format!("{prefix}{}", path_and_query(&n));
                if next_url == url {
                    break; // the loop guard a client needs against a repeated cursor
                }
                url = next_url;
            }
            _ => break,
        }
    }
    pages
}

#[test]
fn te_tests_units_page_with_absolute_next_links() {
    let mut s = sim();
    let first = "/v7/usage/units/tests?aid=1234&startDate=2026-06-01T00:00:00Z&endDate=2026-06-09T00:00:00Z";
    let pages = follow_te(&mut s, "", first);
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["breakdowns"].as_array().unwrap().len(), 50);
    assert_eq!(pages[1]["breakdowns"].as_array().unwrap().len(), 10);
    let next = pages[0]["_links"]["next"]["href"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("https://api.thousandeyes.com{first}&cursor=")),
        "{next}"
    );
    assert!(
        next.ends_with("%3D"),
        "padded base64, percent-encoded: {next}"
    );
    assert_eq!(
        pages[0]["_links"]["self"]["href"],
        format!("https://api.thousandeyes.com{first}")
    );
    assert!(pages[1]["_links"].get("next").is_none());
    assert!(pages[1]["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .contains("cursor="));
    let row = &pages[0]["breakdowns"][0];
    assert_eq!(
        keys(row),
        sorted(&[
            "testId",
            "testName",
            "testType",
            "enterpriseUnitsUsed",
            "enterpriseUnitsProjected",
            "cloudUnitsUsed",
            "cloudUnitsProjected",
            "aid",
            "accountGroupName",
            "isInstantTest"
        ])
    );
    assert_eq!(row["testId"], "1158");
    let all: Vec<&Value> = pages
        .iter()
        .flat_map(|p| p["breakdowns"].as_array().unwrap())
        .collect();
    assert!(all.iter().any(|r| r["isInstantTest"] == true));
    let types: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|r| r["testType"].as_str().unwrap())
        .collect();
    assert!(types.len() >= 5, "{types:?}");
    // Re-issuing with the cursor and the same dates works (the SDKs' way).
    let cursor = query_param(next, "cursor").unwrap();
    let again = get(
        &mut s,
        &format!("{first}&cursor={}", crate::http::percent_encode(&cursor)),
        NOW,
    );
    assert_eq!(body(&again)["breakdowns"], pages[1]["breakdowns"]);
    // The cursor belongs to its query.
    let other = format!(
        "/v7/usage/units/tests?startDate=2026-06-02T00:00:00Z&cursor={}",
        crate::http::percent_encode(&cursor)
    );
    assert_eq!(get(&mut s, &other, NOW).status, 400);
    assert_eq!(
        get(&mut s, "/v7/usage/units/tests?cursor=%%%", NOW).status,
        400
    );
    // tests= and tepage= control the rows and the page size.
    let pages = follow_te(&mut s, "/_s/tests=120;tepage=25", "/v7/usage/units/tests");
    assert_eq!(pages.len(), 5);
    let n: usize = pages
        .iter()
        .map(|p| p["breakdowns"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 120);
    let pages = follow_te(
        &mut s,
        "/_s/tests=200;tepage=10;repeat=1",
        "/v7/usage/units/tests",
    );
    assert_eq!(
        pages.len(),
        3,
        "the third page's next link repeats the second page's cursor"
    );
}

#[test]
fn te_date_rules() {
    let mut s = sim();
    let bad = [
        "/v7/usage/units/tests?endDate=2026-06-09T00:00:00Z",
        "/v7/usage/units/tests?startDate=2026-06-09",
        "/v7/usage/units/tests?startDate=2026-06-09T00:00Z",
        "/v7/usage/units/tests?startDate=2026-06-09T00:00:00+00:00",
        "/v7/usage/units/tests?startDate=2026-06-09T00:00:00Z&endDate=2026-06-01T00:00:00Z",
        "/v7/usage/units/enterprise-agents?startDate=2026-06-09T00:00:00.000X",
    ];
    for url in bad {
        let r = get(&mut s, url, NOW);
        assert_eq!(r.status, 400, "{url}");
        assert_eq!(body(&r)["status"], 400);
    }
    // The vendor's Python SDK sends fractions and numeric offsets (`%2B` is an
    // escaped `+`; a bare `+` in a query is a space): the same instants.
    for path in ["/v7/usage/units/tests", "/v7/usage/units/enterprise-agents"] {
        let z = body(&get(
            &mut s,
            &format!("{path}?startDate=2026-06-01T00:00:00Z&endDate=2026-06-09T00:00:00Z"),
            NOW,
        ));
        for (start, end) in [
            (
                "2026-06-01T00:00:00.000000%2B0000",
                "2026-06-09T00:00:00.000000%2B0000",
            ),
            (
                "2026-06-01T02:00:00.000000%2B0200",
                "2026-06-08T20:00:00-04:00",
            ),
            ("2026-06-01T00:00:00.000Z", "2026-06-09T00:00:00.000000"),
        ] {
            let r = get(
                &mut s,
                &format!("{path}?startDate={start}&endDate={end}"),
                NOW,
            );
            assert_eq!(r.status, 200, "{path} {start} {end}");
            assert_eq!(
                body(&r)["breakdowns"],
                z["breakdowns"],
                "{path} {start} {end}"
            );
        }
    }
    let only_start = body(&get(
        &mut s,
        "/v7/usage/units/tests?startDate=2026-06-01T00:00:00Z",
        NOW,
    ));
    let both = body(&get(
        &mut s,
        "/v7/usage/units/tests?startDate=2026-06-01T00:00:00Z&endDate=2026-06-02T00:00:00Z",
        NOW,
    ));
    let used = |v: &Value| v["breakdowns"][0]["cloudUnitsUsed"].as_u64().unwrap();
    assert!(used(&only_start) > used(&both) * 5);
    // A range in the future has no usage yet but still the period projection.
    let future = body(&get(
        &mut s,
        "/v7/usage/units/tests?startDate=2027-01-01T00:00:00Z&endDate=2027-02-01T00:00:00Z",
        NOW,
    ));
    assert_eq!(used(&future), 0);
    assert!(
        future["breakdowns"][0]["cloudUnitsProjected"]
            .as_u64()
            .unwrap()
            > 0
    );
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

// ----- robustness -----------------------------------------------------------

#[test]
fn handle_never_panics_on_garbage() {
    let mut s = sim().with_default_exec_ms(0);
    let paths = [
        "",
        "/",
        "?",
        "#",
        "//",
        "/_s/",
        "/_s",
        "/_s/;;;==;",
        "/_s/exec=99999999999999999999999/api/v2/usage/query",
        "/_s/%ZZ/api/v2/tokens/me",
        "/_s/r429=18446744073709551615;wait=18446744073709551615/api/v2/tokens/me",
        "/api/v2",
        "/api/v2/",
        "/api/v2/usage/query//results",
        "/api/v2/usage/query/%FF%FE/results",
        "/api/v2/usage/simplesearch/x/results?pageSize=-1&after=%",
        "/api/v2/oauth/clients/%00/usage/summary?days=0",
        "/api/v2/oauth/clients/é/usage/summary?days=99999999999999999999",
        "/v7",
        "/v7/",
        "/v7/usage?expand=,,,",
        "/v7/usage/units/tests?startDate=9999-12-31T23:59:59Z",
        "/v7/usage/units/tests?startDate=0000-01-01T00:00:00Z",
        "/v7/usage/units/tests?cursor=eyJwYWdlIjoxfQ==",
        "/oauth/authorize",
        "/oauth/authorize?redirect_uri=http://",
        "/oauth/token",
        "/_sim/",
        "/_sim/stats",
        "/_sim/stats?id=%",
        "ftp://x",
        "https://",
        "http://h:1?x#y",
        "/api/v2/usage/aggregates/query/jobs/x?after=eyJwYWdlIjo5LCJvZmZzZXQiOjk5OTk5OTk5OX0",
    ];
    let bodies = [
        "",
        "{",
        "[]",
        "null",
        "{\"interval\":null}",
        "{\"interval\":5}",
        "{\"interval\":\"/\"}",
        "{\"interval\":\"0000-01-01/9999-12-31\"}",
        "{\"interval\":\"9999-12-31T23:59:59+23:59/9999-12-31T23:59:59-23:59\"}",
        "{\"interval\":\"2026-06-01/2026-06-02\",\"metrics\":[1,2]}",
        "{\"interval\":\"2026-06-01/2026-06-02\",\"groupBy\":{}}",
        "{\"interval\":\"2026-06-01/2026-06-02\",\"sortBy\":[1]}",
        "grant_type=authorization_code&code=%",
        "\u{0}\u{1}\u{ffff}",
    ];
    let nows = [0, 1, NOW, u64::MAX / 2, u64::MAX];
    // Hostile cursors: huge page numbers and offsets.
    let huge = crate::encoding::base64url(b"{\"page\":18446744073709551615,\"offset\":1}");
    for prefix in ["", "/_s/rows=30"] {
        let start = post(
            &mut s,
            &format!("{prefix}/api/v2/usage/simplesearch"),
            &json!({ "interval": "2026-06-01/2026-06-02" }),
            NOW,
        );
        let uri = body(&start)["resultsUri"].as_str().unwrap().to_string();
        let r = get(
            &mut s,
            &format!("{prefix}{uri}?pageSize=1&after={huge}"),
            NOW + 5_000,
        );
        assert!(r.status == 200 || r.status == 400);
        let start = post(
            &mut s,
            &format!("{prefix}/api/v2/usage/aggregates/query/jobs"),
            &json!({ "interval": "2026-06-01/2026-06-02" }),
            NOW,
        );
        let uri = body(&start)["resultsUri"].as_str().unwrap().to_string();
        let r = get(
            &mut s,
            &format!("{prefix}{uri}?pageSize=1&after={huge}"),
            NOW + 5_000,
        );
        assert!(r.status == 200 || r.status == 400);
    }
    let first = body(&get(&mut s, "/_s/tepage=5/v7/usage/units/tests", NOW));
    let next = first["_links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let raw = crate::encoding::base64_decode(&query_param(&next, "cursor").unwrap()).unwrap();
    let mut c: Value = serde_json::from_slice(&raw).unwrap();
    c["page"] = json!(u64::MAX);
    let te_huge = crate::encoding::base64_std(c.to_string().as_bytes());
    let url = format!(
        "/_s/tepage=5/v7/usage/units/tests?cursor={}",
        crate::http::percent_encode(&te_huge)
    );
    assert_eq!(get(&mut s, &url, NOW).status, 200);
    for (i, p) in paths.iter().enumerate() {
        for method in [Method::Get, Method::Post] {
            for b in bodies.iter().take(if method == Method::Post {
                bodies.len()
            } else {
                1
            }) {
                let now = nows[i % nows.len()];
                let mut req = HttpRequest::new(method, *p).header("Authorization", TOKEN);
                req.body = Some(b.to_string());
                let _ = s.handle(&req, now);
                for suffix in [
                    "/api/v2/usage/query",
                    "/api/v2/usage/simplesearch",
                    "/api/v2/usage/aggregates/query/jobs",
                    "/oauth/token",
                ] {
                    let mut req = HttpRequest::new(method, format!("{p}{suffix}"));
                    req.body = Some(b.to_string());
                    let r = s.handle(&req.header("Authorization", "Bearer  "), now);
                    // Junk is never a server error; and where the path reaches an
                    // endpoint, nothing succeeds without a token.
                    let target = format!("{p}{suffix}");
                    let (_, rest) = super::split_scenario(crate::http::path_and_query(&target));
                    let endpoint = crate::http::path_of(rest);
                    let expected = if endpoint.starts_with("/api/v2/") || endpoint == "/oauth/token"
                    {
                        400..500
                    } else {
                        200..500
                    };
                    assert!(
                        expected.contains(&r.status),
                        "{method} {target} with a blank token and {b:?}: {}",
                        r.status
                    );
                }
            }
        }
    }
    for b in bodies {
        for suffix in [
            "/api/v2/usage/query",
            "/api/v2/usage/simplesearch",
            "/api/v2/usage/aggregates/query/jobs",
            "/oauth/token",
        ] {
            let mut ok = HttpRequest::new(Method::Post, format!("/_s/bodies{suffix}"))
                .header("Authorization", TOKEN);
            ok.body = Some(b.to_string());
            // Accepted, or refused as a bad request: never a server error.
            let status = s.handle(&ok, NOW).status;
            assert!(
                matches!(status, 200 | 202 | 400),
                "POST {suffix} with {b:?}: {status}"
            );
        }
    }
    // Intervals from year 1 and absurd clocks are clamped (data starts in 2018).
    let r = post(
        &mut s,
        "/_s/long/api/v2/usage/query",
        &json!({ "interval": "0001-01-01/2018-12-31", "granularity": "Month" }),
        u64::MAX,
    );
    let uri = body(&r)["resultsUri"].as_str().unwrap().to_string();
    let done = get(&mut s, &format!("/_s/long{uri}"), u64::MAX);
    assert_eq!(done.status, 200);
    let rows = body(&done)["results"].as_array().unwrap().len();
    assert_eq!(rows, 12 * 12, "12 clients x 12 months of 2018");
}

#[test]
fn dropped_connections_are_injected_counted_and_can_wait_for_successes() {
    let mut s = sim();
    let url = "/_s/id=drops;drop=2/v7/quotas";
    assert_eq!(get(&mut s, url, NOW).status, super::DROPPED);
    assert_eq!(get(&mut s, url, NOW).status, super::DROPPED);
    assert_eq!(get(&mut s, url, NOW).status, 200);
    let st = s.stats("drops");
    assert_eq!((st.requests, st.dropped), (3, 2));
    // faultafter=1: the first request is answered, the second dropped.
    let url = "/_s/id=later;drop=1;faultafter=1/v7/quotas";
    assert_eq!(get(&mut s, url, NOW).status, 200);
    assert_eq!(get(&mut s, url, NOW).status, super::DROPPED);
    assert_eq!(get(&mut s, url, NOW).status, 200);
    assert_eq!(s.stats("later").dropped, 1);
}

#[test]
fn stalled_answers_carry_their_delay_and_are_counted() {
    let mut s = sim();
    let mut first = get(&mut s, "/_s/id=stalls;stall=1;stallms=700/v7/quotas", NOW);
    assert_eq!(first.status, 200);
    assert_eq!(super::take_stall(&mut first), Some(700));
    assert!(
        first.header(super::STALL_HEADER).is_none(),
        "removed once taken"
    );
    let mut second = get(&mut s, "/_s/id=stalls;stall=1;stallms=700/v7/quotas", NOW);
    assert_eq!(super::take_stall(&mut second), None);
    assert_eq!(s.stats("stalls").stalled, 1);
    let mut default = get(&mut s, "/_s/id=stall-default;stall=1/v7/quotas", NOW);
    assert_eq!(super::take_stall(&mut default), Some(5_000));
    // A client that gives up is counted in its own scenario only.
    let req = HttpRequest::new(
        Method::Get,
        format!("{HOST}/_s/id=stalls;stall=1;stallms=700/v7/quotas"),
    );
    s.record_client_abort(&req);
    assert_eq!(s.stats("stalls").client_aborts, 1);
    assert_eq!(s.stats("stall-default").client_aborts, 0);
}

#[test]
fn a_short_rate_window_resets_early() {
    let mut s = sim();
    let url = "/_s/id=win;limit=2;windowms=2000/v7/quotas";
    let first = get(&mut s, url, NOW);
    assert_eq!(
        first.header("X-Organization-Rate-Limit-Reset"),
        Some(((NOW + 2_000) / 1000).to_string().as_str())
    );
    assert_eq!(get(&mut s, url, NOW + 100).status, 200);
    assert_eq!(get(&mut s, url, NOW + 200).status, 429);
    assert_eq!(get(&mut s, url, NOW + 2_000).status, 200, "a new window");
    let g = "/_s/id=gwin;limit=1;windowms=3000/api/v2/usage/query/x/results";
    let r = get(&mut s, g, NOW);
    assert_eq!(r.header("inin-ratelimit-reset"), Some("3"));
    assert_eq!(get(&mut s, g, NOW + 10).status, 429);
    let st = s.stats("win");
    assert_eq!((st.rate_limited, st.server_errors), (1, 0));
}

#[test]
fn injected_server_errors_are_counted() {
    let mut s = sim();
    let url = "/_s/id=e5;e5xx=2;code=502/v7/quotas";
    assert_eq!(get(&mut s, url, NOW).status, 502);
    assert_eq!(get(&mut s, url, NOW).status, 502);
    assert_eq!(get(&mut s, url, NOW).status, 200);
    assert_eq!(s.stats("e5").server_errors, 2);
}

// ----- transport ------------------------------------------------------------

struct FakeClock(std::cell::Cell<u64>);

impl crate::http::Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
    async fn sleep(&self, ms: u64) -> Result<(), crate::http::TransportError> {
        self.0.set(self.0.get() + ms);
        Ok(())
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn sim_transport_waits_the_latency_on_the_clock() {
    use crate::http::Transport;
    let sim = Rc::new(RefCell::new(sim()));
    let clock = FakeClock(std::cell::Cell::new(NOW));
    let t = SimTransport::new(sim.clone(), &clock).with_latency_ms(250);
    let req = HttpRequest::new(Method::Get, "https://demo.invalid/_s/id=tr/v7/quotas")
        .header("Authorization", TOKEN);
    let resp = block_on(t.send(&req)).unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(clock.now_ms(), NOW + 250);
    assert_eq!(
        resp.header_u64("X-Organization-Rate-Limit-Reset"),
        Some((NOW + 250 + 60_000).div_ceil(1000))
    );
    assert_eq!(sim.borrow().stats("tr").requests, 1);
}
