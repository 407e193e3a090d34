//! A jobs interval longer than one job allows, against the in-process
//! simulator on a virtual clock: cut into parts along the granularity, run a
//! few at once inside the shared budget, joined in date order, summed for a
//! total, and, when a part fails, the other parts' rows kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use usage_lens::engine::{Phase, RunOptions};
use usage_lens::genesys::{self, *};
use usage_lens::http::Clock;
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::transport::fake::{block_on, progress_recorder, VirtualClock};
use usage_lens::ErrorKind;

const T0: u64 = 1_782_000_000_000; // 2026-06-21T00:00Z

#[path = "support/watched.rs"]
mod watched;
use watched::Watched;

type Gc = genesys::Client<Rc<Watched>, VirtualClock>;

fn setup(refuse: Option<&'static str>) -> (Gc, Rc<Watched>) {
    setup_at(refuse, &VirtualClock::new(T0))
}

fn setup_at(refuse: Option<&'static str>, clock: &VirtualClock) -> (Gc, Rc<Watched>) {
    let clock = clock.clone();
    let sim = Rc::new(RefCell::new(Sim::new(5).with_default_exec_ms(4_000)));
    let watched = Rc::new(Watched::new(
        SimTransport::new(sim, clock.clone()).with_latency_ms(40),
        refuse,
    ));
    let c = genesys::Client::new(
        "https://demo.invalid/_s/id=long",
        "tok",
        watched.clone(),
        clock,
    )
    .unwrap();
    (c, watched)
}

fn year_request(granularity: Option<Granularity>) -> OrganizationPublicApiUsageQueryRequest {
    OrganizationPublicApiUsageQueryRequest {
        // 2025-06-22 to 2026-06-20: the last 364 full days.
        interval: "2025-06-22T00:00:00Z/2026-06-21T00:00:00Z".into(),
        granularity,
        group_by: Some(vec![OrganizationJobGroupBy::OauthClientId]),
        ..Default::default()
    }
}

fn client_of(r: &PublicApiUsage) -> String {
    r.oauth_client
        .as_ref()
        .and_then(|c| c.id.clone())
        .unwrap_or_default()
}

#[test]
fn a_year_by_day_is_five_jobs_and_every_day_comes_once_in_order() {
    let (c, w) = setup(None);
    let (opts, events) = progress_recorder();
    let year = block_on(c.aggregates_query(&year_request(Some(Granularity::Day)), &opts)).unwrap();
    assert_eq!(
        *w.submits.borrow(),
        [
            "2025-06-22T00:00:00Z/2025-09-19T23:59:59Z",
            "2025-09-20T00:00:00Z/2025-12-18T23:59:59Z",
            "2025-12-19T00:00:00Z/2026-03-18T23:59:59Z",
            "2026-03-19T00:00:00Z/2026-06-16T23:59:59Z",
            "2026-06-17T00:00:00Z/2026-06-21T00:00:00Z",
        ]
    );
    assert_eq!(year.query_status, Some(JobStatus::Succeeded));
    let parts = year.parts.clone().unwrap();
    assert_eq!((parts.total, parts.summed), (5, false));
    assert!(parts.missing.is_empty());
    // One row per (day, client): no day twice, none missing, oldest first.
    let mut seen = BTreeSet::new();
    let mut dates = Vec::new();
    for r in &year.entities {
        let d = r.date.clone().unwrap();
        assert!(seen.insert((d.clone(), client_of(r))), "{d} twice");
        if dates.last() != Some(&d) {
            dates.push(d);
        }
    }
    let days: BTreeSet<_> = dates.iter().cloned().collect();
    assert_eq!(days.len(), 364, "every day of the year");
    let mut sorted = dates.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(dates, sorted, "rows in date order");
    // Progress counts parts, and ends done with every part done.
    let events = events.borrow();
    let last = events.last().unwrap();
    assert_eq!((last.parts_done, last.parts_total), (Some(5), Some(5)));
    assert_eq!(last.phase, Phase::Done);
    assert_eq!(last.rows as usize, year.entities.len());
    assert!(events
        .iter()
        .any(|p| p.parts_done == Some(0) && p.parts_total == Some(5)));
}

#[test]
fn weeks_and_months_are_never_split_between_jobs() {
    for (granularity, cut_on) in [(Granularity::Week, "Monday"), (Granularity::Month, "1st")] {
        let (c, w) = setup(None);
        let year =
            block_on(c.aggregates_query(&year_request(Some(granularity)), &RunOptions::default()))
                .unwrap();
        let mut seen = BTreeSet::new();
        for r in &year.entities {
            let key = (r.date.clone().unwrap(), client_of(r));
            assert!(
                seen.insert(key.clone()),
                "{key:?} came twice: a bucket was cut"
            );
        }
        let starts: Vec<String> = w
            .submits
            .borrow()
            .iter()
            .skip(1)
            .map(|s| s[..10].to_string())
            .collect();
        for s in &starts {
            let day = usage_lens::time::parse_instant(s).unwrap().secs / 86_400;
            let ok = match granularity {
                Granularity::Week => (day + 3).rem_euclid(7) == 0,
                _ => s.ends_with("-01"),
            };
            assert!(ok, "{s}: parts start on a {cut_on}");
        }
    }
}

