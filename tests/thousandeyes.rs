//! The ThousandEyes client on a scripted transport and a virtual clock:
//! fixtures from the reference, paging by cursor on the client's own base
//! URL, 429 waits until the reset, errors and input checks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::rc::Rc;

use usage_lens::engine::{RetryPolicy, RunOptions};
use usage_lens::http::{path_and_query, query_param, HttpResponse};
use usage_lens::thousandeyes::*;
use usage_lens::transport::fake::{block_on, FakeTransport, VirtualClock};
use usage_lens::ErrorKind;

const T0: u64 = 1_781_020_800_000; // 2026-06-09T16:00:00Z

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/thousandeyes/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn client(
    fake: FakeTransport,
    clock: &VirtualClock,
    base: Option<&str>,
) -> Client<FakeTransport, VirtualClock> {
    Client::new(base, "te-secret", fake, clock.clone())
        .unwrap()
        .with_retry_policy(RetryPolicy::default().without_jitter())
}

fn range() -> TestsUnitsParams {
    TestsUnitsParams {
        aid: Some("1234".into()),
        start_date: Some("2026-06-01T00:00:00Z".into()),
        end_date: Some("2026-06-15T00:00:00Z".into()),
    }
}

#[test]
fn every_reference_example_decodes_with_its_values() {
    let u: Usage = serde_json::from_str(&fixture("get-usage.json")).unwrap();
    let d = u.usage.unwrap();
    let q = d.quota.unwrap();
    assert_eq!(q.cloud_units_included, Some(4_320_000_000));
    assert_eq!(q.month_start.as_deref(), Some("2020-01-05T08:00:00Z"));
    assert!(d.tests.is_empty());
    assert_eq!(
        u.links.unwrap().self_link.unwrap().href.as_deref(),
        Some("https://api.thousandeyes.com/v7/usage")
    );

    let e: Usage = serde_json::from_str(&fixture("get-usage.expanded.json")).unwrap();
    let d = e.usage.unwrap();
    assert_eq!(d.tests.len(), 2);
    assert_eq!(d.enterprise_agent_units.len(), 2);
    assert_eq!(
        d.endpoint_agents_essentials[1].endpoint_agents_essentials_used,
        Some(3)
    );
    assert_eq!(
        d.allocations.unwrap().allocations[0].allocated_units,
        Some(600)
    );

    let p1: TestsUsage = serde_json::from_str(&fixture("get-tests-units.page1.json")).unwrap();
    assert_eq!(p1.breakdowns.len(), 3);
    assert_eq!(p1.breakdowns[0].is_instant_test, Some(false));
    assert!(p1.links.unwrap().next.is_some());
    let p2: TestsUsage = serde_json::from_str(&fixture("get-tests-units.page2.json")).unwrap();
    assert!(p2.links.unwrap().next.is_none());

    let a: EnterpriseAgentsUsage =
        serde_json::from_str(&fixture("get-enterprise-agents-units.json")).unwrap();
    assert_eq!(a.breakdowns[2].agent_id, None);
    let q: Quotas = serde_json::from_str(&fixture("get-quotas.json")).unwrap();
    assert_eq!(
        q.quotas[0].organization_quota.as_ref().unwrap().value,
        Some(22_500)
    );

    for f in [
        "error-400.bad-expand.constructed.json",
        "error-400.validation.documented.json",
        "error-401.unauthorized.json",
        "error-403.forbidden.constructed.json",
        "error-404.not-found.documented.json",
        "error-429.rate-limited.constructed.json",
        "error-500.internal.documented.json",
        "error-legacy-shape.documented.json",
    ] {
        let p: Problem = serde_json::from_str(&fixture(f)).unwrap();
        assert!(p.summary().is_some(), "{f}");
    }
}

