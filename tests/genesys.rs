//! The Genesys client on a scripted transport and a virtual clock: fixtures
//! from the reference, the poll schedule, retries, paging, jobs, timeouts,
//! cancellation and input checks, all without waiting.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use usage_lens::engine::{Phase, PollSchedule, RetryPolicy, RunOptions};
use usage_lens::genesys::*;
use usage_lens::http::{Clock, HttpRequest, HttpResponse, Method};
use usage_lens::transport::fake::{block_on, progress_recorder, FakeTransport, VirtualClock};
use usage_lens::ErrorKind;

const T0: u64 = 1_782_000_000_000; // 2026-06-21

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/genesys/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn client(fake: FakeTransport, clock: &VirtualClock) -> Client<FakeTransport, VirtualClock> {
    Client::new(
        "https://api.mypurecloud.com",
        "secret-token",
        fake,
        clock.clone(),
    )
    .unwrap()
    .with_retry_policy(RetryPolicy::default().without_jitter())
}

fn org_query() -> ApiUsageOrganizationQuery {
    ApiUsageOrganizationQuery {
        interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z".into(),
        granularity: Some(Granularity::Day),
        group_by: Some(vec![
            OrganizationGroupBy::TemplateUri,
            OrganizationGroupBy::HttpMethod,
        ]),
        ..Default::default()
    }
}

fn path(req: &HttpRequest) -> String {
    usage_lens::http::path_and_query(&req.url).to_string()
}

// ------------------------------------------------------------------ fixtures

#[test]
fn every_reference_example_decodes() {
    let dir = format!("{}/tests/fixtures/genesys", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let body = fixture(&name);
        let ok = if name.starts_with("usage-query-request") {
            serde_json::from_str::<ApiUsageOrganizationQuery>(&body).is_ok()
        } else if name.starts_with("client-usage-query-request") {
            serde_json::from_str::<ApiUsageClientQuery>(&body).is_ok()
        } else if name.starts_with("simplesearch-request") {
            serde_json::from_str::<ApiUsageSimpleSearch>(&body).is_ok()
        } else if name.starts_with("aggregates-job-request-org") {
            serde_json::from_str::<OrganizationPublicApiUsageQueryRequest>(&body).is_ok()
        } else if name.starts_with("aggregates-job-request-client") {
            serde_json::from_str::<ClientPublicApiUsageQueryRequest>(&body).is_ok()
        } else if name.contains("execution-result") {
            serde_json::from_str::<UsageExecutionResult>(&body).is_ok()
        } else if name.starts_with("aggregates-job-created") {
            serde_json::from_str::<UsageQueryResponse>(&body).is_ok()
        } else if name.starts_with("aggregates-") {
            serde_json::from_str::<PublicApiUsageResultsResponse>(&body).is_ok()
        } else if name.starts_with("error-") {
            serde_json::from_str::<ErrorBody>(&body).is_ok()
        } else if name.starts_with("pkce-token") {
            serde_json::from_str::<TokenResponse>(&body).is_ok()
        } else {
            serde_json::from_str::<ApiUsageQueryResult>(&body).is_ok()
        };
        assert!(ok, "{name} does not decode");
        seen += 1;
    }
    assert_eq!(seen, 28, "every example of the reference is a fixture");
}

#[test]
fn legacy_rows_read_empty_dimensions_as_absent() {
    let r: ApiUsageQueryResult = serde_json::from_str(&fixture(
        "usage-query-result-complete-by-client-templateuri-day.documented.json",
    ))
    .unwrap();
    assert_eq!(r.query_status, Some(QueryStatus::Complete));
    assert_eq!(r.results.len(), 5);
    let row = &r.results[0];
    assert_eq!(row.client_name.as_deref(), Some("Client Creds"));
    assert_eq!(row.organization_id, None);
    assert_eq!(row.http_method, None);
    assert_eq!(row.requests, Some(2));
    assert_eq!(row.date.as_deref(), Some("2020-02-02T00:00:00Z"));
}