#[test]
fn a_total_over_a_year_is_summed_from_the_parts_and_says_so() {
    let (c, _) = setup(None);
    let total = block_on(c.aggregates_query(&year_request(None), &RunOptions::default())).unwrap();
    let (c, _) = setup(None);
    let daily = block_on(c.aggregates_query(
        &year_request(Some(Granularity::Day)),
        &RunOptions::default(),
    ))
    .unwrap();
    let parts = total.parts.clone().unwrap();
    assert!(parts.summed);
    let mut by_client = BTreeMap::<String, i64>::new();
    for r in &daily.entities {
        *by_client.entry(client_of(r)).or_default() += r.request_count.unwrap_or(0);
    }
    let summed: BTreeMap<String, i64> = total
        .entities
        .iter()
        .map(|r| (client_of(r), r.request_count.unwrap_or(0)))
        .collect();
    assert_eq!(summed.len(), total.entities.len(), "one row per client");
    assert_eq!(summed, by_client, "the year's total is the sum of its days");
}

#[test]
fn a_failed_part_keeps_the_others_rows_and_names_what_is_missing() {
    let (c, _) = setup(Some("2025-12-19"));
    let opts = RunOptions {
        parts_at_once: Some(1),
        ..RunOptions::default()
    };
    let err =
        block_on(c.aggregates_query(&year_request(Some(Granularity::Day)), &opts)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Http, "the vendor's refusal, as it was");
    assert!(err.message.contains("3 of the 5 parts"), "{}", err.message);
    let partial: PublicApiUsageResultsResponse =
        serde_json::from_value((*err.partial.unwrap()).clone()).unwrap();
    let parts = partial.parts.unwrap();
    assert_eq!(
        parts.missing,
        [
            "2025-12-19T00:00:00Z/2026-03-18T23:59:59Z",
            "2026-03-19T00:00:00Z/2026-06-16T23:59:59Z",
            "2026-06-17T00:00:00Z/2026-06-21T00:00:00Z",
        ]
    );
    let days: BTreeSet<_> = partial
        .entities
        .iter()
        .map(|r| r.date.clone().unwrap())
        .collect();
    assert_eq!(days.len(), 180, "the first two parts' days are all there");
    assert!(days.iter().all(|d| d.as_str() < "2025-12-19"));
}

#[test]
fn parts_run_at_once_take_less_time_than_one_after_another() {
    let run = |at_once: u32| {
        let (c, _) = setup(None);
        let (mut opts, events) = progress_recorder();
        opts.parts_at_once = Some(at_once);
        block_on(c.aggregates_query(&year_request(Some(Granularity::Day)), &opts)).unwrap();
        let last = events.borrow().last().cloned().unwrap();
        (last.elapsed_ms, last.requests)
    };
    let (serial_ms, serial_requests) = run(1);
    let (together_ms, together_requests) = run(5);
    assert!(
        together_ms * 10 <= serial_ms * 4,
        "five at once: {together_ms} ms, one after another: {serial_ms} ms"
    );
    assert!(
        together_requests <= serial_requests + 5,
        "{together_requests} requests at once, {serial_requests} one after another"
    );
}

const DAY_MS: u64 = 86_400_000;

/// The last 364 full days before the clock's today, by whole days.
fn last_52_weeks(
    clock: &VirtualClock,
    granularity: Granularity,
) -> OrganizationPublicApiUsageQueryRequest {
    let today = clock.now_ms() / DAY_MS;
    let day = |d: u64| usage_lens::time::format_date((d * DAY_MS / 1000) as i64);
    OrganizationPublicApiUsageQueryRequest {
        interval: format!("{}/{}", day(today - 364), day(today - 1)),
        granularity: Some(granularity),
        group_by: Some(vec![OrganizationJobGroupBy::OauthClientId]),
        ..Default::default()
    }
}

