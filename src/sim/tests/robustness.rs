//! `Sim::handle` never panics, whatever it is sent.

use serde_json::{json, Value};

use crate::http::{query_param, HttpRequest, Method};
use crate::sim::tests::support::*;

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
        for endpoint in [
            "/api/v2/usage/simplesearch",
            "/api/v2/usage/aggregates/query/jobs",
        ] {
            let start = post(
                &mut s,
                &format!("{prefix}{endpoint}"),
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
                    let (_, rest) =
                        crate::sim::split_scenario(crate::http::path_and_query(&target));
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
