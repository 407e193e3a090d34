//! Promises that a changed number would otherwise break unseen, each checked
//! against the in-process simulator on a virtual clock: six parts in flight
//! at once, a kept query that fails partway, kept days that never cross
//! organizations or query shapes, and a month's forecast band of bounded
//! width.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use usage_lens::analysis::{self, OverviewInput, Records};
use usage_lens::engine::RunOptions;
use usage_lens::genesys::{self, *};
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::transport::fake::{block_on, VirtualClock};
use usage_lens::ErrorKind;

const T0: u64 = 1_782_000_000_000; // 2026-06-21T00:00Z

#[path = "support/watched.rs"]
mod watched;
use watched::Watched;

type Gc = genesys::Client<Rc<Watched>, VirtualClock>;

/// A client of the organization the simulator seeds with `seed`.
fn setup(seed: u64, refuse: Option<&'static str>) -> (Gc, Rc<Watched>) {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(seed).with_default_exec_ms(4_000)));
    let watched = Rc::new(Watched::new(
        SimTransport::new(sim, clock.clone()).with_latency_ms(40),
        refuse,
    ));
    let c = genesys::Client::new(
        "https://demo.invalid/_s/id=promises",
        "tok",
        watched.clone(),
        clock,
    )
    .unwrap();
    (c, watched)
}

fn by_day(
    interval: &str,
    group_by: OrganizationJobGroupBy,
) -> OrganizationPublicApiUsageQueryRequest {
    OrganizationPublicApiUsageQueryRequest {
        interval: interval.into(),
        granularity: Some(Granularity::Day),
        group_by: Some(vec![group_by]),
        ..Default::default()
    }
}

/// How many buckets of an answer came from the store.
fn kept(answer: &PublicApiUsageResultsResponse) -> u32 {
    answer.parts.as_ref().map_or(0, |p| p.kept)
}

/// The requests of all rows: what tells two organizations apart.
fn total(answer: &PublicApiUsageResultsResponse) -> i64 {
    answer.entities.iter().filter_map(|r| r.request_count).sum()
}

fn days_of(rows: &[PublicApiUsage]) -> BTreeSet<String> {
    rows.iter()
        .map(|r| r.date.clone().unwrap()[..10].to_string())
        .collect()
}

/// Guards `engine::PARTS_AT_ONCE` (6): with default options, a year by
/// month through this month's end (six jobs of up to 90 days) keeps six
/// parts in flight at once.
#[test]
fn with_default_options_six_parts_are_in_flight_at_once() {
    let (c, w) = setup(5, None);
    let year = OrganizationPublicApiUsageQueryRequest {
        granularity: Some(Granularity::Month),
        ..by_day(
            "2025-06-22/2026-06-30",
            OrganizationJobGroupBy::OauthClientId,
        )
    };
    let answer: PublicApiUsageResultsResponse =
        block_on(c.aggregates_query(&year, &RunOptions::default())).unwrap();
    let parts = answer.parts.unwrap();
    assert!(
        parts.total >= 6,
        "{} parts: six or more to run",
        parts.total
    );
    assert_eq!(
        w.most_in_flight.get(),
        6,
        "parts in flight at once with default options"
    );
    // A caller's own number is kept too.
    let (c, w) = setup(5, None);
    let opts = RunOptions {
        parts_at_once: Some(2),
        ..RunOptions::default()
    };
    block_on(c.aggregates_query(&year, &opts)).unwrap();
    assert_eq!(w.most_in_flight.get(), 2);
}

