//! The README's "When things go wrong" table, row by row, with its numbers,
//! natively on virtual time: the exact waits, the exact requests, the error
//! kind and the rows kept. Each test is named after the row it proves; the
//! README's table names these tests.
//!
//! Scripted answers come from a [`FakeTransport`]; flows that need real
//! paging, executions and rate windows run against the in-process simulator
//! through [`Logged`], which records when each request was sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use usage_lens::engine::{Phase, RateBudget, RetryPolicy, RunOptions};
use usage_lens::genesys::{self, *};
use usage_lens::http::{
    path_and_query, Clock, HttpRequest, HttpResponse, Method, Transport, TransportError,
};
use usage_lens::sim::{Sim, SimStats, SimTransport};
use usage_lens::thousandeyes::{self, TestsUnitsParams};
use usage_lens::transport::fake::{
    block_on, join_all, progress_recorder, FakeTransport, VirtualClock,
};
use usage_lens::{Error, ErrorKind};

const T0: u64 = 1_782_000_000_000; // 2026-06-21T00:00:00Z, a Sunday

fn fixture(vendor: &str, name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{vendor}/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn exact() -> RetryPolicy {
    RetryPolicy::default().without_jitter()
}

fn org_query() -> ApiUsageOrganizationQuery {
    ApiUsageOrganizationQuery {
        interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z".into(),
        granularity: Some(Granularity::Day),
        ..Default::default()
    }
}

fn search() -> ApiUsageSimpleSearch {
    ApiUsageSimpleSearch {
        interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z".into(),
        ..Default::default()
    }
}

/// A Genesys organization query whose submit answers `failures` in turn,
/// then is accepted; its first status check finds it complete.
fn genesys_after(
    clock: &VirtualClock,
    failures: Vec<Result<HttpResponse, TransportError>>,
) -> genesys::Client<FakeTransport, VirtualClock> {
    let failures = RefCell::new(failures.into_iter());
    let fake = FakeTransport::new(clock.clone(), move |req, _| {
        if req.method == Method::Post {
            if let Some(f) = failures.borrow_mut().next() {
                return f;
            }
            return Ok(HttpResponse::new(
                202,
                fixture("genesys", "usage-execution-result.documented.json"),
            ));
        }
        Ok(HttpResponse::new(
            200,
            fixture(
                "genesys",
                "usage-query-result-complete-templateuri-httpmethod-day.constructed.json",
            ),
        ))
    });
    genesys::Client::new("https://api.mypurecloud.com", "tok", fake, clock.clone())
        .unwrap()
        .with_retry_policy(exact())
}

/// A ThousandEyes quotas call that answers `failures` in turn, then the quotas.
fn thousandeyes_after(
    clock: &VirtualClock,
    failures: Vec<HttpResponse>,
) -> thousandeyes::Client<FakeTransport, VirtualClock> {
    let failures = RefCell::new(failures.into_iter());
    let fake = FakeTransport::new(clock.clone(), move |_, _| {
        Ok(failures
            .borrow_mut()
            .next()
            .unwrap_or_else(|| HttpResponse::new(200, fixture("thousandeyes", "get-quotas.json"))))
    });
    thousandeyes::Client::new(None, "tok", fake, clock.clone())
        .unwrap()
        .with_retry_policy(exact())
}

fn sent(c: &genesys::Client<FakeTransport, VirtualClock>) -> Vec<u64> {
    c.transport()
        .requests()
        .iter()
        .map(|(t, _)| t - T0)
        .collect()
}

fn genesys_429(retry_after: Option<&str>, body: &str) -> Result<HttpResponse, TransportError> {
    let r = HttpResponse::new(429, body).with_header("ININ-Correlation-Id", "corr-429");
    Ok(match retry_after {
        Some(s) => r.with_header("Retry-After", s),
        None => r,
    })
}

fn partial_rows(e: &Error, field: &str) -> usize {
    e.partial
        .as_ref()
        .and_then(|p| p[field].as_array().map(Vec::len))
        .unwrap_or(0)
}

/// A transport over the in-process simulator that records, for every
/// request, the time it was sent and its path (scenario prefix included).
struct Logged {
    inner: SimTransport<VirtualClock>,
    clock: VirtualClock,
    log: Rc<RefCell<Vec<(u64, String)>>>,
}

impl Transport for Logged {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let p = path_and_query(&request.url);
        let p = p.split_once("/api/v2").map_or(p, |(_, rest)| rest);
        self.log
            .borrow_mut()
            .push((self.clock.now_ms() - T0, p.to_string()));
        self.inner.send(request).await
    }
}

