//! Simple search: pages, the 20,000 cap, filters and the `xss=` and
//! `repeat=` scenarios.

use serde_json::{json, Value};

use crate::sim::tests::support::*;
use crate::sim::*;

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