#[test]
fn job_pages_and_errors_decode_with_their_values() {
    let p: PublicApiUsageResultsResponse =
        serde_json::from_str(&fixture("aggregates-job-results-page1.constructed.json")).unwrap();
    assert_eq!(p.query_status, Some(JobStatus::Succeeded));
    assert_eq!(p.entities.len(), 3);
    assert_eq!(p.entities[0].request_count, Some(847));
    assert_eq!(
        p.entities[0].oauth_client.as_ref().unwrap().id.as_deref(),
        Some("3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa")
    );
    assert!(p.next_uri.unwrap().contains("after=MTY4NzY1NDMyMQ"));
    let f: PublicApiUsageResultsResponse =
        serde_json::from_str(&fixture("aggregates-job-failed.constructed.json")).unwrap();
    assert_eq!(f.query_status, Some(JobStatus::Failed));
    assert_eq!(f.error_body.unwrap().code.as_deref(), Some("bad.request"));
    let e: ErrorBody = serde_json::from_str(&fixture("error-429.constructed.json")).unwrap();
    assert_eq!(e.limit.unwrap().value, Some(300));
    assert_eq!(seconds_in_message(&e.message.unwrap()), Some(7));
    let c: PublicApiUsageResultsResponse =
        serde_json::from_str(&fixture("aggregates-client-job-results.constructed.json")).unwrap();
    assert_eq!(
        c.entities[0].organization_id.as_deref(),
        Some("a81d5c3e-0f6b-4d92-b7e4-3c2a1f9e8d70")
    );
}

