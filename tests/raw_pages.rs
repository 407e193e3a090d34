//! The raw page types (rows kept as the vendor's JSON, as the JavaScript face
//! uses them) against the typed ones: the same flows over the same simulated
//! data give the same answer, request for request, and a raw row that is not
//! an object is refused like a typed decoder would refuse it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use usage_lens::engine::{Progress, RunOptions};
use usage_lens::error::ErrorKind;
use usage_lens::genesys::{self, *};
use usage_lens::http::HttpResponse;
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::thousandeyes::{
    self, EnterpriseAgentsUsage, ExpandUsageOptions, Quotas, RawBreakdowns, RawDocument,
    TestsUsage, Usage, UsageParams,
};
use usage_lens::transport::fake::{block_on, progress_recorder, FakeTransport, VirtualClock};

const T0: u64 = 1_782_000_000_000; // 2026-06-21

type Gc = genesys::Client<SimTransport<VirtualClock>, VirtualClock>;
type Tc = thousandeyes::Client<SimTransport<VirtualClock>, VirtualClock>;

/// A fresh simulator per call, so the typed and the raw run see the same data.
fn genesys(scenario: &str) -> (Gc, Rc<RefCell<Vec<Progress>>>, RunOptions) {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(11).with_default_exec_ms(3_000)));
    let t = SimTransport::new(sim, clock.clone()).with_latency_ms(20);
    let c = genesys::Client::new(
        &format!("https://demo.invalid/_s/{scenario}"),
        "tok",
        t,
        clock,
    )
    .unwrap();
    let (opts, events) = progress_recorder();
    (c, events, opts)
}

fn thousandeyes() -> (Tc, Rc<RefCell<Vec<Progress>>>, RunOptions) {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(11)));
    let t = SimTransport::new(sim, clock.clone());
    let c = thousandeyes::Client::new(Some("https://demo.invalid"), "tok", t, clock).unwrap();
    let (opts, events) = progress_recorder();
    (c, events, opts)
}

/// The raw answer, written out and read back typed, equals the typed answer.
fn same<T, R>(typed: &T, raw: &R)
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
    R: Serialize,
{
    let text = serde_json::to_string(raw).unwrap();
    let reread: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&reread, typed);
}

fn progress_of(events: &Rc<RefCell<Vec<Progress>>>) -> Vec<Progress> {
    events
        .borrow()
        .iter()
        .map(|p| Progress {
            elapsed_ms: 0,
            ..p.clone()
        })
        .collect()
}

#[test]
fn every_genesys_flow_gives_the_same_answer_raw_and_typed() {
    let week = "2026-06-01/2026-06-08";
    let org = ApiUsageOrganizationQuery {
        interval: week.into(),
        granularity: Some(Granularity::Day),
        group_by: Some(vec![OrganizationGroupBy::OAuthClientId]),
        ..Default::default()
    };
    let (c, te, ot) = genesys("id=raw-org");
    let typed = block_on(c.query_organization_usage(&org, &ot)).unwrap();
    let (c, re, or) = genesys("id=raw-org");
    let raw: RawQueryResult = block_on(c.query_organization_usage_as(&org, &or)).unwrap();
    assert!(!typed.results.is_empty());
    same(&typed, &raw);
    assert_eq!(progress_of(&te), progress_of(&re));

    let client = typed.results[0].client_id.clone().unwrap();
    let cq = ApiUsageClientQuery {
        interval: week.into(),
        group_by: Some(vec![ClientGroupBy::TemplateUri]),
        ..Default::default()
    };
    let (c, _, o) = genesys("id=raw-client");
    let typed = block_on(c.query_client_usage(&client, &cq, &o)).unwrap();
    let (c, _, o) = genesys("id=raw-client");
    let raw: RawQueryResult = block_on(c.query_client_usage_as(&client, &cq, &o)).unwrap();
    same(&typed, &raw);

    let (c, _, o) = genesys("id=raw-summary");
    let typed = block_on(c.client_usage_summary(&client, Some(3), &o)).unwrap();
    let (c, _, o) = genesys("id=raw-summary");
    let raw: RawQueryResult = block_on(c.client_usage_summary_as(&client, Some(3), &o)).unwrap();
    same(&typed, &raw);

    let job = OrganizationPublicApiUsageQueryRequest {
        interval: "2026-06-10/2026-06-17".into(),
        granularity: Some(Granularity::Day),
        ..Default::default()
    };
    let (c, te, ot) = genesys("id=raw-job");
    let typed = block_on(c.aggregates_query(&job, &ot)).unwrap();
    let (c, re, or) = genesys("id=raw-job");
    let raw: RawJobResults = block_on(c.aggregates_query_as(&job, &or)).unwrap();
    assert!(!typed.entities.is_empty());
    same(&typed, &raw);
    assert_eq!(progress_of(&te), progress_of(&re));

    let cjob = ClientPublicApiUsageQueryRequest {
        interval: "2026-06-10/2026-06-17".into(),
        ..Default::default()
    };
    let (c, _, o) = genesys("id=raw-cjob");
    let typed = block_on(c.client_aggregates_query(&client, &cjob, &o)).unwrap();
    let (c, _, o) = genesys("id=raw-cjob");
    let raw: RawJobResults = block_on(c.client_aggregates_query_as(&client, &cjob, &o)).unwrap();
    same(&typed, &raw);
}