struct SimSetup {
    sim: Rc<RefCell<Sim>>,
    clock: VirtualClock,
    log: Rc<RefCell<Vec<(u64, String)>>>,
}

impl SimSetup {
    fn new(exec_ms: u64) -> SimSetup {
        SimSetup {
            sim: Rc::new(RefCell::new(Sim::new(9).with_default_exec_ms(exec_ms))),
            clock: VirtualClock::new(T0),
            log: Rc::default(),
        }
    }

    fn transport(&self) -> Logged {
        Logged {
            inner: SimTransport::new(self.sim.clone(), self.clock.clone()),
            clock: self.clock.clone(),
            log: self.log.clone(),
        }
    }

    fn genesys(&self, scenario: &str) -> genesys::Client<Logged, VirtualClock> {
        genesys::Client::new(
            &format!("https://demo.invalid/_s/{scenario}"),
            "tok",
            self.transport(),
            self.clock.clone(),
        )
        .unwrap()
        .with_retry_policy(exact())
    }

    fn thousandeyes(&self, scenario: &str) -> thousandeyes::Client<Logged, VirtualClock> {
        thousandeyes::Client::new(
            Some(&format!("https://demo.invalid/_s/{scenario}")),
            "tok",
            self.transport(),
            self.clock.clone(),
        )
        .unwrap()
        .with_retry_policy(exact())
    }

    fn stats(&self, id: &str) -> SimStats {
        self.sim.borrow().stats(id)
    }

    fn times(&self) -> Vec<u64> {
        self.log.borrow().iter().map(|(t, _)| *t).collect()
    }
}

// ---------------------------------------------------------------- 429 with Retry-After

#[test]
fn retry_after_is_waited_exactly_then_the_query_succeeds() {
    let clock = VirtualClock::new(T0);
    let c = genesys_after(
        &clock,
        vec![genesys_429(Some("3"), "{}"), genesys_429(Some("12"), "{}")],
    );
    let (opts, events) = progress_recorder();
    block_on(c.query_organization_usage(&org_query(), &opts)).unwrap();
    assert_eq!(clock.sleeps(), [3_000, 12_000]);
    assert_eq!(
        sent(&c),
        [0, 3_000, 15_000, 15_000],
        "two 429s, the submit, one check"
    );
    let retrying: Vec<_> = events
        .borrow()
        .iter()
        .filter(|p| p.phase == Phase::Retrying)
        .cloned()
        .collect();
    assert_eq!(retrying.len(), 2);
    assert_eq!(retrying[0].retry_at_ms, Some(T0 + 3_000));
    assert_eq!(retrying[1].retry_at_ms, Some(T0 + 15_000));
    assert_eq!(retrying[1].retries, 2);
    assert_eq!(retrying[0].retry_reason.as_deref(), Some("rate limited"));
}

#[test]
fn retry_after_gives_up_after_ten_retries_with_the_wait() {
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![genesys_429(Some("3"), "{}"); 11]);
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after_ms, Some(3_000));
    assert_eq!(e.correlation_id.as_deref(), Some("corr-429"));
    assert_eq!(clock.sleeps(), [3_000; 10], "ten retries, each after 3 s");
    assert_eq!(sent(&c).len(), 11);
}

