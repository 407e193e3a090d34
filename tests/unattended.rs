//! Unattended use (issue 22): client credentials that renew themselves, the
//! organization's rate limit, and the allowance read from the contract,
//! against the in-process simulator on a virtual clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use usage_lens::engine::RunOptions;
use usage_lens::error::ErrorKind;
use usage_lens::genesys::{self, *};
use usage_lens::http::HttpResponse;
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::transport::fake::{block_on, FakeTransport, VirtualClock};

const T0: u64 = 1_782_000_000_000; // 2026-06-21
const HOUR: u64 = 3_600_000;
const SECRET: &str = "s3cr3t-Value-42";

type Gc = genesys::Client<SimTransport<VirtualClock>, VirtualClock>;

fn setup(scenario: &str, secret: &str) -> (Gc, Rc<RefCell<Sim>>, VirtualClock) {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(5).with_default_exec_ms(3_000)));
    let t = SimTransport::new(sim.clone(), clock.clone()).with_latency_ms(40);
    let creds = ClientCredentials::new("cc-client", secret, None).unwrap();
    let c = genesys::Client::with_client_credentials(
        &format!("https://demo.invalid/_s/{scenario}"),
        &creds,
        t,
        clock.clone(),
    )
    .unwrap();
    (c, sim, clock)
}

fn day_query() -> ApiUsageOrganizationQuery {
    ApiUsageOrganizationQuery {
        interval: "2026-06-19/2026-06-20".into(),
        granularity: Some(Granularity::Day),
        ..Default::default()
    }
}

#[test]
fn a_one_hour_token_serves_24_hourly_checks_with_one_token_each() {
    let (c, sim, clock) = setup("id=day;ttl=3600", SECRET);
    for hour in 0..24 {
        let started = clock.now_ms();
        let r = block_on(c.query_organization_usage(&day_query(), &RunOptions::default()));
        assert!(r.is_ok(), "check {hour} failed: {r:?}");
        clock.advance(HOUR - (clock.now_ms() - started));
    }
    let stats = sim.borrow().stats("day");
    assert!(
        (23..=25).contains(&stats.token_requests),
        "24 ± 1 token requests, saw {}",
        stats.token_requests
    );
}

use usage_lens::http::Clock;

#[test]
fn a_token_that_expires_mid_run_is_renewed_and_every_row_arrives() {
    let search = ApiUsageSimpleSearch {
        interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z".into(),
        ..Default::default()
    };
    let opts = RunOptions {
        page_size: Some(50),
        ..Default::default()
    };
    let (long, _, _) = setup("id=long;rows=2000", SECRET);
    let all = block_on(long.simple_search(&search, &opts)).unwrap();
    let (short, sim, _) = setup("id=short;rows=2000;ttl=2", SECRET);
    let got = block_on(short.simple_search(&search, &opts)).unwrap();
    assert_eq!(got.results.len(), all.results.len());
    assert_eq!(got.results.len(), 2000);
    assert!(sim.borrow().stats("short").token_requests >= 2);
}

#[test]
fn an_api_401_fetches_a_new_token_once_and_retries() {
    let clock = VirtualClock::new(T0);
    let tokens = Rc::new(RefCell::new(0u32));
    let seen = tokens.clone();
    let fake = FakeTransport::new(clock.clone(), move |req, _| {
        if req.url.ends_with("/oauth/token") {
            *seen.borrow_mut() += 1;
            let n = *seen.borrow();
            return Ok(HttpResponse::new(
                200,
                format!(r#"{{"access_token":"t{n}","token_type":"bearer","expires_in":86399}}"#),
            ));
        }
        match req.header_value("authorization") {
            Some("Bearer t1") => Ok(HttpResponse::new(401, r#"{"code":"credentials.expired"}"#)),
            _ => Ok(HttpResponse::new(200, r#"{"organization":{"id":"o"}}"#)),
        }
    });
    let creds = ClientCredentials::new("id", SECRET, None).unwrap();
    let c =
        genesys::Client::with_client_credentials("https://x.test", &creds, fake, clock).unwrap();
    block_on(c.token_info(&RunOptions::default())).unwrap();
    assert_eq!(*tokens.borrow(), 2);
    let sent = c.transport().requests();
    assert_eq!(
        sent[0].1.body.as_deref(),
        Some("grant_type=client_credentials")
    );
    assert!(sent[0]
        .1
        .header_value("authorization")
        .unwrap()
        .starts_with("Basic "));
    assert_eq!(sent[1].1.header_value("authorization"), Some("Bearer t1"));
    assert_eq!(sent[3].1.header_value("authorization"), Some("Bearer t2"));
}

#[test]
fn a_wrong_secret_is_unauthorized_with_advice_and_the_secret_is_nowhere() {
    let (c, _, _) = setup("id=bad;badsecret=1", SECRET);
    let e = block_on(c.query_organization_usage(&day_query(), &RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    assert!(e.message.contains("secret or the region"), "{}", e.message);
    let everything = format!("{e:?} {e}");
    assert!(!everything.contains(SECRET), "{everything}");
    let creds = ClientCredentials::new("id", SECRET, None).unwrap();
    assert!(!format!("{creds:?}").contains(SECRET));
}

#[test]
fn a_429_from_the_token_endpoint_is_waited_out() {
    let (c, sim, clock) = setup("id=t429;tok429=2;ra=1;wait=7", SECRET);
    block_on(c.token_info(&RunOptions::default())).unwrap();
    assert_eq!(sim.borrow().stats("t429").token_requests, 3);
    assert!(clock.now_ms() - T0 >= 14_000);
    // Without Retry-After: 5 s, then 10 s.
    let (c, sim, clock) = setup("id=t429b;tok429=2", SECRET);
    block_on(c.token_info(&RunOptions::default())).unwrap();
    assert_eq!(sim.borrow().stats("t429b").token_requests, 3);
    let waited = clock.now_ms() - T0;
    assert!((15_000..16_000).contains(&waited), "{waited}");
}

#[test]
fn a_token_endpoint_that_keeps_refusing_gives_up_after_capped_attempts() {
    let (c, sim, _) = setup("id=t429c;tok429=100", SECRET);
    let e = block_on(c.token_info(&RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(
        sim.borrow().stats("t429c").token_requests,
        u64::from(genesys::client_credentials::TOKEN_ATTEMPTS)
    );
}