#[test]
fn a_split_simple_search_gives_the_same_rows_raw_and_typed() {
    let search = ApiUsageSimpleSearch {
        interval: "2026-06-01T00:00:00Z/2026-06-11T00:00:00Z".into(),
        ..Default::default()
    };
    let (c, te, mut ot) = genesys("id=raw-split;perday=2500");
    ot.split_on_cap = true;
    let typed = block_on(c.simple_search(&search, &ot)).unwrap();
    let (c, re, mut or) = genesys("id=raw-split;perday=2500");
    or.split_on_cap = true;
    let raw: RawQueryResult = block_on(c.simple_search_as(&search, &or)).unwrap();
    assert_eq!(typed.results.len(), 25_000);
    assert_eq!(raw.results.len(), 25_000);
    same(&typed, &raw);
    assert_eq!(progress_of(&te), progress_of(&re));

    // Capped, without splitting.
    let (c, _, o) = genesys("id=raw-cap;perday=2500");
    let raw: RawQueryResult = block_on(c.simple_search_as(&search, &o)).unwrap();
    assert!(raw.capped);
    assert_eq!(raw.results.len(), 20_000);
}

#[test]
fn every_thousandeyes_flow_gives_the_same_answer_raw_and_typed() {
    let params = UsageParams {
        aid: None,
        expand: Some(vec![ExpandUsageOptions::Test]),
    };
    let (c, te, ot) = thousandeyes();
    let typed: Usage = block_on(c.usage(&params, &ot)).unwrap();
    let (c, re, or) = thousandeyes();
    let raw: RawDocument = block_on(c.usage_as(&params, &or)).unwrap();
    same(&typed, &raw);
    assert!(progress_of(&re).last().unwrap().rows > 0);
    assert_eq!(progress_of(&te), progress_of(&re));

    let (c, _, o) = thousandeyes();
    let typed: TestsUsage = block_on(c.tests_units_usage(&Default::default(), &o)).unwrap();
    let (c, _, o) = thousandeyes();
    let raw: RawBreakdowns = block_on(c.tests_units_usage_as(&Default::default(), &o)).unwrap();
    assert!(typed.breakdowns.len() > 50);
    same(&typed, &raw);

    let (c, _, o) = thousandeyes();
    let typed: EnterpriseAgentsUsage =
        block_on(c.enterprise_agent_units_usage(&Default::default(), &o)).unwrap();
    let (c, _, o) = thousandeyes();
    let raw: RawBreakdowns =
        block_on(c.enterprise_agent_units_usage_as(&Default::default(), &o)).unwrap();
    same(&typed, &raw);

    let (c, te, ot) = thousandeyes();
    let typed: Quotas = block_on(c.quotas(&ot)).unwrap();
    let (c, re, or) = thousandeyes();
    let raw: RawDocument = block_on(c.quotas_as(&or)).unwrap();
    same(&typed, &raw);
    assert_eq!(progress_of(&te), progress_of(&re));
}

/// A client whose every answer is `body` with status 200.
fn answering(body: &'static str) -> genesys::Client<FakeTransport, VirtualClock> {
    let clock = VirtualClock::new(T0);
    let t = FakeTransport::new(clock.clone(), move |req, _| {
        if req.url.ends_with("/usage/query") {
            Ok(HttpResponse::new(200, r#"{"executionId":"e1"}"#))
        } else {
            Ok(HttpResponse::new(200, body))
        }
    });
    genesys::Client::new("https://api.mypurecloud.com", "tok", t, clock).unwrap()
}

#[test]
fn a_raw_row_that_is_not_an_object_is_a_decode_error() {
    let q = ApiUsageOrganizationQuery {
        interval: "2026-06-01/2026-06-08".into(),
        ..Default::default()
    };
    for body in [
        r#"{"queryStatus":"Complete","results":[{"requests":1},7]}"#,
        r#"{"queryStatus":"Complete","results":[null]}"#,
        r#"{"queryStatus":"Complete","results":["x"]}"#,
    ] {
        let c = answering(body);
        let typed = block_on(c.query_organization_usage(&q, &RunOptions::default()));
        let raw =
            block_on(c.query_organization_usage_as::<RawQueryResult>(&q, &RunOptions::default()));
        assert!(typed.unwrap_err().is(ErrorKind::Decode), "{body}");
        let err = raw.unwrap_err();
        assert!(err.is(ErrorKind::Decode), "{body}");
        assert!(err.message.contains("is not an object"), "{}", err.message);
    }
    // Missing or null `results` read as no rows, like the typed page.
    for body in [
        r#"{"queryStatus":"Complete"}"#,
        r#"{"queryStatus":"Complete","results":null}"#,
    ] {
        let c = answering(body);
        let raw: RawQueryResult =
            block_on(c.query_organization_usage_as(&q, &RunOptions::default())).unwrap();
        assert!(raw.results.is_empty());
        assert_eq!(
            serde_json::to_string(&raw).unwrap(),
            r#"{"results":[],"queryStatus":"Complete"}"#
        );
    }
}