#[test]
fn retry_after_over_three_minutes_is_not_waited() {
    // 180 s is the longest wait taken ...
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![genesys_429(Some("180"), "{}")]);
    block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(clock.sleeps(), [180_000]);
    // ... one second more is refused at once, with the wait the vendor asked for.
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![genesys_429(Some("181"), "{}")]);
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after_ms, Some(181_000));
    assert!(clock.sleeps().is_empty());
    assert_eq!(sent(&c), [0]);
    // The same cap for ThousandEyes' reset header.
    let clock = VirtualClock::new(T0);
    let reset = (T0 / 1000 + 200).to_string();
    let c = thousandeyes_after(
        &clock,
        vec![HttpResponse::new(429, "{}").with_header("X-Organization-Rate-Limit-Reset", reset)],
    );
    let e = block_on(c.quotas(&RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after_ms, Some(200_250));
    assert_eq!(c.transport().requests().len(), 1);
}

// ---------------------------------------------------------------- 429 without readable headers

#[test]
fn a_genesys_429_without_headers_waits_the_seconds_of_its_message() {
    let clock = VirtualClock::new(T0);
    let c = genesys_after(
        &clock,
        vec![genesys_429(
            None,
            &fixture("genesys", "error-429.constructed.json"),
        )],
    );
    block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(clock.sleeps(), [7_000], "the [7] of the message");
}

#[test]
fn a_genesys_429_with_nothing_readable_backs_off_5_s_doubling_to_60_s() {
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![genesys_429(None, "{}"); 11]);
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(
        clock.sleeps(),
        [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000]
    );
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after_ms, Some(60_000));
    assert_eq!(sent(&c).len(), 11);
}

