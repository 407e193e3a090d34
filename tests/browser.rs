//! In a real browser (headless Chromium): the fetch transport and both
//! clients against the simulator server on loopback — a different origin, so
//! CORS is exercised for real — and the JavaScript façade.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::rc::Rc;

use js_sys::{Object, Reflect};
use usage_lens::engine::RunOptions;
use usage_lens::genesys::{
    self, ApiUsageOrganizationQuery, ApiUsageSimpleSearch, Granularity, QueryStatus,
};
use usage_lens::http::{Clock, HttpRequest, Method, Transport};
use usage_lens::js::GenesysClient;
use usage_lens::thousandeyes::{self, TestsUnitsParams};
use usage_lens::transport::fake::progress_recorder;
use usage_lens::transport::fetch::FetchTransport;
use usage_lens::ErrorKind;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The simulator server started by `make test` (scripts/test.sh).
const SIM: &str = match option_env!("USAGE_LENS_SIM_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};

fn base(scenario: &str) -> String {
    format!("{SIM}/_s/{scenario}")
}

fn transport() -> Rc<FetchTransport> {
    Rc::new(FetchTransport::new(None, None).unwrap())
}

async fn stats(id: &str) -> serde_json::Value {
    let t = transport();
    let res = t
        .send(&HttpRequest::new(
            Method::Get,
            format!("{SIM}/_sim/stats?id={id}"),
        ))
        .await
        .unwrap();
    serde_json::from_str(&res.body).unwrap()
}

#[wasm_bindgen_test]
async fn fetch_reads_status_body_and_exposed_rate_limit_headers() {
    let t = transport();
    // The token goes in a header (never the URL); the simulator answers with its rate-limit headers.
    let req = HttpRequest::new(Method::Get, format!("{}/api/v2/tokens/me", base("id=hdr")))
        .header("Authorization", "Bearer browser-test");
    let res = t.send(&req).await.unwrap();
    assert_eq!(res.status, 200);
    assert!(res.body.contains("organization"));
    // Readable only because the server lists them in Access-Control-Expose-Headers.
    assert!(
        res.header("inin-ratelimit-allowed").is_some(),
        "{:?}",
        res.headers
    );
}

#[wasm_bindgen_test]
async fn a_genesys_query_runs_end_to_end() {
    let t = transport();
    let c = genesys::Client::new(&base("id=e2e;exec=300"), "browser-test", t.clone(), t).unwrap();
    let q = ApiUsageOrganizationQuery {
        interval: "2026-05-01/2026-05-08".into(),
        granularity: Some(Granularity::Day),
        ..Default::default()
    };
    let (opts, events) = progress_recorder();
    // Submits, polls on real timers until the execution completes.
    let r = c.query_organization_usage(&q, &opts).await.unwrap();
    assert_eq!(r.query_status, Some(QueryStatus::Complete));
    assert!(!r.results.is_empty());
    assert!(events.borrow().last().unwrap().polls >= 1);
}

#[wasm_bindgen_test]
async fn a_20000_record_search_takes_20_pages() {
    let t = transport();
    let c = genesys::Client::new(
        &base("id=cap20k;rows=20000;exec=200"),
        "browser-test",
        t.clone(),
        t,
    )
    .unwrap();
    let s = ApiUsageSimpleSearch {
        interval: "2026-05-01/2026-05-08".into(),
        ..Default::default()
    };
    let (opts, events) = progress_recorder();
    // Polls, then follows cursors.after through every page.
    let r = c.simple_search(&s, &opts).await.unwrap();
    assert_eq!(r.results.len(), 20_000);
    let last = events.borrow().last().cloned().unwrap();
    assert_eq!(last.pages, 20);
    assert_eq!(last.rows, 20_000);
}

#[wasm_bindgen_test]
async fn a_429_is_waited_out_then_the_query_succeeds() {
    let t = transport();
    let c = genesys::Client::new(
        &base("id=r429;r429=1;ra=1;wait=1;exec=200"),
        "browser-test",
        t.clone(),
        t,
    )
    .unwrap();
    let q = ApiUsageOrganizationQuery {
        interval: "2026-05-01/2026-05-03".into(),
        ..Default::default()
    };
    let (opts, events) = progress_recorder();
    // The first request gets 429 with Retry-After: 1, waited out on a real timer.
    let r = c.query_organization_usage(&q, &opts).await.unwrap();
    assert_eq!(r.query_status, Some(QueryStatus::Complete));
    assert!(events.borrow().iter().any(|p| p.retries >= 1));
}

#[wasm_bindgen_test]
async fn an_abort_mid_poll_ends_the_run_at_once_and_nothing_is_sent_after() {
    let controller = web_sys::AbortController::new().unwrap();
    let t = Rc::new(FetchTransport::new(Some(controller.signal()), None).unwrap());
    let c = genesys::Client::new(
        &base("id=abort;never=1"),
        "browser-test",
        t.clone(),
        t.clone(),
    )
    .unwrap();
    let q = ApiUsageOrganizationQuery {
        interval: "2026-05-01/2026-05-03".into(),
        ..Default::default()
    };
    let started = t.now_ms();
    let abort_at = started + 2_500;
    let ctl = controller.clone();
    // Aborts while the run is waiting between polls.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = FetchTransport::new(None, None).unwrap().sleep(2_500).await;
        ctl.abort();
    });
    let err = c
        .query_organization_usage(&q, &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Aborted);
    let ended = t.now_ms();
    assert!(
        ended < abort_at + 500,
        "ended {} ms after the abort",
        ended as i64 - abort_at as i64
    );
    let before = stats("abort").await["requests"].as_u64().unwrap();
    // Wait longer than the next poll would have been: no request may arrive.
    FetchTransport::new(None, None)
        .unwrap()
        .sleep(2_000)
        .await
        .unwrap();
    assert_eq!(stats("abort").await["requests"].as_u64().unwrap(), before);
}

