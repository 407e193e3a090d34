//! The paged unit breakdowns: links, cursors and the date rules.

use serde_json::Value;

use crate::http::{path_and_query, query_param};
use crate::sim::tests::support::*;
use crate::sim::*;

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