#[test]
fn a_thousandeyes_429_waits_until_the_reset_header_else_1_s_doubling() {
    // The reset header: until then, plus a quarter second to land after it.
    let clock = VirtualClock::new(T0);
    let reset = (T0 / 1000 + 42).to_string();
    let c = thousandeyes_after(
        &clock,
        vec![HttpResponse::new(429, "{}").with_header("X-Organization-Rate-Limit-Reset", reset)],
    );
    block_on(c.quotas(&RunOptions::default())).unwrap();
    assert_eq!(clock.sleeps(), [42_250]);
    // No header: 1 s doubling, capped at 60 s, ten retries, then rateLimited.
    let clock = VirtualClock::new(T0);
    let c = thousandeyes_after(&clock, vec![HttpResponse::new(429, "{}"); 11]);
    let e = block_on(c.quotas(&RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(
        clock.sleeps(),
        [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]
    );
    assert_eq!(c.transport().requests().len(), 11);
}

// ---------------------------------------------------------------- window nearly spent

#[test]
fn a_nearly_spent_genesys_window_pauses_until_its_reset() {
    let headers = |count: &'static str| {
        move |req: &HttpRequest, _: u64| {
            let r = if req.method == Method::Post {
                HttpResponse::new(
                    202,
                    fixture("genesys", "usage-execution-result.documented.json"),
                )
            } else {
                HttpResponse::new(
                    200,
                    fixture(
                        "genesys",
                        "usage-query-result-complete-templateuri-httpmethod-day.constructed.json",
                    ),
                )
            };
            Ok(r.with_header("inin-ratelimit-allowed", "300")
                .with_header("inin-ratelimit-count", count.to_string())
                .with_header("inin-ratelimit-reset", "10"))
        }
    };
    // One request left of 300, the window resets in 10 s: the check waits for it.
    let clock = VirtualClock::new(T0);
    let c = genesys::Client::new(
        "https://api.mypurecloud.com",
        "tok",
        FakeTransport::new(clock.clone(), headers("299")),
        clock.clone(),
    )
    .unwrap();
    block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(sent(&c), [0, 10_000]);
    // Three left is more than the two kept in reserve: no pause.
    let clock = VirtualClock::new(T0);
    let c = genesys::Client::new(
        "https://api.mypurecloud.com",
        "tok",
        FakeTransport::new(clock.clone(), headers("297")),
        clock.clone(),
    )
    .unwrap();
    block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(sent(&c), [0, 0]);
}

#[test]
fn a_nearly_spent_thousandeyes_window_pauses_until_its_reset() {
    let s = SimSetup::new(0);
    // Five a window: after the third request two are left, the reserve.
    let c = s.thousandeyes("id=te-window;limit=5;tests=200;tepage=50");
    let r = block_on(c.tests_units_usage(&TestsUnitsParams::default(), &RunOptions::default()))
        .unwrap();
    assert_eq!(r.breakdowns.len(), 200);
    assert_eq!(
        s.times(),
        [0, 0, 0, 60_000],
        "the fourth page waits for the new window"
    );
    assert_eq!(s.stats("te-window").rate_limited, 0);
}

// ---------------------------------------------------------------- 500, 502, 503, 504

#[test]
fn each_retryable_5xx_is_retried_after_1_then_2_s() {
    for code in [500, 502, 503, 504] {
        let clock = VirtualClock::new(T0);
        let c = genesys_after(
            &clock,
            vec![
                Ok(HttpResponse::new(code, "")),
                Ok(HttpResponse::new(code, "<html>")),
            ],
        );
        let (opts, events) = progress_recorder();
        block_on(c.query_organization_usage(&org_query(), &opts)).unwrap();
        assert_eq!(clock.sleeps(), [1_000, 2_000], "{code}");
        let reason = events
            .borrow()
            .iter()
            .find_map(|p| p.retry_reason.clone())
            .unwrap();
        assert_eq!(reason, format!("the server answered {code}"));
    }
    // Other statuses are not retried.
    for code in [400, 501, 505] {
        let clock = VirtualClock::new(T0);
        let c = genesys_after(&clock, vec![Ok(HttpResponse::new(code, "{}"))]);
        let e =
            block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
        assert_eq!(e.status, Some(code));
        assert!(clock.sleeps().is_empty(), "{code}");
    }
}

#[test]
fn a_persistent_5xx_is_retried_after_1_2_4_8_s_then_is_a_server_error() {
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![Ok(HttpResponse::new(503, "")); 5]);
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(e.status, Some(503));
    assert_eq!(clock.sleeps(), [1_000, 2_000, 4_000, 8_000]);
    assert_eq!(sent(&c), [0, 1_000, 3_000, 7_000, 15_000]);
    // ThousandEyes the same.
    let clock = VirtualClock::new(T0);
    let c = thousandeyes_after(&clock, vec![HttpResponse::new(502, ""); 5]);
    let e = block_on(c.quotas(&RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(clock.sleeps(), [1_000, 2_000, 4_000, 8_000]);
}

// ---------------------------------------------------------------- the network drops

#[test]
fn a_dropped_connection_is_retried_after_1_2_4_8_s_then_is_a_network_error() {
    let clock = VirtualClock::new(T0);
    let c = genesys_after(
        &clock,
        vec![Err(TransportError::Network("connection reset".into())); 5],
    );
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(e.message.contains("connection reset"), "{}", e.message);
    assert_eq!(clock.sleeps(), [1_000, 2_000, 4_000, 8_000]);
    assert_eq!(sent(&c), [0, 1_000, 3_000, 7_000, 15_000]);
    // Once is retried and the query completes.
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![Err(TransportError::Network("reset".into()))]);
    block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(clock.sleeps(), [1_000]);
}

#[test]
fn the_network_gone_mid_page_keeps_the_pages_read() {
    let s = SimSetup::new(0);
    // The submit, the check with page 1 and page 2 are answered; then nothing.
    let c = s.genesys("id=mid-page;rows=5000;drop=99;faultafter=3");
    let e = block_on(c.simple_search(&search(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert_eq!(partial_rows(&e, "results"), 2_000);
    let stats = s.stats("mid-page");
    assert_eq!(
        (stats.requests, stats.dropped),
        (8, 5),
        "page 3 tried five times"
    );
    assert_eq!(&s.times()[3..], [0, 1_000, 3_000, 7_000, 15_000]);
}

// ---------------------------------------------------------------- a stalled connection

#[test]
fn an_answer_held_back_60_s_is_given_up_on_and_asked_again() {
    let s = SimSetup::new(0);
    // The first check's answer would take 90 s.
    let c = s.genesys("id=stall-once;stall=1;stallms=90000;faultafter=1");
    let r = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(r.query_status, Some(QueryStatus::Complete));
    // Given up at 60 s, asked again 1 s later (the first failure backoff).
    assert_eq!(s.times(), [0, 0, 61_000]);
    let stats = s.stats("stall-once");
    assert_eq!((stats.requests, stats.stalled), (3, 1));
}

#[test]
fn answers_that_never_come_end_as_a_network_error() {
    let s = SimSetup::new(0);
    let c = s.genesys("id=stall-all;stall=99;stallms=90000;faultafter=1");
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(e.message.contains("no answer within 60 s"), "{}", e.message);
    assert_eq!(s.times(), [0, 0, 61_000, 123_000, 187_000, 255_000]);
    assert_eq!(
        s.clock.now_ms() - T0,
        315_000,
        "five times 60 s and 1+2+4+8 s"
    );
}

// ---------------------------------------------------------------- a retry past timeoutMs

#[test]
fn a_retry_that_cannot_happen_before_the_time_limit_stops_at_once_with_the_cause() {
    let limit = |ms| RunOptions {
        timeout_ms: Some(ms),
        ..Default::default()
    };
    // A 429 asking for 10 s, with 5 s left: rateLimited now, not a timeout later.
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![genesys_429(Some("10"), "{}")]);
    let e = block_on(c.query_organization_usage(&org_query(), &limit(5_000))).unwrap_err();
    assert_eq!(
        (e.kind, e.retry_after_ms),
        (ErrorKind::RateLimited, Some(10_000))
    );
    assert_eq!(clock.now_ms(), T0);
    // 503s with 2.5 s: the 1 s retry fits, the 2 s one does not.
    let clock = VirtualClock::new(T0);
    let c = genesys_after(&clock, vec![Ok(HttpResponse::new(503, "")); 5]);
    let e = block_on(c.query_organization_usage(&org_query(), &limit(2_500))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(sent(&c), [0, 1_000]);
    assert_eq!(clock.now_ms(), T0 + 1_000);
    // A dropped connection the same.
    let clock = VirtualClock::new(T0);
    let c = genesys_after(
        &clock,
        vec![Err(TransportError::Network("reset".into())); 5],
    );
    let e = block_on(c.query_organization_usage(&org_query(), &limit(2_500))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert_eq!(clock.now_ms(), T0 + 1_000);
}

// ---------------------------------------------------------------- truncated or invalid JSON, HTML

#[test]
fn invalid_json_names_the_failing_field_and_quotes_the_body() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |req, _| {
        Ok(if req.method == Method::Post {
            HttpResponse::new(202, r#"{"executionId":"e1"}"#)
        } else {
            HttpResponse::new(
                200,
                r#"{"queryStatus":"Complete","results":[{"requests":"many"}]}"#,
            )
        })
    });
    let c =
        genesys::Client::new("https://api.mypurecloud.com", "tok", fake, clock.clone()).unwrap();
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert!(e.message.contains("`results[0].requests`"), "{}", e.message);
    assert!(
        e.message.contains("Body starts: {\"queryStatus\""),
        "{}",
        e.message
    );
    // Cut in half by the simulator.
    let s = SimSetup::new(0);
    let e = block_on(
        s.genesys("id=trunc;trunc=1")
            .query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert!(e.message.contains("Body starts"), "{}", e.message);
    assert_eq!(s.stats("trunc").requests, 1, "not retried");
}

#[test]
fn an_html_page_instead_of_json_says_the_base_url_or_session_is_wrong() {
    let s = SimSetup::new(0);
    let e = block_on(
        s.genesys("id=html;html=1")
            .query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert!(e.message.contains("The body is HTML"), "{}", e.message);
    assert!(
        e.message.contains("Check the base URL and sign in again"),
        "{}",
        e.message
    );
    let e = block_on(
        s.thousandeyes("id=te-html;html=1")
            .quotas(&RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert!(e.message.contains("The body is HTML"), "{}", e.message);
}

// ---------------------------------------------------------------- Failed, Cancelled, never finished

#[test]
fn failed_and_cancelled_executions_and_jobs_are_query_failed_with_the_vendors_body() {
    let s = SimSetup::new(1_000);
    let e = block_on(
        s.genesys("id=fail;fail=1")
            .query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::QueryFailed);
    let job = OrganizationPublicApiUsageQueryRequest {
        interval: "2026-06-10T00:00:00Z/2026-06-17T00:00:00Z".into(),
        ..Default::default()
    };
    let e = block_on(
        s.genesys("id=job-fail;fail=1")
            .aggregates_query(&job, &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::QueryFailed);
    let details = e.details.as_ref().expect("the job's errorBody");
    assert!(
        details["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{details}"
    );
    assert!(
        e.message.contains(details["message"].as_str().unwrap()),
        "{}",
        e.message
    );
    let e = block_on(
        s.genesys("id=job-cancel;cancel=1")
            .aggregates_query(&job, &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::QueryFailed);
    assert!(e.message.contains("was cancelled"), "{}", e.message);
}

#[test]
fn an_execution_that_never_finishes_is_polled_until_the_time_limit() {
    let s = SimSetup::new(0);
    let opts = RunOptions {
        timeout_ms: Some(60_000),
        ..Default::default()
    };
    let e = block_on(
        s.genesys("id=never;never=1")
            .query_organization_usage(&org_query(), &opts),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(e.message.contains("time limit of 60 s"), "{}", e.message);
    assert_eq!(s.clock.now_ms() - T0, 60_000, "ends exactly at the limit");
    let times = s.times();
    // The submit, a check at once, then 1.5 s, ×1.3 …, the gaps capped at 45 s.
    assert_eq!(&times[..6], [0, 0, 1_500, 1_950, 2_535, 3_296]);
    assert!(times.windows(2).all(|w| w[1] - w[0] <= 45_000), "{times:?}");
    assert!(*times.last().unwrap() < 60_000);
    assert_eq!(times.len(), 17);
}

// ---------------------------------------------------------------- a cursor that repeats

#[test]
fn a_repeated_cursor_stops_the_walk_and_every_page_is_asked_once() {
    let s = SimSetup::new(0);
    let c = s.genesys("id=repeat;rows=5000;repeat=1");
    let r = block_on(c.simple_search(&search(), &RunOptions::default())).unwrap();
    // Pages 1, 2 and 3 are read; page 3 names page 2's cursor again.
    assert_eq!(r.results.len(), 3_000);
    let log = s.log.borrow();
    let pages: Vec<&String> = log
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.contains("/results"))
        .collect();
    assert_eq!(pages.len(), 3);
    let unique: std::collections::HashSet<_> = pages.iter().collect();
    assert_eq!(unique.len(), 3, "{pages:?}");
}

// ---------------------------------------------------------------- the 20,000-record cap

#[test]
fn the_cap_is_reported_and_split_on_cap_reads_every_record_in_parts() {
    let s = SimSetup::new(0);
    // 3,000 records a day for 7 days: 21,000, one cap's worth too many.
    let r = block_on(
        s.genesys("id=capped;perday=3000")
            .simple_search(&search(), &RunOptions::default()),
    )
    .unwrap();
    assert_eq!(r.results.len(), 20_000);
    assert!(r.capped);
    assert_eq!(
        s.stats("capped").requests,
        21,
        "the submit, then 20 pages, the first with the check"
    );
    let (mut opts, events) = progress_recorder();
    opts.split_on_cap = true;
    let r = block_on(
        s.genesys("id=split;perday=3000")
            .simple_search(&search(), &opts),
    )
    .unwrap();
    assert_eq!(r.results.len(), 21_000);
    assert!(!r.capped);
    let last = events.borrow().last().cloned().unwrap();
    assert_eq!((last.parts_done, last.parts_total), (Some(2), Some(2)));
    assert!(!last.capped);
}

// ---------------------------------------------------------------- the token expires on page 7 of 20

#[test]
fn a_token_that_expires_on_page_7_of_20_keeps_pages_1_to_6() {
    let s = SimSetup::new(0);
    // The token works for 7 requests: the submit, the check with page 1, pages 2 to 6.
    let c = s.genesys("id=expire;rows=20000;expire=7");
    let e = block_on(c.simple_search(&search(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    assert!(e.message.contains("sign in again"), "{}", e.message);
    assert_eq!(partial_rows(&e, "results"), 6_000);
    assert_eq!(s.stats("expire").requests, 8, "page 7 is the last request");
    // ThousandEyes: pages 1 and 2 of 3 kept.
    let e = block_on(
        s.thousandeyes("id=te-expire;tests=150;tepage=50;expire=2")
            .tests_units_usage(&TestsUnitsParams::default(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    assert_eq!(partial_rows(&e, "breakdowns"), 100);
    assert_eq!(s.stats("te-expire").requests, 3);
}

// ---------------------------------------------------------------- 20 queries at once

/// Twenty simple searches of 2,000 records in pages of 100 each (21
/// requests apiece, 420 in all) started at once against the simulator enforcing Genesys' real limit
/// of 300 a minute per token, with or without one shared budget.
fn twenty_genesys_searches(
    shared: bool,
    id: &str,
) -> (Vec<Result<ApiUsageQueryResult, Error>>, SimStats) {
    let s = SimSetup::new(0);
    let budget = RateBudget::shared_per_minute(genesys::REQUESTS_PER_MINUTE);
    let clients: Vec<_> = (0..20)
        .map(|_| {
            let t = SimTransport::new(s.sim.clone(), s.clock.clone()).with_latency_ms(50);
            let c = genesys::Client::new(
                &format!("https://demo.invalid/_s/id={id};rows=2000"),
                "tok",
                t,
                s.clock.clone(),
            )
            .unwrap();
            if shared {
                c.with_budget(budget.clone())
            } else {
                c
            }
        })
        .collect();
    let q = search();
    let opts = RunOptions {
        page_size: Some(100),
        ..Default::default()
    };
    let started = Rc::new(Cell::new(0));
    let runs: Vec<_> = clients
        .iter()
        .map(|c| {
            let started = started.clone();
            let q = &q;
            let opts = &opts;
            async move {
                started.set(started.get() + 1);
                c.simple_search(q, opts).await
            }
        })
        .collect();
    let results = block_on(join_all(runs));
    assert_eq!(started.get(), 20);
    let stats = s.stats(id);
    (results, stats)
}

#[test]
fn twenty_genesys_queries_at_once_share_280_a_minute_and_draw_no_429() {
    // Without a shared budget the same load goes over the vendor's limit ...
    let (_, alone) = twenty_genesys_searches(false, "crowd-alone");
    assert!(alone.rate_limited > 0, "{alone:?}");
    assert!(alone.max_per_minute > 300, "{alone:?}");
    // ... with one, every query completes and the simulator never says 429.
    let (results, shared) = twenty_genesys_searches(true, "crowd-shared");
    assert!(results
        .iter()
        .all(|r| r.as_ref().is_ok_and(|r| r.results.len() == 2_000)));
    assert_eq!(shared.rate_limited, 0);
    assert_eq!(shared.requests, 420);
    assert_eq!(
        shared.max_per_minute, 280,
        "the budget is used to its limit, not past it"
    );
}

#[test]
fn twenty_genesys_queries_at_once_genuinely_interleave() {
    let s = SimSetup::new(3_000);
    let clients: Vec<_> = (0..20).map(|_| s.genesys("id=interleave")).collect();
    let q = org_query();
    let opts = RunOptions::default();
    let runs: Vec<_> = clients
        .iter()
        .map(|c| c.query_organization_usage(&q, &opts))
        .collect();
    let results = block_on(join_all(runs));
    assert!(results.iter().all(Result::is_ok));
    let log = s.log.borrow();
    // All twenty submits go out before any query is complete.
    let submits: Vec<u64> = log
        .iter()
        .filter(|(_, p)| p == "/usage/query")
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(submits, [0; 20]);
    // And the whole lot takes as long as one query, not twenty.
    assert!(s.clock.now_ms() - T0 < 4_000, "{}", s.clock.now_ms() - T0);
}

#[test]
fn twenty_thousandeyes_queries_at_once_share_200_a_minute_and_draw_no_429() {
    let run = |shared: bool, id: &str| {
        let s = SimSetup::new(0);
        let budget = RateBudget::shared_per_minute(thousandeyes::REQUESTS_PER_MINUTE);
        let clients: Vec<_> = (0..20)
            .map(|_| {
                let c = thousandeyes::Client::new(
                    Some(&format!(
                        "https://demo.invalid/_s/id={id};tests=1000;tepage=50"
                    )),
                    "tok",
                    SimTransport::new(s.sim.clone(), s.clock.clone()).with_latency_ms(50),
                    s.clock.clone(),
                )
                .unwrap();
                if shared {
                    c.with_budget(budget.clone())
                } else {
                    c
                }
            })
            .collect();
        let p = TestsUnitsParams::default();
        let opts = RunOptions::default();
        let runs: Vec<_> = clients
            .iter()
            .map(|c| c.tests_units_usage(&p, &opts))
            .collect();
        let results = block_on(join_all(runs));
        let stats = s.stats(id);
        (results, stats)
    };
    let (_, alone) = run(false, "te-alone");
    assert!(alone.rate_limited > 0, "{alone:?}");
    let (results, shared) = run(true, "te-shared");
    assert!(results
        .iter()
        .all(|r| r.as_ref().is_ok_and(|r| r.breakdowns.len() == 1_000)));
    assert_eq!(shared.rate_limited, 0);
    assert_eq!(shared.requests, 400);
    assert_eq!(shared.max_per_minute, 200);
}

// ---------------------------------------------------------------- signal aborts

#[test]
fn an_abort_during_a_wait_ends_it_at_once_and_nothing_is_sent_after() {
    let s = SimSetup::new(600_000);
    s.clock.abort_at(T0 + 5_000);
    let e = block_on(
        s.genesys("id=abort-wait")
            .query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Aborted);
    assert_eq!(
        s.clock.now_ms(),
        T0 + 5_000,
        "the pending wait ended at the abort"
    );
    assert!(s.times().iter().all(|&t| t < 5_000), "{:?}", s.times());
    assert_eq!(s.times(), [0, 0, 1_500, 1_950, 2_535, 3_296, 4_284]);
}

#[test]
fn an_abort_during_a_request_in_flight_ends_it_at_once_and_nothing_is_sent_after() {
    let clock = VirtualClock::new(T0);
    // Every answer takes 10 s to arrive; the abort comes 4 s into the first.
    let fake = FakeTransport::new(clock.clone(), |_, _| {
        Ok(HttpResponse::new(202, r#"{"executionId":"e1"}"#))
    })
    .with_latency_ms(10_000);
    let c =
        genesys::Client::new("https://api.mypurecloud.com", "tok", fake, clock.clone()).unwrap();
    clock.abort_at(T0 + 4_000);
    let e = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Aborted);
    assert_eq!(clock.now_ms(), T0 + 4_000);
    assert_eq!(sent(&c), [0], "one request, and none after the abort");
    assert!(clock.sleeps().is_empty());
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_input_is_refused_before_any_request_is_sent() {
    let s = SimSetup::new(0);
    let c = s.genesys("id=bad-input");
    let bad = [
        "2026-06-08/2026-06-01",
        "2026-06-01",
        "yesterday",
        "2026-06-01T00:00:00Z/2026-06-01T00:00:00Z",
        "2026-02-30/2026-03-01",
    ];
    for interval in bad {
        let q = ApiUsageOrganizationQuery {
            interval: interval.into(),
            ..Default::default()
        };
        let e = block_on(c.query_organization_usage(&q, &RunOptions::default())).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{interval}");
    }
    for size in [0, 1001] {
        let opts = RunOptions {
            page_size: Some(size),
            ..Default::default()
        };
        let e = block_on(c.simple_search(&search(), &opts)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }
    for id in ["../../tokens/me", "a/b", "a?b=c", "", " "] {
        let q = ApiUsageClientQuery {
            interval: "2026-06-01/2026-06-02".into(),
            ..Default::default()
        };
        let e = block_on(c.query_client_usage(id, &q, &RunOptions::default())).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{id:?}");
    }
    let te = s.thousandeyes("id=bad-input");
    let e = block_on(te.tests_units_usage(
        &TestsUnitsParams {
            aid: Some("12; DROP".into()),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert_eq!(
        s.stats("bad-input").requests,
        0,
        "nothing reached the simulator"
    );
}
