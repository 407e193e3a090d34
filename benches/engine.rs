//! Request counts and detection delay of the poll schedule, and requests per
//! page walk, measured by running the real clients on a virtual clock.
//! Prints a table; `make bench` runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use usage_lens::engine::{PollSchedule, RetryPolicy, RunOptions};
use usage_lens::genesys::{
    self, ApiUsageOrganizationQuery, ApiUsageSimpleSearch, Granularity, Keep, MemoryStore,
    OrganizationJobGroupBy, OrganizationPublicApiUsageQueryRequest, PublicApiUsageResultsResponse,
};
use usage_lens::http::{Clock, HttpResponse, Method};
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::thousandeyes::{self, TestsUnitsParams};
use usage_lens::transport::fake::{block_on, FakeTransport, VirtualClock};

const T0: u64 = 1_780_000_000_000;

/// Runs one legacy query that completes `done_ms` after submission; returns
/// (requests, detection delay in ms).
fn one_query(schedule: PollSchedule, done_ms: u64) -> (usize, u64) {
    let clock = VirtualClock::new(T0);
    let submitted = Rc::new(Cell::new(0u64));
    let detected = Rc::new(Cell::new(0u64));
    let (s, d) = (submitted.clone(), detected.clone());
    let fake = FakeTransport::new(clock.clone(), move |req, now| {
        if req.method == Method::Post {
            s.set(now);
            return Ok(HttpResponse::new(
                202,
                r#"{"executionId":"e1","resultsUri":"/x"}"#,
            ));
        }
        if now - s.get() >= done_ms {
            d.set(now - s.get());
            Ok(HttpResponse::new(
                200,
                r#"{"queryStatus":"Complete","results":[]}"#,
            ))
        } else {
            Ok(HttpResponse::new(200, r#"{"queryStatus":"Running"}"#))
        }
    });
    let client = genesys::Client::new("https://api.mypurecloud.com", "bench", fake, clock.clone())
        .unwrap()
        .with_poll_schedule(schedule)
        .with_retry_policy(RetryPolicy::default().without_jitter());
    let q = ApiUsageOrganizationQuery {
        interval: "2026-06-01/2026-06-08".into(),
        ..Default::default()
    };
    block_on(client.query_organization_usage(&q, &RunOptions::default())).unwrap();
    let n = client.transport().requests().len();
    (n, detected.get() - done_ms)
}

/// Appends a row to the summary table of `make bench` (the tab-separated
/// file named by `BENCH_SUMMARY`), when there is one.
fn record(
    row: &str,
    measure: &str,
    value: &str,
    reference: &str,
    ratio: f64,
    target: &str,
    met: Option<bool>,
) {
    let Ok(path) = std::env::var("BENCH_SUMMARY") else {
        return;
    };
    let met = match met {
        None => "",
        Some(true) => "yes",
        Some(false) => "no",
    };
    let line = format!("{row}\t{measure}\t{value}\t{reference}\t{ratio:.2}×\t{target}\t{met}\n");
    use std::io::Write;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
    {
        let _ = f.write_all(line.as_bytes());
    }
}

fn poll_bench() {
    // Completion times log-uniform on [1 s, 600 s]: evenly spaced quantiles.
    let n = 2_000;
    let times: Vec<u64> = (0..n)
        .map(|i| {
            let u = (i as f64 + 0.5) / n as f64;
            (1_000.0 * (600f64).powf(u)).round() as u64
        })
        .collect();
    let fixed5 = PollSchedule {
        at_once: false,
        first_ms: 5_000,
        factor: 2.0,
        cap_ms: 5_000,
        min_gap_ms: 0,
    };
    let measure = |s: PollSchedule| {
        let mut req = 0usize;
        let mut delay = 0f64;
        for &t in &times {
            let (r, d) = one_query(s, t);
            req += r;
            delay += d as f64 / t as f64;
        }
        (req as f64 / n as f64, delay / n as f64)
    };
    let (ours_req, ours_delay) = measure(PollSchedule::default());
    let (five_req, five_delay) = measure(fixed5);
    println!("## Polling: {n} legacy queries, completion log-uniform 1–600 s (submit included)");
    println!("| schedule | requests/query | mean delay (share of completion time) |");
    println!("|---|---|---|");
    println!(
        "| usage-lens (at once, then 1.5 s, ×1.3, cap 45 s) | {ours_req:.2} | {:.1}% |",
        ours_delay * 100.0
    );
    println!("| every 5 s | {five_req:.2} | {:.1}% |", five_delay * 100.0);
    println!(
        "| ratio | {:.2}× (target ≤ 0.75×) | {:.1}% (target ≤ 15%) |",
        ours_req / five_req,
        ours_delay * 100.0
    );
    println!();
    record(
        "4",
        "polling: requests per query vs every 5 s (log-uniform 1–600 s)",
        &format!("{ours_req:.2}"),
        &format!("{five_req:.2}"),
        ours_req / five_req,
        "≤ 0.75×",
        Some(ours_req / five_req <= 0.75),
    );
    record(
        "4",
        "polling: mean detection delay, share of completion time",
        &format!("{:.1}%", ours_delay * 100.0),
        &format!("{:.1}%", five_delay * 100.0),
        ours_delay / five_delay,
        "≤ 15% delay",
        Some(ours_delay <= 0.15),
    );
}

fn paging_bench() {
    println!("## Paging: requests to fetch N records (simulator, virtual clock)");
    println!("| walk | records | requests | minimum | ratio |");
    println!("|---|---|---|---|---|");
    for rows in [2_500usize, 20_000] {
        let clock = VirtualClock::new(T0);
        let sim = Rc::new(RefCell::new(Sim::new(1).with_default_exec_ms(1_500)));
        let t = SimTransport::new(sim.clone(), clock.clone());
        let c = genesys::Client::new(
            &format!("https://demo.invalid/_s/id=pg{rows};rows={rows}"),
            "bench",
            t,
            clock.clone(),
        )
        .unwrap();
        let s = ApiUsageSimpleSearch {
            interval: "2026-05-01/2026-05-08".into(),
            ..Default::default()
        };
        let polls = Rc::new(Cell::new(0u32));
        let p = polls.clone();
        let opts = RunOptions {
            on_progress: Some(Rc::new(move |pr: &usage_lens::engine::Progress| {
                p.set(pr.polls)
            })),
            ..Default::default()
        };
        let r = block_on(c.simple_search(&s, &opts)).unwrap();
        let sent = sim.borrow().stats(&format!("pg{rows}")).requests as usize;
        // The first page arrives with the poll that sees Complete.
        let minimum = 1 + polls.get() as usize + rows.div_ceil(1000) - 1;
        println!(
            "| Genesys simple search | {} | {sent} | {minimum} (submit + {} polls + {} more pages) | {:.2}× |",
            r.results.len(),
            polls.get(),
            rows.div_ceil(1000) - 1,
            sent as f64 / minimum as f64
        );
        record(
            "5",
            &format!("paging: requests for {rows} simple-search records vs the minimum"),
            &sent.to_string(),
            &minimum.to_string(),
            sent as f64 / minimum as f64,
            "equal",
            Some(sent == minimum),
        );
    }
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(1)));
    let t = SimTransport::new(sim.clone(), clock.clone());
    let c = thousandeyes::Client::new(
        Some("https://demo.invalid/_s/id=te3;tests=150;tepage=50"),
        "bench",
        t,
        clock.clone(),
    )
    .unwrap();
    let r = block_on(c.tests_units_usage(&TestsUnitsParams::default(), &RunOptions::default()))
        .unwrap();
    let sent = sim.borrow().stats("te3").requests;
    println!(
        "| ThousandEyes tests units | {} | {sent} | 3 (pages of 50) | {:.2}× |",
        r.breakdowns.len(),
        sent as f64 / 3.0
    );
    record(
        "5",
        "paging: requests for 3 ThousandEyes pages vs the minimum",
        &sent.to_string(),
        "3",
        sent as f64 / 3.0,
        "equal",
        Some(sent == 3),
    );
    let _ = clock.now_ms();
    println!();
}