#[wasm_bindgen_test]
async fn thousandeyes_pages_are_merged_and_a_429_is_waited_out() {
    let t = transport();
    let c = thousandeyes::Client::new(
        Some(&base("id=te3;tests=150;tepage=50;r429=1;wait=1")),
        "browser-test",
        t.clone(),
        t,
    )
    .unwrap();
    let p = TestsUnitsParams {
        start_date: Some("2026-05-01T00:00:00Z".into()),
        end_date: Some("2026-05-15T00:00:00Z".into()),
        ..Default::default()
    };
    let (opts, events) = progress_recorder();
    // Three pages via _links.next, re-issued on our own base URL; the first answer is a 429.
    let r = c.tests_units_usage(&p, &opts).await.unwrap();
    assert_eq!(r.breakdowns.len(), 150);
    let last = events.borrow().last().cloned().unwrap();
    assert_eq!(last.pages, 3);
    assert!(last.retries >= 1);
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
async fn the_js_facade_resolves_plain_objects_and_rejects_with_usage_lens_errors() {
    let gc = GenesysClient::new(obj(&[
        ("baseUrl", JsValue::from_str(&base("id=facade;exec=200"))),
        ("accessToken", JsValue::from_str("browser-test")),
    ]))
    .unwrap();
    let query = obj(&[
        ("interval", JsValue::from_str("2026-05-01/2026-05-04")),
        ("granularity", JsValue::from_str("Day")),
    ]);
    // Resolves to a plain object with the vendor's wire names.
    let done = JsFuture::from(gc.query_organization_usage(tsify::Ts::new_unchecked(query), None))
        .await
        .unwrap();
    assert_eq!(
        Reflect::get(&done, &"queryStatus".into()).unwrap(),
        "Complete"
    );
    assert!(js_sys::Array::is_array(
        &Reflect::get(&done, &"results".into()).unwrap()
    ));

    let bad = obj(&[
        ("interval", JsValue::from_str("2026-05-01/2026-05-04")),
        ("granularity", JsValue::from_str("Hour")),
    ]);
    // Rejected before any request, with the contract's error shape.
    let err = JsFuture::from(gc.query_organization_usage(tsify::Ts::new_unchecked(bad), None))
        .await
        .unwrap_err();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(err.name(), "UsageLensError");
    assert_eq!(Reflect::get(&err, &"kind".into()).unwrap(), "invalidInput");
    assert!(String::from(err.message()).contains("granularity"));
}