#[test]
fn asked_again_a_day_later_a_kept_year_fetches_only_the_new_days() {
    let clock = VirtualClock::new(T0);
    let store = MemoryStore::default();
    let keep = Keep {
        store: &store,
        scope: "https://demo.invalid|Demo org",
        refresh: false,
    };
    let (c, w) = setup_at(None, &clock);
    let first: PublicApiUsageResultsResponse = block_on(c.aggregates_query_kept(
        &last_52_weeks(&clock, Granularity::Day),
        &keep,
        &RunOptions::default(),
    ))
    .unwrap();
    assert_eq!(w.submits.borrow().len(), 5, "a year is five jobs");
    assert_eq!(
        store.len(),
        363,
        "every day that ended before yesterday is kept"
    );
    let first_requests = w.sent.get();

    clock.advance(DAY_MS);
    let (c, w) = setup_at(None, &clock);
    let request = last_52_weeks(&clock, Granularity::Day);
    let again: PublicApiUsageResultsResponse =
        block_on(c.aggregates_query_kept(&request, &keep, &RunOptions::default())).unwrap();
    assert_eq!(
        *w.submits.borrow(),
        ["2026-06-20T00:00:00Z/2026-06-21T23:59:59Z"],
        "only yesterday and the day before are asked for"
    );
    let one_part = first_requests / 5 + 2;
    assert!(
        w.sent.get() <= one_part,
        "{} requests again, {first_requests} the first time",
        w.sent.get()
    );
    assert_eq!(again.parts.as_ref().unwrap().kept, 362);
    // The same rows as asking for everything, in the same order.
    let (c, _) = setup_at(None, &clock);
    let fresh = block_on(c.aggregates_query(&request, &RunOptions::default())).unwrap();
    assert_eq!(again.entities, fresh.entities);
    assert_eq!(first.entities.len(), again.entities.len());
    // No token in what is kept.
    assert!(store
        .entries()
        .iter()
        .all(|(k, v)| !k.contains("tok") && !v.contains("tok")));
}

#[test]
fn weeks_are_kept_whole_and_refresh_asks_for_everything_again() {
    let clock = VirtualClock::new(T0);
    let store = MemoryStore::default();
    let request = last_52_weeks(&clock, Granularity::Week);
    let (c, _) = setup_at(None, &clock);
    let keep = Keep {
        store: &store,
        scope: "demo",
        refresh: false,
    };
    let first: PublicApiUsageResultsResponse =
        block_on(c.aggregates_query_kept(&request, &keep, &RunOptions::default())).unwrap();
    let weeks = store.len();
    assert!(
        (50..=52).contains(&weeks),
        "{weeks} whole, finished weeks kept"
    );
    let (c, w) = setup_at(None, &clock);
    let second: PublicApiUsageResultsResponse =
        block_on(c.aggregates_query_kept(&request, &keep, &RunOptions::default())).unwrap();
    assert_eq!(second.entities, first.entities);
    assert!(
        w.submits.borrow().len() <= 2,
        "only the edges: {:?}",
        w.submits.borrow()
    );
    let (c, w) = setup_at(None, &clock);
    let refresh = Keep {
        refresh: true,
        ..keep
    };
    let third: PublicApiUsageResultsResponse =
        block_on(c.aggregates_query_kept(&request, &refresh, &RunOptions::default())).unwrap();
    assert_eq!(
        w.submits.borrow().len(),
        5,
        "refresh asks for the whole year"
    );
    assert_eq!(third.entities, first.entities);
    assert_eq!(third.parts.unwrap().kept, 0);
}

#[test]
fn a_legacy_answer_keeps_its_finished_days_too() {
    let clock = VirtualClock::new(T0);
    let store = MemoryStore::default();
    let keep = Keep {
        store: &store,
        scope: "demo",
        refresh: false,
    };
    let query = |clock: &VirtualClock| {
        let today = clock.now_ms() / DAY_MS;
        let day = |d: u64| usage_lens::time::format_date((d * DAY_MS / 1000) as i64);
        ApiUsageOrganizationQuery {
            interval: format!("{}/{}", day(today - 63), day(today - 1)),
            granularity: Some(Granularity::Day),
            group_by: Some(vec![OrganizationGroupBy::OAuthClientId]),
            ..Default::default()
        }
    };
    let (c, w) = setup_at(None, &clock);
    let first: ApiUsageQueryResult =
        block_on(c.query_organization_usage_kept(&query(&clock), &keep, &RunOptions::default()))
            .unwrap();
    assert_eq!(w.submits.borrow().len(), 1);
    assert_eq!(store.len(), 62, "the finished days of 63");
    clock.advance(DAY_MS);
    let (c, w) = setup_at(None, &clock);
    let again: ApiUsageQueryResult =
        block_on(c.query_organization_usage_kept(&query(&clock), &keep, &RunOptions::default()))
            .unwrap();
    assert_eq!(
        *w.submits.borrow(),
        ["2026-06-20T00:00:00Z/2026-06-21T23:59:59Z"]
    );
    assert_eq!(again.query_status, Some(QueryStatus::Complete));
    let (c, _) = setup_at(None, &clock);
    let fresh =
        block_on(c.query_organization_usage(&query(&clock), &RunOptions::default())).unwrap();
    let key = |r: &ApiUsageRow| (r.date.clone(), r.client_id.clone(), r.requests);
    let mut a: Vec<_> = again.results.iter().map(key).collect();
    let mut b: Vec<_> = fresh.results.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "kept or asked for, the same rows");
    assert!(!first.results.is_empty());
}
