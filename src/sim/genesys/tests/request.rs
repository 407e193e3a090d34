//! Request validation: bodies refused the way the server refuses them.

use serde_json::{json, Value};

use crate::http::{HttpRequest, Method};
use crate::sim::tests::support::*;

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