/// Serves page 1 then page 2 of the reference, with absolute links on api.thousandeyes.com.
fn paged(clock: &VirtualClock) -> FakeTransport {
    FakeTransport::new(clock.clone(), |req, _| {
        Ok(match query_param(&req.url, "cursor").as_deref() {
            None => HttpResponse::new(200, fixture("get-tests-units.page1.json")),
            Some("eyJvZmZzZXQiOjN9") => {
                HttpResponse::new(200, fixture("get-tests-units.page2.json"))
            }
            Some(other) => HttpResponse::new(400, format!(r#"{{"title":"bad cursor {other}"}}"#)),
        })
    })
}

#[test]
fn pages_are_merged_in_order_and_stay_on_the_clients_base_url() {
    let clock = VirtualClock::new(T0);
    let c = client(
        paged(&clock),
        &clock,
        Some("http://127.0.0.1:9999/te-proxy"),
    );
    let r = block_on(c.tests_units_usage(&range(), &RunOptions::default())).unwrap();
    let ids: Vec<_> = r
        .breakdowns
        .iter()
        .map(|b| b.test_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["1158", "1221", "7310", "8802", "9917"]);
    let urls = c.transport().urls();
    assert_eq!(urls.len(), 2);
    assert!(urls.iter().all(|u| u.starts_with("http://127.0.0.1:9999/te-proxy/v7/usage/units/tests?aid=1234&startDate=2026-06-01T00%3A00%3A00Z")));
    assert!(urls[1].ends_with("&cursor=eyJvZmZzZXQiOjN9"));
    assert_eq!(
        c.transport().requests()[0].1.header_value("accept"),
        Some("application/hal+json, application/json")
    );
}

#[test]
fn a_repeated_cursor_or_a_link_without_one_ends_the_walk() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |_, _| {
        // Always page 1: its next link names the same cursor forever.
        Ok(HttpResponse::new(
            200,
            fixture("get-tests-units.page1.json"),
        ))
    });
    let c = client(fake, &clock, None);
    let r = block_on(c.tests_units_usage(&range(), &RunOptions::default())).unwrap();
    assert_eq!(
        c.transport().urls().len(),
        2,
        "the repeated cursor is not followed"
    );
    assert_eq!(r.breakdowns.len(), 6);

    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |_, _| {
        Ok(HttpResponse::new(
            200,
            r#"{"breakdowns":[{"testId":"1"}],"_links":{"next":{"href":"https://api.thousandeyes.com/v7/usage/units/tests"}}}"#,
        ))
    });
    let c = client(fake, &clock, None);
    block_on(c.tests_units_usage(&TestsUnitsParams::default(), &RunOptions::default())).unwrap();
    assert_eq!(c.transport().urls().len(), 1);
}

#[test]
fn a_429_waits_until_the_reset_header() {
    let clock = VirtualClock::new(T0);
    let hits = Rc::new(Cell::new(0));
    let h = hits.clone();
    let fake = FakeTransport::new(clock.clone(), move |_, _| {
        h.set(h.get() + 1);
        Ok(if h.get() == 1 {
            HttpResponse::new(429, fixture("error-429.rate-limited.constructed.json"))
                .with_header("X-Organization-Rate-Limit-Limit", "240")
                .with_header("X-Organization-Rate-Limit-Remaining", "0")
                .with_header("X-Organization-Rate-Limit-Reset", "1781020860")
        } else {
            HttpResponse::new(200, fixture("get-enterprise-agents-units.json"))
        })
    });
    let c = client(fake, &clock, None);
    let r = block_on(c.enterprise_agent_units_usage(
        &EnterpriseAgentsUnitsParams::default(),
        &RunOptions::default(),
    ))
    .unwrap();
    assert_eq!(r.breakdowns.len(), 3);
    // Reset is 60 s after T0; a quarter second is added to land after it.
    assert_eq!(clock.sleeps(), [60_250]);
    assert_eq!(hits.get(), 2);
}

#[test]
fn a_429_without_headers_backs_off_and_gives_up_in_bounded_tries() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |_, _| {
        Ok(HttpResponse::new(
            429,
            fixture("error-429.rate-limited.constructed.json"),
        ))
    });
    let c = client(fake, &clock, None);
    let err = block_on(c.quotas(&RunOptions::default())).unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited);
    assert_eq!(&clock.sleeps()[..4], &[1_000, 2_000, 4_000, 8_000]);
    assert_eq!(clock.sleeps().len(), 10);
}

#[test]
fn a_low_remaining_header_pauses_the_next_request_until_the_reset() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |req, _| {
        Ok(match query_param(&req.url, "cursor") {
            None => HttpResponse::new(200, fixture("get-tests-units.page1.json"))
                .with_header("X-Organization-Rate-Limit-Remaining", "1")
                .with_header("X-Organization-Rate-Limit-Reset", "1781020830"),
            Some(_) => HttpResponse::new(200, fixture("get-tests-units.page2.json")),
        })
    });
    let c = client(fake, &clock, None);
    block_on(c.tests_units_usage(&range(), &RunOptions::default())).unwrap();
    let sent = c.transport().requests();
    assert_eq!(
        sent[1].0, 1_781_020_830_000,
        "page 2 waited for the window to reset"
    );
}

