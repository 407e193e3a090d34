//! Unattended use (issue 22): client credentials that renew themselves, the
//! organization's rate limit, and the allowance read from the contract,
//! against the in-process simulator on a virtual clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use usage_lens::engine::RunOptions;
use usage_lens::error::ErrorKind;
use usage_lens::genesys::billing::{ChargeMatcher, ContractAllowance, ContractMiss};
use usage_lens::genesys::{self, *};
use usage_lens::http::{Clock, HttpResponse};
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::transport::fake::{block_on, join_all, FakeTransport, VirtualClock};

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

/// Twenty simple searches of 200 pages each at once on one client.
fn twenty_searches(c: &Gc) {
    let search = ApiUsageSimpleSearch {
        interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z".into(),
        ..Default::default()
    };
    let opts = RunOptions {
        page_size: Some(10),
        ..Default::default()
    };
    let futures: Vec<_> = (0..20)
        .map(|_| Box::pin(c.simple_search(&search, &opts)))
        .collect();
    let results = block_on(join_all(futures));
    assert!(
        results.iter().all(|r| r.is_ok()),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
}

#[test]
fn a_raised_limit_of_600_is_used_by_twenty_parallel_queries_without_a_429() {
    let (c, sim, _) = setup("id=raised;limit=600;rows=2000", SECRET);
    let limit = block_on(c.rate_limit(&RunOptions::default()));
    assert_eq!((limit.limit, limit.budget), (600, 580));
    assert_eq!(limit.key, "client.credentials.token.rate.per.minute");
    assert!(limit.from_organization);
    twenty_searches(&c);
    let stats = sim.borrow().stats("raised");
    assert_eq!(stats.rate_limited, 0);
    assert!(
        (300..=600).contains(&stats.max_per_minute),
        "used the raised limit: {} in a minute",
        stats.max_per_minute
    );
}

#[test]
fn an_unreadable_limit_leaves_the_budget_at_280() {
    let (c, sim, _) = setup("id=nolim;limit=600;rows=2000;nolimits=1", SECRET);
    let limit = block_on(c.rate_limit(&RunOptions::default()));
    assert_eq!((limit.limit, limit.budget), (300, 280));
    assert!(!limit.from_organization);
    assert!(limit.reason.unwrap().contains("could not be read"));
    twenty_searches(&c);
    let stats = sim.borrow().stats("nolim");
    // The sim counts the token request among the minute's requests.
    let api_per_minute = stats.max_per_minute - stats.token_requests;
    assert!((200..=280).contains(&api_per_minute), "{api_per_minute}");
}

#[test]
fn a_pasted_token_reads_the_token_limit() {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(5)));
    let t = SimTransport::new(sim, clock.clone());
    let c = genesys::Client::new("https://demo.invalid/_s/limit=450", "tok", t, clock).unwrap();
    let limit = block_on(c.rate_limit(&RunOptions::default()));
    assert_eq!((limit.limit, limit.budget), (450, 430));
    assert_eq!(limit.key, "token.rate.per.minute");
}

use usage_lens::analysis::{choose_allowance, AllowanceSource, LicenceCount};

fn contract_of(scenario: &str) -> Result<ContractAllowance, ContractMiss> {
    let (c, _, _) = setup(scenario, SECRET);
    block_on(c.contract_allowance("2026-06-21", &ChargeMatcher::Api, &RunOptions::default()))
}