/// The last 52 weeks by day, kept in memory, asked for once and again a day
/// later: requests each time (the simulator, a virtual clock, every job 4 s).
fn kept_bench() {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(1).with_default_exec_ms(4_000)));
    let store = MemoryStore::default();
    let keep = Keep {
        store: &store,
        scope: "bench",
        refresh: false,
    };
    let run = |id: &str| {
        let today = clock.now_ms() / 86_400_000;
        let day = |d: u64| usage_lens::time::format_date((d * 86_400) as i64);
        let request = OrganizationPublicApiUsageQueryRequest {
            interval: format!("{}/{}", day(today - 364), day(today - 1)),
            granularity: Some(Granularity::Day),
            group_by: Some(vec![OrganizationJobGroupBy::OauthClientId]),
            ..Default::default()
        };
        let t = SimTransport::new(sim.clone(), clock.clone());
        let c = genesys::Client::new(
            &format!("https://demo.invalid/_s/id={id}"),
            "bench",
            t,
            clock.clone(),
        )
        .unwrap();
        let r: PublicApiUsageResultsResponse =
            block_on(c.aggregates_query_kept(&request, &keep, &RunOptions::default())).unwrap();
        let sent = sim.borrow().stats(id).requests;
        (sent, r)
    };
    let (first, year) = run("keep1");
    let parts = u64::from(year.parts.as_ref().map_or(1, |p| p.total));
    let one_part = first.div_ceil(parts);
    clock.advance(86_400_000);
    let (again, next) = run("keep2");
    let kept = next.parts.as_ref().map_or(0, |p| p.kept);
    println!("## A year of jobs asked again a day later (simulator, virtual clock, jobs of 4 s)");
    println!("| run | requests | jobs | days read from the kept ones |");
    println!("|---|---|---|---|");
    println!("| first: the last 52 weeks by day | {first} | {parts} | 0 |");
    println!(
        "| again, one day later | {again} | {} | {kept} |",
        next.parts.as_ref().map_or(1, |p| p.total)
    );
    println!("| one job of the first run, on average | {one_part} | 1 | |");
    println!();
    record(
        "11",
        "a year of jobs asked again a day later: requests vs the first run",
        &again.to_string(),
        &first.to_string(),
        again as f64 / first as f64,
        &format!("≤ one job ({one_part})"),
        Some(again <= one_part),
    );
}

fn main() {
    poll_bench();
    paging_bench();
    kept_bench();
}