#[test]
fn errors_are_mapped_with_advice() {
    let cases = [
        (
            401,
            "error-401.unauthorized.json",
            ErrorKind::Unauthorized,
            "User API Tokens",
        ),
        (
            403,
            "error-403.forbidden.constructed.json",
            ErrorKind::Forbidden,
            "View organization usage",
        ),
        (
            404,
            "error-404.not-found.documented.json",
            ErrorKind::NotFound,
            "base URL",
        ),
        (
            400,
            "error-400.bad-expand.constructed.json",
            ErrorKind::Http,
            "expand",
        ),
        (
            500,
            "error-500.internal.documented.json",
            ErrorKind::Server,
            "server error",
        ),
    ];
    for (status, file, kind, words) in cases {
        let clock = VirtualClock::new(T0);
        let body = fixture(file);
        let fake = FakeTransport::new(clock.clone(), move |_, _| {
            Ok(HttpResponse::new(status, body.clone()))
        });
        let err = block_on(
            client(fake, &clock, None).usage(&UsageParams::default(), &RunOptions::default()),
        )
        .unwrap_err();
        assert_eq!(err.kind, kind, "{file}");
        assert!(err.message.contains(words), "{file}: {}", err.message);
        assert!(!err.message.contains("te-secret"));
        assert_eq!(err.status, Some(status));
    }
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |_, _| {
        Err(usage_lens::http::TransportError::Network(
            "Failed to fetch".into(),
        ))
    });
    let err =
        block_on(client(fake, &clock, None).usage(&UsageParams::default(), &RunOptions::default()))
            .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network);
    assert!(err.message.contains("CORS") && err.message.contains("proxy"));
}

#[test]
fn expand_is_one_comma_separated_parameter() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |_, _| {
        Ok(HttpResponse::new(200, fixture("get-usage.expanded.json")))
    });
    let c = client(fake, &clock, None);
    let params = UsageParams {
        aid: Some("1234".into()),
        expand: Some(vec![
            ExpandUsageOptions::Test,
            ExpandUsageOptions::EnterpriseAgentUnit,
        ]),
    };
    block_on(c.usage(&params, &RunOptions::default())).unwrap();
    assert_eq!(
        path_and_query(&c.transport().urls()[0]),
        "/v7/usage?aid=1234&expand=test%2Centerprise-agent-unit"
    );
    let bad = serde_json::from_str::<UsageParams>(r#"{"expand":["tests"]}"#)
        .unwrap_err()
        .to_string();
    assert!(bad.contains("enterprise-agent-unit"), "{bad}");
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let clock = VirtualClock::new(T0);
    let c = client(paged(&clock), &clock, None);
    let bad = [
        TestsUnitsParams {
            aid: Some("12a".into()),
            ..range()
        },
        TestsUnitsParams {
            start_date: Some("2026-06-01".into()),
            ..range()
        },
        TestsUnitsParams {
            start_date: Some("2026-06-20T00:00:00Z".into()),
            ..range()
        },
        TestsUnitsParams {
            start_date: None,
            ..range()
        },
    ];
    for p in bad {
        let err = block_on(c.tests_units_usage(&p, &RunOptions::default())).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{p:?}");
    }
    assert!(c.transport().urls().is_empty());
    assert!(Client::new(None, "", paged(&clock), clock.clone()).is_err());
    assert!(Client::new(Some("ftp://x"), "t", paged(&clock), clock.clone()).is_err());
    // Offsets are normalised to Z, so no `+` ever reaches the query string.
    let ok = check_range(Some("2026-06-01T02:00:00+02:00"), None).unwrap();
    assert_eq!(ok[0].1, "2026-06-01T00:00:00Z");
}

#[test]
fn dates_in_the_forms_the_vendors_python_sdk_sends_are_read() {
    // thousandeyes-sdk-usage formats datetimes as %Y-%m-%dT%H:%M:%S.%f%z,
    // so the API takes fractions and numeric offsets; an aware datetime gets
    // `+hhmm`, a naive one no zone at all (UTC).
    for (start, end) in [
        (
            "2026-06-01T00:00:00.000000+0000",
            "2026-06-15T00:00:00.000000+0000",
        ),
        (
            "2026-06-01T02:00:00.000000+0200",
            "2026-06-14T20:00:00.000000-0400",
        ),
        ("2026-06-01T00:00:00.000000", "2026-06-15T00:00:00.000000"),
    ] {
        let q = check_range(Some(start), Some(end)).unwrap();
        assert_eq!(
            q,
            vec![
                ("startDate", "2026-06-01T00:00:00Z".to_string()),
                ("endDate", "2026-06-15T00:00:00Z".to_string())
            ],
            "{start} {end}"
        );
    }
}
