//! What the simulator's tests share: a simulator, a clock reading, and
//! requests made the way a client makes them.

use serde_json::{json, Value};

use crate::http::{HttpRequest, HttpResponse, Method};
use crate::sim::Sim;

/// The tests' clock: 2026-06-09T16:01:00Z.
pub(crate) const NOW: u64 = 1_781_020_860_000;
pub(crate) const TOKEN: &str = "Bearer good-token";
pub(crate) const HOST: &str = "https://demo.invalid";

pub(crate) fn sim() -> Sim {
    Sim::new(7).with_default_exec_ms(1000)
}

pub(crate) fn get(sim: &mut Sim, url: &str, now: u64) -> HttpResponse {
    let url = if url.starts_with('/') {
        format!("{HOST}{url}")
    } else {
        url.to_string()
    };
    sim.handle(
        &HttpRequest::new(Method::Get, url).header("Authorization", TOKEN),
        now,
    )
}

pub(crate) fn post(sim: &mut Sim, url: &str, body: &Value, now: u64) -> HttpResponse {
    sim.handle(
        &HttpRequest::new(Method::Post, format!("{HOST}{url}"))
            .header("Authorization", TOKEN)
            .json_body(body.to_string()),
        now,
    )
}

pub(crate) fn body(resp: &HttpResponse) -> Value {
    serde_json::from_str(&resp.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", resp.body))
}

pub(crate) fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

pub(crate) fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// Runs a legacy execution to completion and returns the final body.
pub(crate) fn run_execution(sim: &mut Sim, prefix: &str, start: HttpResponse) -> Value {
    assert_eq!(start.status, 202, "{}", start.body);
    let b = body(&start);
    let uri = b["resultsUri"].as_str().unwrap().to_string();
    let running = get(sim, &format!("{prefix}{uri}"), NOW + 10);
    assert_eq!(body(&running), json!({ "queryStatus": "Running" }));
    let done = get(sim, &format!("{prefix}{uri}"), NOW + 5_000);
    assert_eq!(done.status, 200);
    body(&done)
}
