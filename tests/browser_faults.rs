//! Faults, in a real browser against the simulator server: each ends with the
//! right error kind and a message a person can act on, and rows fetched
//! before a failure are kept on the error.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::rc::Rc;

use usage_lens::engine::RunOptions;
use usage_lens::genesys::{
    self, ApiUsageOrganizationQuery, ApiUsageSimpleSearch, OrganizationPublicApiUsageQueryRequest,
};
use usage_lens::thousandeyes::{self, TestsUnitsParams};
use usage_lens::transport::fetch::FetchTransport;
use usage_lens::{Error, ErrorKind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SIM: &str = match option_env!("USAGE_LENS_SIM_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};

type Gc = genesys::Client<Rc<FetchTransport>, Rc<FetchTransport>>;

fn gc(scenario: &str) -> Gc {
    let t = Rc::new(FetchTransport::new(None, None).unwrap());
    genesys::Client::new(&format!("{SIM}/_s/{scenario}"), "fault-test", t.clone(), t).unwrap()
}

fn org() -> ApiUsageOrganizationQuery {
    ApiUsageOrganizationQuery {
        interval: "2026-05-01/2026-05-04".into(),
        ..Default::default()
    }
}

fn search() -> ApiUsageSimpleSearch {
    ApiUsageSimpleSearch {
        interval: "2026-05-01/2026-05-08".into(),
        ..Default::default()
    }
}

/// The simulator server's counters for one scenario id: proof that the fault
/// a test names was injected, and of what the client did about it.
async fn stats(id: &str) -> serde_json::Value {
    let t = FetchTransport::new(None, None).unwrap();
    let res = usage_lens::http::Transport::send(
        &t,
        &usage_lens::http::HttpRequest::new(
            usage_lens::http::Method::Get,
            format!("{SIM}/_sim/stats?id={id}"),
        ),
    )
    .await
    .unwrap();
    serde_json::from_str(&res.body).unwrap()
}

/// Waits on the page's own timers.
async fn pause(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

fn partial_rows(e: &Error) -> usize {
    e.partial
        .as_ref()
        .and_then(|p| p["results"].as_array().map(Vec::len))
        .unwrap_or(0)
}

#[wasm_bindgen_test]
async fn a_429_storm_with_retry_after_gives_up_with_the_wait() {
    let e = gc("id=f1;r429=99;ra=1;wait=0;exec=0")
        .query_organization_usage(&org(), &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after_ms, Some(0));
    assert!(e.message.contains("Wait a minute"), "{}", e.message);
    // The stats are read after the run ended, so all eleven tries are in.
    let st = stats("f1").await;
    assert_eq!(
        (st["requests"].as_u64(), st["rateLimited"].as_u64()),
        (Some(11), Some(11))
    );
}

#[wasm_bindgen_test]
async fn a_429_storm_without_readable_headers_uses_the_message() {
    // No Retry-After: the seconds come from "Retry the request in [0] seconds".
    let e = gc("id=f2;r429=99;wait=0;exec=0")
        .query_organization_usage(&org(), &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.status, Some(429));
    assert!(e.correlation_id.is_some());
    assert_eq!(stats("f2").await["rateLimited"], 11);
}

#[wasm_bindgen_test]
async fn each_retryable_5xx_is_retried_then_succeeds() {
    for code in [500, 502, 503, 504] {
        // Two failures, backed off (1 s, 2 s), then the query completes.
        let r = gc(&format!("id=f5xx{code};e5xx=2;code={code};exec=0"))
            .query_organization_usage(&org(), &RunOptions::default())
            .await
            .unwrap();
        assert!(!r.results.is_empty(), "{code}");
        let st = stats(&format!("f5xx{code}")).await;
        assert_eq!(
            (st["serverErrors"].as_u64(), st["requests"].as_u64()),
            (Some(2), Some(4)),
            "{code}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_persistent_5xx_stops_with_server_when_the_next_retry_would_pass_the_time_limit() {
    let opts = RunOptions {
        timeout_ms: Some(4_000),
        ..Default::default()
    };
    let e = gc("id=f6;e5xx=99;exec=0")
        .query_organization_usage(&org(), &opts)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert!(e.message.contains("Try again"), "{}", e.message);
    // Tries at 0, 1 and 3 s; the 4 s backoff would end past the 4 s limit.
    let st = stats("f6").await;
    assert_eq!(
        (st["requests"].as_u64(), st["serverErrors"].as_u64()),
        (Some(3), Some(3))
    );
}

#[wasm_bindgen_test]
async fn a_connection_dropped_mid_run_is_retried() {
    // The submit works, the first status check's connection drops.
    let r = gc("id=f7;drop=1;faultafter=1;exec=0")
        .query_organization_usage(&org(), &RunOptions::default())
        .await
        .unwrap();
    assert!(!r.results.is_empty());
    let st = stats("f7").await;
    assert_eq!(
        (st["dropped"].as_u64(), st["requests"].as_u64()),
        (Some(1), Some(3))
    );
}

#[wasm_bindgen_test]
async fn a_stalled_answer_is_given_up_on_and_sent_again() {
    let t = Rc::new(FetchTransport::new(None, None).unwrap());
    let c = genesys::Client::new(
        &format!("{SIM}/_s/id=f19;stall=1;faultafter=1;exec=0"),
        "fault-test",
        t.clone(),
        t,
    )
    .unwrap()
    .with_retry_policy(usage_lens::engine::RetryPolicy {
        stall_ms: 1_500,
        ..Default::default()
    });
    let started = js_sys::Date::now();
    // The submit is answered; the first status check's answer is held back 5 s.
    // After 1.5 s without an answer it counts as dropped and is sent again.
    let r = c
        .query_organization_usage(&org(), &RunOptions::default())
        .await
        .unwrap();
    assert!(!r.results.is_empty());
    let took = js_sys::Date::now() - started;
    assert!(
        took < 5_000.0,
        "did not wait out the stalled answer: {took} ms"
    );
    // The browser closed the stalled connection when the client gave up on it.
    let st = stats("f19").await;
    assert_eq!(st["stalled"], 1);
    assert_eq!(st["clientAborts"], 1);
    assert_eq!(st["requests"], 3);
}

#[wasm_bindgen_test]
async fn an_abort_of_a_request_in_flight_closes_its_connection_and_nothing_is_sent_after() {
    // The submit is answered; the first check's answer is held back 10 s.
    let controller = web_sys::AbortController::new().unwrap();
    let t = Rc::new(FetchTransport::new(Some(controller.signal()), None).unwrap());
    let c = genesys::Client::new(
        &format!("{SIM}/_s/id=f20;stall=1;stallms=10000;faultafter=1;exec=0"),
        "fault-test",
        t.clone(),
        t,
    )
    .unwrap();
    let (q, opts) = (org(), RunOptions::default());
    let run = c.query_organization_usage(&q, &opts);
    let abort_later = async {
        // Let the check go out and be held, then abort.
        pause(1_000).await;
        controller.abort();
    };
    let started = js_sys::Date::now();
    let (result, ()) = futures_join2(run, abort_later).await;
    let e = result.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Aborted);
    assert!(js_sys::Date::now() - started < 1_500.0);
    // Give the server time to notice the closed connection, and to receive
    // anything the client might (wrongly) send after the abort.
    pause(1_500).await;
    let st = stats("f20").await;
    assert_eq!(st["stalled"], 1);
    assert_eq!(
        st["clientAborts"], 1,
        "the server saw the connection dropped"
    );
    assert_eq!(st["requests"], 2, "nothing was sent after the abort");
}

#[wasm_bindgen_test]
async fn a_network_gone_mid_page_keeps_the_pages_already_read() {
    let opts = RunOptions {
        timeout_ms: Some(5_000),
        ..Default::default()
    };
    // Submit, the first page (with the status check), one more page; then the network is gone.
    let e = gc("id=f8;rows=5000;exec=0;drop=99;faultafter=3")
        .simple_search(&search(), &opts)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(e.message.contains("network connection"), "{}", e.message);
    assert_eq!(partial_rows(&e), 2_000);
    let st = stats("f8").await;
    assert!(st["dropped"].as_u64().unwrap() >= 1, "{st}");
}

#[wasm_bindgen_test]
async fn truncated_json_is_a_decode_error_that_quotes_the_body() {
    let e = gc("id=f9;trunc=1;exec=0")
        .query_organization_usage(&org(), &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert!(e.message.contains("Body starts"), "{}", e.message);
    assert_eq!(stats("f9").await["requests"], 1);
}

#[wasm_bindgen_test]
async fn an_html_page_instead_of_json_is_explained() {
    let e = gc("id=f10;html=1")
        .query_organization_usage(&org(), &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert!(e.message.contains("HTML"), "{}", e.message);
}

#[wasm_bindgen_test]
async fn failed_and_cancelled_executions_are_query_failed() {
    let e = gc("id=f11;fail=1;exec=0")
        .query_organization_usage(&org(), &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::QueryFailed);
    let now = js_sys::Date::new_0();
    let day = |offset: f64| {
        let d = js_sys::Date::new(&(now.get_time() - offset * 86_400_000.0).into());
        String::from(d.to_iso_string())
            .get(..10)
            .unwrap()
            .to_string()
    };
    let job = OrganizationPublicApiUsageQueryRequest {
        interval: format!("{}T00:00:00Z/{}T00:00:00Z", day(10.0), day(2.0)),
        ..Default::default()
    };
    let e = gc("id=f12;cancel=1;exec=0")
        .aggregates_query(&job, &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::QueryFailed);
    assert!(e.message.contains("cancelled"), "{}", e.message);
    let e = gc("id=f13;fail=1;exec=0")
        .aggregates_query(&job, &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::QueryFailed);
}

#[wasm_bindgen_test]
async fn an_execution_that_never_finishes_times_out() {
    let opts = RunOptions {
        timeout_ms: Some(2_500),
        ..Default::default()
    };
    let e = gc("id=f14;never=1")
        .query_organization_usage(&org(), &opts)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(e.message.contains("time limit"), "{}", e.message);
}

#[wasm_bindgen_test]
async fn a_repeating_cursor_ends_the_walk_without_losing_rows() {
    let r = gc("id=f15;rows=5000;repeat=1;exec=0")
        .simple_search(&search(), &RunOptions::default())
        .await
        .unwrap();
    // Pages 1, 2 and 3; page 3 names page 2's cursor again, so the walk stops.
    assert_eq!(r.results.len(), 3_000);
    let st = stats("f15").await;
    let pages: Vec<&str> = st["lastPaths"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| p.contains("/results"))
        .collect();
    let unique: std::collections::HashSet<_> = pages.iter().collect();
    assert_eq!((pages.len(), unique.len()), (3, 3), "{pages:?}");
}

#[wasm_bindgen_test]
async fn a_token_that_expires_on_page_7_of_20_keeps_six_pages() {
    // Requests: submit, status check with page 1, pages 2–6; page 7 is the 8th request.
    let e = gc("id=f16;rows=20000;exec=0;expire=7")
        .simple_search(&search(), &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    assert!(e.message.contains("sign in again"), "{}", e.message);
    assert_eq!(partial_rows(&e), 6_000);
    assert_eq!(stats("f16").await["requests"], 8);
}

#[wasm_bindgen_test]
async fn thousandeyes_faults_keep_their_pages_too() {
    let t = Rc::new(FetchTransport::new(None, None).unwrap());
    let te = thousandeyes::Client::new(
        Some(&format!("{SIM}/_s/id=f17;tests=150;tepage=50;expire=2")),
        "fault-test",
        t.clone(),
        t,
    )
    .unwrap();
    let e = te
        .tests_units_usage(&TestsUnitsParams::default(), &RunOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unauthorized);
    assert!(e.message.contains("User API Tokens"), "{}", e.message);
    let kept = e
        .partial
        .as_ref()
        .and_then(|p| p["breakdowns"].as_array().map(Vec::len));
    assert_eq!(kept, Some(100));
    assert_eq!(stats("f17").await["requests"], 3);
}

#[wasm_bindgen_test]
async fn twenty_queries_at_once_share_a_budget_below_the_servers_limit() {
    // The server allows 30 requests a 5 s window; twenty queries need 40.
    // One budget of 28 a 5 s window, shared by all twenty, keeps them under it.
    let t = Rc::new(FetchTransport::new(None, None).unwrap());
    let budget = Rc::new(std::cell::RefCell::new(
        usage_lens::engine::RateBudget::new(28, 5_000, 2),
    ));
    let clients: Vec<Gc> = (0..20)
        .map(|_| {
            genesys::Client::new(
                &format!("{SIM}/_s/id=f18;exec=0;limit=30;windowms=5000"),
                "fault-test",
                t.clone(),
                t.clone(),
            )
            .unwrap()
            .with_budget(budget.clone())
        })
        .collect();
    let q = org();
    let opts = RunOptions::default();
    let runs: Vec<_> = clients
        .iter()
        .map(|c| c.query_organization_usage(&q, &opts))
        .collect();
    // All twenty run at once on the page's event loop.
    let results = futures_join(runs).await;
    assert!(results.iter().all(Result::is_ok));
    let st = stats("f18").await;
    assert_eq!(st["rateLimited"], 0);
    assert_eq!(st["requests"], 40);
}

/// Awaits two futures together.
async fn futures_join2<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let mut a = Box::pin(a);
    let mut b = Box::pin(b);
    let mut out_a = None;
    let mut out_b = None;
    std::future::poll_fn(move |cx| {
        if out_a.is_none() {
            if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        if out_a.is_some() && out_b.is_some() {
            std::task::Poll::Ready((out_a.take().unwrap(), out_b.take().unwrap()))
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

/// Awaits every future, polling them together.
async fn futures_join<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    let mut futs: Vec<_> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (i, f) in futs.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(out.iter_mut().map(|o| o.take().unwrap()).collect())
        }
    })
    .await
}
