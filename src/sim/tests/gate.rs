//! The gate both vendors share: injected faults, authentication, the
//! rate limit, stats and the isolation of scenarios.

use serde_json::{json, Value};

use crate::http::{HttpRequest, Method};
use crate::sim::tests::support::*;

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

#[test]
fn dropped_connections_are_injected_counted_and_can_wait_for_successes() {
    let mut s = sim();
    let url = "/_s/id=drops;drop=2/v7/quotas";
    assert_eq!(get(&mut s, url, NOW).status, crate::sim::DROPPED);
    assert_eq!(get(&mut s, url, NOW).status, crate::sim::DROPPED);
    assert_eq!(get(&mut s, url, NOW).status, 200);
    let st = s.stats("drops");
    assert_eq!((st.requests, st.dropped), (3, 2));
    // faultafter=1: the first request is answered, the second dropped.
    let url = "/_s/id=later;drop=1;faultafter=1/v7/quotas";
    assert_eq!(get(&mut s, url, NOW).status, 200);
    assert_eq!(get(&mut s, url, NOW).status, crate::sim::DROPPED);
    assert_eq!(get(&mut s, url, NOW).status, 200);
    assert_eq!(s.stats("later").dropped, 1);
}

#[test]
fn stalled_answers_carry_their_delay_and_are_counted() {
    let mut s = sim();
    let mut first = get(&mut s, "/_s/id=stalls;stall=1;stallms=700/v7/quotas", NOW);
    assert_eq!(first.status, 200);
    assert_eq!(crate::sim::take_stall(&mut first), Some(700));
    assert!(
        first.header(crate::sim::STALL_HEADER).is_none(),
        "removed once taken"
    );
    let mut second = get(&mut s, "/_s/id=stalls;stall=1;stallms=700/v7/quotas", NOW);
    assert_eq!(crate::sim::take_stall(&mut second), None);
    assert_eq!(s.stats("stalls").stalled, 1);
    let mut default = get(&mut s, "/_s/id=stall-default;stall=1/v7/quotas", NOW);
    assert_eq!(crate::sim::take_stall(&mut default), Some(5_000));
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