#[test]
fn requests_are_strict_and_responses_tolerant() {
    let bad = serde_json::from_str::<ApiUsageOrganizationQuery>(
        r#"{"interval":"2026-01/2026-02","granularity":"Hour"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(bad.contains("Day") && bad.contains("Hour"), "{bad}");
    assert!(
        serde_json::from_str::<ApiUsageOrganizationQuery>(r#"{"interval":"x","groupby":[]}"#)
            .is_err()
    );
    assert!(serde_json::from_str::<ApiUsageClientQuery>(
        r#"{"interval":"x","groupBy":["UserId"]}"#
    )
    .is_err());
    // Unknown statuses and fields are kept or ignored.
    let r: PublicApiUsageResultsResponse =
        serde_json::from_str(r#"{"queryStatus":"Paused","surprise":1,"entities":null}"#).unwrap();
    assert_eq!(r.query_status, Some(JobStatus::Unknown("Paused".into())));
    assert!(r.entities.is_empty());
    // 64-bit counters survive.
    let row: ApiUsageRow = serde_json::from_str(r#"{"requests":4320000000}"#).unwrap();
    assert_eq!(row.requests, Some(4_320_000_000));
}

// ------------------------------------------------------------------ polling

/// A legacy org query that completes after `running` polls.
fn legacy_fake(clock: &VirtualClock, running: u32) -> FakeTransport {
    let polls = Rc::new(Cell::new(0));
    FakeTransport::new(clock.clone(), move |req, _| {
        match (req.method, path(req).as_str()) {
            (Method::Post, "/api/v2/usage/query") => Ok(HttpResponse::new(
                202,
                fixture("usage-execution-result.documented.json"),
            )),
            (Method::Get, "/api/v2/usage/query/9f32b7cf-7418-4cc1-b4e7-a37f7cd870e1/results") => {
                polls.set(polls.get() + 1);
                if polls.get() <= running {
                    Ok(HttpResponse::new(
                        200,
                        fixture("usage-query-result-running.documented.json"),
                    ))
                } else {
                    Ok(HttpResponse::new(
                        200,
                        fixture("usage-query-result-complete-templateuri-httpmethod-day.constructed.json"),
                    ))
                }
            }
            _ => Ok(HttpResponse::new(
                404,
                r#"{"message":"nope","code":"not.found","status":404}"#,
            )),
        }
    })
}

#[test]
fn an_organization_query_is_polled_on_the_schedule_until_complete() {
    let clock = VirtualClock::new(T0);
    let c = client(legacy_fake(&clock, 4), &clock);
    let (opts, events) = progress_recorder();
    let result = block_on(c.query_organization_usage(&org_query(), &opts)).unwrap();
    assert_eq!(result.query_status, Some(QueryStatus::Complete));
    assert_eq!(result.results.len(), 7);
    // One check at once, the next 1.5 s after submission, then 1.3×, 1.69×, ….
    assert_eq!(clock.sleeps(), [1_500, 450, 585, 761]);
    let sent = c_requests(&c);
    assert_eq!(sent.len(), 6, "one submit and five polls");
    let body: serde_json::Value = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["groupBy"],
        serde_json::json!(["TemplateUri", "HttpMethod"])
    );
    let events = events.borrow();
    assert_eq!(events.first().unwrap().phase, Phase::Submitting);
    assert!(events
        .iter()
        .any(|p| p.phase == Phase::Waiting && p.next_poll_in_ms == Some(1_500)));
    let last = events.last().unwrap();
    assert_eq!((last.phase, last.polls, last.rows), (Phase::Done, 5, 7));
}

fn c_requests(c: &Client<FakeTransport, VirtualClock>) -> Vec<HttpRequest> {
    c.transport()
        .requests()
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

#[test]
fn a_failed_execution_is_a_query_failed_error() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |req, _| {
        Ok(if req.method == Method::Post {
            HttpResponse::new(200, fixture("usage-execution-result.documented.json"))
        } else {
            HttpResponse::new(200, fixture("usage-query-result-failed.constructed.json"))
        })
    });
    let err = block_on(
        client(fake, &clock).query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::QueryFailed);
}

#[test]
fn a_query_that_never_finishes_times_out_at_the_limit() {
    let clock = VirtualClock::new(T0);
    let c = client(legacy_fake(&clock, u32::MAX), &clock);
    let opts = RunOptions {
        timeout_ms: Some(60_000),
        ..Default::default()
    };
    let err = block_on(c.query_organization_usage(&org_query(), &opts)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert_eq!(clock.now_ms() - T0, 60_000, "gives up exactly at the limit");
}

#[test]
fn an_abort_stops_the_wait_and_nothing_is_sent_after_it() {
    let clock = VirtualClock::new(T0);
    let c = client(legacy_fake(&clock, u32::MAX), &clock);
    clock.abort_at(T0 + 5_000);
    let err =
        block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Aborted);
    assert_eq!(
        clock.now_ms(),
        T0 + 5_000,
        "the pending timer ended at the abort"
    );
    let sent = c_requests(&c);
    assert!(sent.len() >= 2);
    // Every request went out before the abort. The fake logs requests sent
    // after an abort too, so one sent after it would show here.
    assert!(clock.is_aborted());
    let times = c.transport().requests();
    assert!(
        times.iter().all(|(t, _)| *t < T0 + 5_000),
        "{:?}",
        times.iter().map(|(t, _)| t - T0).collect::<Vec<_>>()
    );
}

// ------------------------------------------------------------------ retries

fn flaky(clock: &VirtualClock, failures: Vec<HttpResponse>) -> FakeTransport {
    let failures = RefCell::new(failures.into_iter());
    FakeTransport::new(clock.clone(), move |req, _| {
        if req.method == Method::Post {
            if let Some(f) = failures.borrow_mut().next() {
                return Ok(f);
            }
            return Ok(HttpResponse::new(
                200,
                fixture("usage-execution-result.documented.json"),
            ));
        }
        Ok(HttpResponse::new(
            200,
            fixture("usage-query-result-complete-templateuri-httpmethod-day.constructed.json"),
        ))
    })
}

#[test]
fn a_429_waits_for_retry_after_then_the_message_then_backs_off() {
    let clock = VirtualClock::new(T0);
    let with_header = HttpResponse::new(429, fixture("error-429.constructed.json"))
        .with_header("Retry-After", "3");
    let with_message = HttpResponse::new(429, fixture("error-429.constructed.json"));
    let bare = HttpResponse::new(429, "{}");
    let fake = flaky(&clock, vec![with_header, with_message, bare.clone(), bare]);
    let (opts, events) = progress_recorder();
    block_on(client(fake, &clock).query_organization_usage(&org_query(), &opts)).unwrap();
    // Retry-After, then the [7] of the message, then 5 s doubling per consecutive 429 (3rd and 4th).
    assert_eq!(&clock.sleeps()[..4], &[3_000, 7_000, 20_000, 40_000]);
    let retrying: Vec<_> = events
        .borrow()
        .iter()
        .filter(|p| p.phase == Phase::Retrying)
        .cloned()
        .collect();
    assert_eq!(retrying.len(), 4);
    assert_eq!(retrying[0].retry_at_ms, Some(T0 + 3_000));
}

#[test]
fn rate_limiting_that_never_ends_gives_up_with_the_wait() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |_, _| {
        Ok(
            HttpResponse::new(429, fixture("error-429.constructed.json"))
                .with_header("ININ-Correlation-Id", "corr-1"),
        )
    });
    let err = block_on(
        client(fake, &clock).query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited);
    assert_eq!(err.retry_after_ms, Some(7_000));
    assert_eq!(err.status, Some(429));
    assert_eq!(err.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(clock.sleeps().len(), 10, "bounded tries");
}

#[test]
fn server_errors_retry_with_backoff_and_client_errors_do_not() {
    let clock = VirtualClock::new(T0);
    let fake = flaky(
        &clock,
        vec![HttpResponse::new(503, ""), HttpResponse::new(502, "<html>")],
    );
    block_on(client(fake, &clock).query_organization_usage(&org_query(), &RunOptions::default()))
        .unwrap();
    assert_eq!(&clock.sleeps()[..2], &[1_000, 2_000]);

    let clock = VirtualClock::new(T0);
    let fake = flaky(
        &clock,
        vec![HttpResponse::new(
            400,
            fixture("error-400.constructed.json"),
        )],
    );
    let err = block_on(
        client(fake, &clock).query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Http);
    assert!(err.message.contains("Allowable values"), "{}", err.message);
    assert_eq!(err.details.unwrap()["code"], "invalid.value");
    assert!(clock.sleeps().is_empty(), "no retry on 400");
}

#[test]
fn errors_say_what_to_do() {
    let clock = VirtualClock::new(T0);
    let fake = flaky(
        &clock,
        vec![HttpResponse::new(
            403,
            fixture("error-403.constructed.json"),
        )],
    );
    let err = block_on(
        client(fake, &clock).query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Forbidden);
    assert!(err.message.contains("usage:organization:view"));
    let clock = VirtualClock::new(T0);
    let fake = flaky(
        &clock,
        vec![HttpResponse::new(
            401,
            fixture("error-401.constructed.json"),
        )],
    );
    let err = block_on(
        client(fake, &clock).query_organization_usage(&org_query(), &RunOptions::default()),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert!(err.message.contains("sign in again"));
    assert!(!err.message.contains("secret-token"));
}

// ------------------------------------------------------------------ simple search paging

/// A simple search with `total` records served `page` at a time.
fn search_fake(clock: &VirtualClock, total: usize, repeat_cursor: bool) -> FakeTransport {
    let execs = Rc::new(Cell::new(0u32));
    FakeTransport::new(clock.clone(), move |req, _| {
        let p = path(req);
        if req.method == Method::Post {
            execs.set(execs.get() + 1);
            let id = format!("exec{}", execs.get());
            return Ok(HttpResponse::new(
                200,
                format!(
                    r#"{{"executionId":"{id}","resultsUri":"/api/v2/usage/simplesearch/{id}/results"}}"#
                ),
            ));
        }
        let size: usize = usage_lens::http::query_param(&p, "pageSize")
            .unwrap()
            .parse()
            .unwrap();
        let offset: usize = usage_lens::http::query_param(&p, "after")
            .map_or(0, |a| a.trim_start_matches('c').parse().unwrap());
        let capped_total = total.min(20_000);
        let end = (offset + size).min(capped_total);
        let rows: Vec<String> = (offset..end)
            .map(|i| {
                format!(
                    r#"{{"clientName":"c{}","status200":{i},"date":"2026-06-01T00:00:00Z"}}"#,
                    i % 7
                )
            })
            .collect();
        let next = if end < capped_total {
            let c = if repeat_cursor && offset > 0 {
                offset
            } else {
                end
            };
            format!(r#","cursors":{{"after":"c{c}"}}"#)
        } else {
            String::new()
        };
        Ok(HttpResponse::new(
            200,
            format!(
                r#"{{"queryStatus":"Complete","results":[{}]{next}}}"#,
                rows.join(",")
            ),
        ))
    })
}

fn search() -> ApiUsageSimpleSearch {
    ApiUsageSimpleSearch {
        interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z".into(),
        ..Default::default()
    }
}

#[test]
fn a_simple_search_reads_every_page_once() {
    let clock = VirtualClock::new(T0);
    let c = client(search_fake(&clock, 2_500, false), &clock);
    let r = block_on(c.simple_search(&search(), &RunOptions::default())).unwrap();
    assert_eq!(r.results.len(), 2_500);
    assert!(!r.capped);
    let gets: Vec<String> = c_requests(&c)
        .iter()
        .filter(|r| r.method == Method::Get)
        .map(path)
        .collect();
    assert_eq!(
        gets,
        [
            "/api/v2/usage/simplesearch/exec1/results?pageSize=1000",
            "/api/v2/usage/simplesearch/exec1/results?pageSize=1000&after=c1000",
            "/api/v2/usage/simplesearch/exec1/results?pageSize=1000&after=c2000",
        ]
    );
}

#[test]
fn a_repeated_cursor_stops_the_walk() {
    let clock = VirtualClock::new(T0);
    let c = client(search_fake(&clock, 5_000, true), &clock);
    let r = block_on(c.simple_search(&search(), &RunOptions::default())).unwrap();
    assert_eq!(r.results.len(), 2_000);
    let gets = c_requests(&c)
        .into_iter()
        .filter(|r| r.method == Method::Get)
        .count();
    assert_eq!(gets, 2, "the repeated page is never requested");
}

#[test]
fn the_20000_cap_is_reported_and_split_on_cap_gets_everything() {
    let clock = VirtualClock::new(T0);
    let c = client(search_fake(&clock, 30_000, false), &clock);
    let r = block_on(c.simple_search(&search(), &RunOptions::default())).unwrap();
    assert_eq!(r.results.len(), 20_000);
    assert!(r.capped);

    // With split_on_cap, the week (7 days of 3,000 records, over the cap)
    // is searched again in halves that each fit, and every record comes back.
    let clock = VirtualClock::new(T0);
    let c = client(search_fake_per_day(&clock, 3_000), &clock);
    let (mut opts, events) = progress_recorder();
    opts.split_on_cap = true;
    let r = block_on(c.simple_search(&search(), &opts)).unwrap();
    assert_eq!(r.results.len(), 21_000);
    assert!(!r.capped);
    let intervals: Vec<String> = c_requests(&c)
        .iter()
        .filter(|r| r.method == Method::Post)
        .map(|r| {
            let b: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
            b["interval"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        intervals,
        [
            "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z",
            "2026-06-01T00:00:00Z/2026-06-04T00:00:00Z",
            "2026-06-04T00:00:00Z/2026-06-08T00:00:00Z",
        ]
    );
    let last = events.borrow().last().cloned().unwrap();
    assert_eq!((last.parts_done, last.parts_total), (Some(2), Some(2)));
}

/// A simple search that matches `per_day` records for each day of the
/// submitted interval, served 1,000 at a time up to the 20,000 cap.
fn search_fake_per_day(clock: &VirtualClock, per_day: usize) -> FakeTransport {
    let totals = RefCell::new(Vec::<usize>::new());
    FakeTransport::new(clock.clone(), move |req, _| {
        let p = path(req);
        if req.method == Method::Post {
            let b: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
            let interval =
                usage_lens::time::Interval::parse(b["interval"].as_str().unwrap()).unwrap();
            let days = (interval.len_secs() / 86_400) as usize;
            totals.borrow_mut().push(days * per_day);
            let id = totals.borrow().len();
            return Ok(HttpResponse::new(
                200,
                format!(r#"{{"executionId":"x{id}"}}"#),
            ));
        }
        let id: usize = p
            .split('/')
            .nth(5)
            .unwrap()
            .trim_start_matches('x')
            .parse()
            .unwrap();
        let total = totals.borrow()[id - 1].min(20_000);
        let offset: usize =
            usage_lens::http::query_param(&p, "after").map_or(0, |a| a.parse().unwrap());
        let end = (offset + 1_000).min(total);
        let rows = vec![r#"{"status200":1}"#; end - offset].join(",");
        let next = if end < total {
            format!(r#","cursors":{{"after":"{end}"}}"#)
        } else {
            String::new()
        };
        Ok(HttpResponse::new(
            200,
            format!(r#"{{"queryStatus":"Complete","results":[{rows}]{next}}}"#),
        ))
    })
}

// ------------------------------------------------------------------ jobs

fn job_fake(clock: &VirtualClock, statuses: Vec<(u16, &'static str)>) -> FakeTransport {
    let statuses = RefCell::new(statuses.into_iter());
    FakeTransport::new(clock.clone(), move |req, _| {
        let p = path(req);
        if req.method == Method::Post {
            return Ok(HttpResponse::new(
                202,
                fixture("aggregates-job-created.constructed.json"),
            ));
        }
        if usage_lens::http::query_param(&p, "after").is_some() {
            return Ok(HttpResponse::new(
                200,
                fixture("aggregates-job-results-last-page.constructed.json"),
            ));
        }
        match statuses.borrow_mut().next() {
            Some((code, file)) => Ok(HttpResponse::new(code, fixture(file))),
            None => Ok(HttpResponse::new(
                200,
                fixture("aggregates-job-results-page1.constructed.json"),
            )),
        }
    })
}

fn job_request() -> OrganizationPublicApiUsageQueryRequest {
    OrganizationPublicApiUsageQueryRequest {
        interval: "2026-06-01T00:00:00Z/2026-06-14T00:00:00Z".into(),
        group_by: Some(vec![OrganizationJobGroupBy::OauthClientId]),
        ..Default::default()
    }
}

#[test]
fn a_job_is_polled_through_202_and_every_page_is_merged() {
    let clock = VirtualClock::new(T0);
    let c = client(
        job_fake(
            &clock,
            vec![(202, "aggregates-job-status-running.constructed.json"); 2],
        ),
        &clock,
    );
    let r = block_on(c.aggregates_query(&job_request(), &RunOptions::default())).unwrap();
    assert_eq!(r.query_status, Some(JobStatus::Succeeded));
    assert_eq!(r.entities.len(), 4, "3 rows on page 1, 1 on the last page");
    assert!(r.next_uri.is_none());
    let gets: Vec<String> = c_requests(&c)
        .iter()
        .filter(|r| r.method == Method::Get)
        .map(path)
        .collect();
    assert_eq!(gets.len(), 4);
    assert_eq!(
        gets[3],
        "/api/v2/usage/aggregates/query/jobs/b6a0d9c4-2f51-4e3a-8d77-1c9e05f4a2b8?pageSize=1000&after=MTY4NzY1NDMyMQ"
    );
    assert!(c_requests(&c)
        .iter()
        .all(|r| r.url.starts_with("https://api.mypurecloud.com/")));
}

#[test]
fn an_answer_the_server_already_has_is_read_without_waiting() {
    // Legacy execution: complete at the first check.
    let clock = VirtualClock::new(T0);
    let c = client(legacy_fake(&clock, 0), &clock);
    let r = block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(r.query_status, Some(QueryStatus::Complete));
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
    assert_eq!(c_requests(&c).len(), 2, "the submit and one check");

    // Aggregates job: succeeded at the first check, then its last page.
    let clock = VirtualClock::new(T0);
    let c = client(job_fake(&clock, vec![]), &clock);
    let r = block_on(c.aggregates_query(&job_request(), &RunOptions::default())).unwrap();
    assert_eq!(r.entities.len(), 4);
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
    assert_eq!(
        c_requests(&c).len(),
        3,
        "the submit, one check, the last page"
    );

    // Turned off, the first check waits for the grid.
    let clock = VirtualClock::new(T0);
    let c = client(legacy_fake(&clock, 0), &clock).with_poll_schedule(PollSchedule {
        at_once: false,
        ..PollSchedule::default()
    });
    block_on(c.query_organization_usage(&org_query(), &RunOptions::default())).unwrap();
    assert_eq!(clock.sleeps(), [1_500]);
}

#[test]
fn a_failed_job_reports_its_error_body() {
    let clock = VirtualClock::new(T0);
    let c = client(
        job_fake(
            &clock,
            vec![(202, "aggregates-job-failed.constructed.json")],
        ),
        &clock,
    );
    let err = block_on(c.aggregates_query(&job_request(), &RunOptions::default())).unwrap_err();
    assert_eq!(err.kind, ErrorKind::QueryFailed);
    assert!(
        err.message.contains("more than one year"),
        "{}",
        err.message
    );
    assert_eq!(
        err.correlation_id.as_deref(),
        Some("4e1f0b7a-9c2d-4b8e-a1f3-6d5c7e9b2a10")
    );
}

// ------------------------------------------------------------------ input

#[test]
fn bad_input_is_refused_before_any_request() {
    let clock = VirtualClock::new(T0);
    let c = client(legacy_fake(&clock, 0), &clock);

    let bad_interval = ApiUsageOrganizationQuery {
        interval: "2026-06-08/2026-06-01".into(),
        ..Default::default()
    };
    assert_eq!(
        block_on(c.query_organization_usage(&bad_interval, &RunOptions::default()))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    let opts = RunOptions {
        page_size: Some(1001),
        ..Default::default()
    };
    assert_eq!(
        block_on(c.simple_search(&search(), &opts))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    let q = ApiUsageClientQuery {
        interval: "2026-06-01/2026-06-02".into(),
        ..Default::default()
    };
    assert_eq!(
        block_on(c.query_client_usage("../../tokens/me", &q, &RunOptions::default()))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        block_on(c.client_usage_summary("abc", Some(0), &RunOptions::default()))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    // Longer than one job is run in parts, but never further back than a year.
    let long_and_old = OrganizationPublicApiUsageQueryRequest {
        interval: "2025-01-01T00:00:00Z/2025-06-01T00:00:00Z".into(),
        ..Default::default()
    };
    let err = block_on(c.aggregates_query(&long_and_old, &RunOptions::default())).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(err.message.contains("year"), "{}", err.message);
    let old = OrganizationPublicApiUsageQueryRequest {
        interval: "2025-01-01T00:00:00Z/2025-01-08T00:00:00Z".into(),
        ..Default::default()
    };
    assert!(block_on(c.aggregates_query(&old, &RunOptions::default()))
        .unwrap_err()
        .message
        .contains("year"));
    assert!(c_requests(&c).is_empty(), "nothing was sent");
    assert!(Client::new(
        "mypurecloud.com",
        "  ",
        legacy_fake(&clock, 0),
        clock.clone()
    )
    .is_err());
    assert!(Client::new(
        "http://evil.example",
        "t",
        legacy_fake(&clock, 0),
        clock.clone()
    )
    .is_err());
}

#[test]
fn who_a_token_belongs_to_is_read_through_the_client() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |req, _| {
        assert!(req.url.ends_with("/api/v2/tokens/me"), "{}", req.url);
        Ok(HttpResponse::new(
            200,
            r#"{"organization": {"id": "o1", "name": "Acme"}, "OAuthClient": {"id": "c1", "name": "Sync"},
                "authorizedScope": ["usage"], "unknown": 1}"#,
        ))
    });
    let c = client(fake, &clock);
    let info = block_on(c.token_info(&RunOptions::default())).unwrap();
    let name =
        |e: &Option<usage_lens::genesys::DomainEntityRef>| e.as_ref().and_then(|e| e.name.clone());
    assert_eq!(name(&info.organization).as_deref(), Some("Acme"));
    assert_eq!(name(&info.oauth_client).as_deref(), Some("Sync"));
    // A refused token is the client's usual `unauthorized` error.
    let fake = FakeTransport::new(clock.clone(), |_, _| Ok(HttpResponse::new(401, "{}")));
    let err = block_on(client(fake, &clock).token_info(&RunOptions::default())).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
}