/// March is kept; February to April is asked with April refused: the error
/// carries March (kept) and February (fetched), and names April missing.
#[test]
fn a_kept_query_that_fails_partway_hands_back_kept_and_fetched_rows_and_names_the_rest() {
    let store = MemoryStore::default();
    let keep = Keep {
        store: &store,
        scope: "org-a",
        refresh: false,
    };
    let group = OrganizationJobGroupBy::OauthClientId;
    let (c, _) = setup(5, None);
    let march: PublicApiUsageResultsResponse = block_on(c.aggregates_query_kept(
        &by_day("2026-03-01/2026-03-31", group),
        &keep,
        &RunOptions::default(),
    ))
    .unwrap();
    assert_eq!(store.len(), 31);

    let (c, w) = setup(5, Some("2026-04-01"));
    let err = block_on(c.aggregates_query_kept::<PublicApiUsageResultsResponse, _>(
        &by_day("2026-02-01/2026-04-30", group),
        &keep,
        &RunOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Http, "the vendor's refusal, as it was");
    assert_eq!(
        *w.submits.borrow(),
        [
            "2026-02-01T00:00:00Z/2026-02-28T23:59:59Z",
            "2026-04-01T00:00:00Z/2026-04-30T23:59:59Z"
        ],
        "only the days around March are asked for"
    );
    let partial: PublicApiUsageResultsResponse =
        serde_json::from_value((*err.partial.unwrap()).clone()).unwrap();
    let parts = partial.parts.clone().unwrap();
    assert_eq!(parts.kept, 31, "March came from the store");
    assert_eq!(parts.missing, ["2026-04-01T00:00:00Z/2026-04-30T23:59:59Z"]);
    let days = days_of(&partial.entities);
    assert_eq!(days.len(), 28 + 31, "February fetched, March kept");
    assert!(days
        .iter()
        .all(|d| ("2026-02-01".."2026-04-01").contains(&d.as_str())));
    // The kept rows are handed back as they were kept.
    let from_store: Vec<_> = partial
        .entities
        .iter()
        .filter(|r| r.date.as_deref().unwrap_or("") >= "2026-03")
        .cloned()
        .collect();
    assert!(from_store == march.entities, "March as it was kept");
}

/// One store, two organizations and two query shapes: each reads only its
/// own kept days.
#[test]
fn kept_days_never_cross_organizations_or_query_shapes() {
    let store = MemoryStore::default();
    let march = |group| by_day("2026-03-01/2026-03-31", group);
    let ask = |seed: u64, scope: &str, request: &OrganizationPublicApiUsageQueryRequest| {
        let (c, w) = setup(seed, None);
        let keep = Keep {
            store: &store,
            scope,
            refresh: false,
        };
        let answer: PublicApiUsageResultsResponse =
            block_on(c.aggregates_query_kept(request, &keep, &RunOptions::default())).unwrap();
        let submits = w.submits.borrow().len();
        (answer, submits)
    };
    let fresh = |seed: u64, request: &OrganizationPublicApiUsageQueryRequest| {
        let (c, _) = setup(seed, None);
        block_on(c.aggregates_query(request, &RunOptions::default()))
            .unwrap()
            .entities
    };
    let by_client = march(OrganizationJobGroupBy::OauthClientId);
    let by_template = march(OrganizationJobGroupBy::TemplateUri);

    let (a, _) = ask(5, "org-a", &by_client);
    let (b, b_submits) = ask(6, "org-b", &by_client);
    assert_ne!(total(&a), total(&b), "the two organizations differ");
    assert_eq!(b_submits, 1, "org-b fetches its own March");
    assert_eq!(kept(&b), 0, "none of org-a's days");
    assert!(b.entities == fresh(6, &by_client), "org-b's own rows");

    let (t, t_submits) = ask(5, "org-a", &by_template);
    assert_eq!(t_submits, 1, "another shape fetches its own March");
    assert_eq!(kept(&t), 0);
    assert!(
        t.entities == fresh(5, &by_template),
        "the other shape's own rows"
    );
    assert_eq!(store.len(), 3 * 31);

    // Asked again, each reads its own days and nothing else.
    for (seed, scope, request, first) in [
        (5, "org-a", &by_client, &a),
        (6, "org-b", &by_client, &b),
        (5, "org-a", &by_template, &t),
    ] {
        let (again, submits) = ask(seed, scope, request);
        assert_eq!(submits, 0, "{scope}: all kept");
        assert_eq!(kept(&again), 31);
        assert!(again.entities == first.entities, "{scope}: its own rows");
    }
}

/// Guards the month's band: on the simulator's nine weeks, the band of the
/// month's projected total is finite and narrower than 30% of it.
#[test]
fn the_band_of_the_months_total_is_under_thirty_percent_of_it_on_steady_data() {
    let (c, _) = setup(5, None);
    let org = block_on(c.query_organization_usage(
        &ApiUsageOrganizationQuery {
            interval: "2026-04-19/2026-06-20".into(),
            granularity: Some(Granularity::Day),
            group_by: Some(vec![OrganizationGroupBy::OAuthClientId]),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap();
    let records = Records::from_usage_rows(&org.results);
    let o = analysis::overview(&OverviewInput {
        today: "2026-06-21",
        genesys: Some(&records),
        ..OverviewInput::default()
    })
    .unwrap();
    let m = &o.genesys.unwrap().month;
    assert!(m.projected.is_finite() && m.projected > 0.0);
    assert!(m.projected_lower.is_finite() && m.projected_upper.is_finite());
    assert!(m.projected_lower <= m.projected && m.projected <= m.projected_upper);
    let width = m.projected_upper - m.projected_lower;
    assert!(
        width > 0.0 && width < 0.3 * m.projected,
        "band {:.0}..{:.0} around {:.0}",
        m.projected_lower,
        m.projected_upper,
        m.projected
    );
}

/// Nothing kept yet, a year asked and its third job refused: the two jobs
/// fetched before it come back, and what is missing is named job by job.
#[test]
fn a_kept_year_failing_at_its_third_job_hands_back_the_first_two() {
    let store = MemoryStore::default();
    let keep = Keep {
        store: &store,
        scope: "org-a",
        refresh: false,
    };
    let (c, _) = setup(5, Some("2025-12-19"));
    let opts = RunOptions {
        parts_at_once: Some(1),
        ..RunOptions::default()
    };
    let year = by_day(
        "2025-06-22T00:00:00Z/2026-06-21T00:00:00Z",
        OrganizationJobGroupBy::OauthClientId,
    );
    let err =
        block_on(c.aggregates_query_kept::<PublicApiUsageResultsResponse, _>(&year, &keep, &opts))
            .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Http);
    let partial: PublicApiUsageResultsResponse =
        serde_json::from_value((*err.partial.unwrap()).clone()).unwrap();
    assert_eq!(
        days_of(&partial.entities).len(),
        180,
        "the first two jobs' days"
    );
    assert_eq!(
        partial.parts.unwrap().missing,
        [
            "2025-12-19T00:00:00Z/2026-03-18T23:59:59Z",
            "2026-03-19T00:00:00Z/2026-06-16T23:59:59Z",
            "2026-06-17T00:00:00Z/2026-06-21T00:00:00Z",
        ]
    );
}