#[test]
fn the_contract_states_the_allowance_and_its_count_matches_the_usage_data() {
    let (c, _, _) = setup("id=bill", SECRET);
    let found =
        block_on(c.contract_allowance("2026-06-21", &ChargeMatcher::Api, &RunOptions::default()))
            .unwrap();
    assert_eq!(found.contract, "C-0042-7781");
    assert_eq!(found.charge, "API Requests");
    assert_eq!(found.period, "2026-06-01/2026-06-30");
    assert_eq!(found.allowance, 2_000_000.0);
    assert_eq!(found.overage_currency.as_deref(), Some("USD"));
    let month = block_on(c.query_organization_usage(
        &ApiUsageOrganizationQuery {
            interval: "2026-06-01/2026-06-21".into(),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap();
    let ours: i64 = month.results.iter().filter_map(|r| r.requests).sum();
    assert!(ours > 0);
    assert_eq!(found.actual, Some(ours as f64));
    let choice = choose_allowance(None, Some(Ok(found)), None).unwrap();
    assert_eq!(choice.source, AllowanceSource::Contract);
    assert_eq!(choice.requests, Some(2_000_000));
    assert!(choice.detail.contains("C-0042-7781") && choice.detail.contains("API Requests"));
}

#[test]
fn each_fallback_says_why_and_the_next_source_is_used() {
    let licences = LicenceCount {
        licence: "cx3-named".into(),
        count: 40,
    };
    let cases = [
        ("id=f403;nobilling=1", "billing:subscription:view"),
        ("id=fnone;nocontract=1", "no active billing contract"),
        ("id=fcharge;nocharge=1", "no API-requests charge"),
    ];
    for (scenario, why) in cases {
        let miss = contract_of(scenario).unwrap_err();
        let choice = choose_allowance(None, Some(Err(miss.clone())), Some(&licences)).unwrap();
        assert_eq!(choice.source, AllowanceSource::Licences, "{scenario}");
        assert_eq!(choice.requests, Some(40 * 140_000));
        assert!(
            choice.fallbacks[0].contains(why),
            "{scenario}: {:?}",
            choice.fallbacks
        );
        let none = choose_allowance(None, Some(Err(miss)), None).unwrap();
        assert_eq!((none.source, none.requests), (AllowanceSource::None, None));
        assert_eq!(none.fallbacks.len(), 2);
    }
    // A typed allowance wins over the contract, which is still shown.
    let typed = usage_lens::analysis::Allowance::Requests { requests: 123 };
    let choice =
        choose_allowance(Some(&typed), Some(contract_of("id=t")), Some(&licences)).unwrap();
    assert_eq!(
        (choice.source, choice.requests),
        (AllowanceSource::Typed, Some(123))
    );
    assert_eq!(choice.contract.unwrap().allowance, 2_000_000.0);
    // A named charge that is not there is a miss too.
    let (c, _, _) = setup("id=named", SECRET);
    let miss = block_on(c.contract_allowance(
        "2026-06-21",
        &ChargeMatcher::from_name(Some("Platform API overage")),
        &RunOptions::default(),
    ))
    .unwrap_err();
    assert!(miss.reason().contains("Platform API overage"));
}

#[test]
fn a_429_that_is_not_got_through_names_the_real_limit() {
    let (c, _, _) = setup("id=l429;limit=600;r429=50;wait=1", SECRET);
    let c = c.with_retry_policy(usage_lens::engine::RetryPolicy {
        max_rate_limit_retries: 1,
        ..Default::default()
    });
    let e = block_on(c.token_info(&RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert!(
        e.message.contains("its limit is 600 requests a minute"),
        "{}",
        e.message
    );
}

#[test]
fn a_429_body_without_a_limit_is_explained_with_the_limit_read_from_the_organization() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |req, _| {
        if req.url.contains("/limits/namespaces/") {
            return Ok(HttpResponse::new(
                200,
                r#"{"entities":[{"key":"token.rate.per.minute","value":900,"namespace":"platform.api"}]}"#,
            ));
        }
        Ok(HttpResponse::new(429, r#"{"message":"Too many requests"}"#))
    });
    let c = genesys::Client::new("https://x.test", "tok", fake, clock)
        .unwrap()
        .with_retry_policy(usage_lens::engine::RetryPolicy {
            max_rate_limit_retries: 0,
            ..Default::default()
        });
    let before = block_on(c.token_info(&RunOptions::default())).unwrap_err();
    assert!(
        !before.message.contains("its limit is"),
        "{}",
        before.message
    );
    assert_eq!(block_on(c.rate_limit(&RunOptions::default())).limit, 900);
    let e = block_on(c.token_info(&RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert!(
        e.message.contains("its limit is 900 requests a minute"),
        "{}",
        e.message
    );
}

#[test]
fn a_token_request_that_gets_no_answer_is_tried_again() {
    let clock = VirtualClock::new(T0);
    let tries = Rc::new(RefCell::new(0u32));
    let seen = tries.clone();
    let fake = FakeTransport::new(clock.clone(), move |req, _| {
        if req.url.ends_with("/oauth/token") {
            *seen.borrow_mut() += 1;
            if *seen.borrow() <= 2 {
                return Err(usage_lens::http::TransportError::Network(
                    "connection reset".into(),
                ));
            }
            return Ok(HttpResponse::new(
                200,
                r#"{"access_token":"t","token_type":"bearer","expires_in":86399}"#,
            ));
        }
        Ok(HttpResponse::new(200, r#"{"organization":{"id":"o"}}"#))
    });
    let creds = ClientCredentials::new("id", SECRET, None).unwrap();
    let c = genesys::Client::with_client_credentials("https://x.test", &creds, fake, clock.clone())
        .unwrap();
    let started = clock.now_ms();
    block_on(c.token_info(&RunOptions::default())).unwrap();
    assert_eq!(
        *tries.borrow(),
        3,
        "two lost token requests, then one answered"
    );
    assert!(clock.now_ms() > started, "it waited between tries");
    // Lost every time: a network error that names the login host, after the policy's retries.
    let clock = VirtualClock::new(T0);
    let lost = FakeTransport::new(clock.clone(), |_, _| {
        Err(usage_lens::http::TransportError::Network(
            "connection reset".into(),
        ))
    });
    let c =
        genesys::Client::with_client_credentials("https://x.test", &creds, lost, clock).unwrap();
    let e = block_on(c.token_info(&RunOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(!e.message.contains(SECRET));
    let policy = usage_lens::engine::RetryPolicy::default();
    assert_eq!(
        c.transport().requests().len() as u32,
        policy.max_failure_retries + 1
    );
}

#[test]
fn a_token_that_lives_no_time_still_serves_the_request_that_fetched_it() {
    let clock = VirtualClock::new(T0);
    let fake = FakeTransport::new(clock.clone(), |req, _| {
        Ok(if req.url.ends_with("/oauth/token") {
            HttpResponse::new(200, r#"{"access_token":"t0","expires_in":0}"#)
        } else {
            HttpResponse::new(200, r#"{"organization":{"id":"o"}}"#)
        })
    });
    let creds = ClientCredentials::new("id", SECRET, None).unwrap();
    let c =
        genesys::Client::with_client_credentials("https://x.test", &creds, fake, clock).unwrap();
    block_on(c.token_info(&RunOptions::default())).unwrap();
    block_on(c.token_info(&RunOptions::default())).unwrap();
    // One token for each request: never a loop of token requests.
    assert_eq!(c.transport().requests().len(), 4);
}
