//! Both clients against the in-process simulator on a virtual clock: every
//! query type end to end, the 20,000-record cap and splitting past it, and a
//! shared rate budget under many concurrent queries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use usage_lens::engine::{RateBudget, RunOptions};
use usage_lens::genesys::{self, *};
use usage_lens::sim::{Sim, SimTransport};
use usage_lens::thousandeyes::{self, ExpandUsageOptions, UsageParams};
use usage_lens::transport::fake::{block_on, join_all, progress_recorder, VirtualClock};

const T0: u64 = 1_782_000_000_000; // 2026-06-21

type Gc = genesys::Client<SimTransport<VirtualClock>, VirtualClock>;

fn setup(scenario: &str) -> (Gc, Rc<RefCell<Sim>>, VirtualClock) {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(5).with_default_exec_ms(4_000)));
    let t = SimTransport::new(sim.clone(), clock.clone()).with_latency_ms(40);
    let c = genesys::Client::new(
        &format!("https://demo.invalid/_s/{scenario}"),
        "tok",
        t,
        clock.clone(),
    )
    .unwrap();
    (c, sim, clock)
}

#[test]
fn every_genesys_query_type_completes_with_rows() {
    let (c, _, _) = setup("id=all");
    let week = "2026-06-01/2026-06-08";
    let org = block_on(c.query_organization_usage(
        &ApiUsageOrganizationQuery {
            interval: week.into(),
            granularity: Some(Granularity::Day),
            group_by: Some(vec![OrganizationGroupBy::OAuthClientId]),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap();
    assert!(org
        .results
        .iter()
        .all(|r| r.client_id.is_some() && r.template_uri.is_none()));
    assert!(org
        .results
        .iter()
        .all(|r| r.date.as_deref().is_some_and(|d| d.ends_with("T00:00:00Z"))));
    let client_id = org.results[0].client_id.clone().unwrap();
    let cq = block_on(c.query_client_usage(
        &client_id,
        &ApiUsageClientQuery {
            interval: week.into(),
            group_by: Some(vec![ClientGroupBy::TemplateUri]),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap();
    assert!(!cq.results.is_empty());
    let sum =
        block_on(c.client_usage_summary(&client_id, Some(7), &RunOptions::default())).unwrap();
    assert_eq!(sum.query_status, Some(QueryStatus::Complete));
    let ss = block_on(c.simple_search(
        &ApiUsageSimpleSearch {
            interval: week.into(),
            http_methods: Some(vec![SimpleSearchHttpMethod::POST]),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap();
    assert!(!ss.results.is_empty());
    assert!(ss
        .results
        .iter()
        .all(|r| r.http_method.as_deref() == Some("POST")));
    let job = block_on(c.aggregates_query(
        &OrganizationPublicApiUsageQueryRequest {
            interval: "2026-06-01T00:00:00Z/2026-06-14T00:00:00Z".into(),
            granularity: Some(Granularity::Day),
            group_by: Some(vec![
                OrganizationJobGroupBy::OauthClientId,
                OrganizationJobGroupBy::TemplateUri,
            ]),
            ..Default::default()
        },
        &RunOptions {
            page_size: Some(200),
            ..Default::default()
        },
    ))
    .unwrap();
    assert_eq!(job.query_status, Some(JobStatus::Succeeded));
    assert!(
        job.entities.len() > 200,
        "several pages merged: {}",
        job.entities.len()
    );
    let cj = block_on(c.client_aggregates_query(
        &client_id,
        &ClientPublicApiUsageQueryRequest {
            interval: "2026-06-01T00:00:00Z/2026-06-14T00:00:00Z".into(),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap();
    assert_eq!(cj.query_status, Some(JobStatus::Succeeded));
}

#[test]
fn the_cap_is_reported_and_split_on_cap_reads_every_record() {
    let search = ApiUsageSimpleSearch {
        interval: "2026-06-01T00:00:00Z/2026-06-11T00:00:00Z".into(),
        ..Default::default()
    };
    let (c, _, _) = setup("id=cap;perday=3000");
    let capped = block_on(c.simple_search(&search, &RunOptions::default())).unwrap();
    assert_eq!(capped.results.len(), 20_000);
    assert!(capped.capped);

    let (c, _, _) = setup("id=split;perday=3000");
    let (mut opts, events) = progress_recorder();
    opts.split_on_cap = true;
    let all = block_on(c.simple_search(&search, &opts)).unwrap();
    assert_eq!(all.results.len(), 30_000, "ten days of 3,000 records");
    assert!(!all.capped);
    let last = events.borrow().last().cloned().unwrap();
    assert_eq!((last.parts_done, last.parts_total), (Some(2), Some(2)));
    // Every day appears exactly 3,000 times.
    let mut per_day = std::collections::BTreeMap::<String, usize>::new();
    for r in &all.results {
        *per_day.entry(r.date.clone().unwrap()).or_default() += 1;
    }
    assert_eq!(per_day.len(), 10);
    assert!(per_day.values().all(|&n| n == 3_000), "{per_day:?}");
}

#[test]
fn a_half_still_over_the_cap_is_halved_again_and_the_rows_stay_in_date_order() {
    // 7 days of 6,000: 42,000 records. The halves are 3 days (18,000, under
    // the cap) and 4 days (24,000, over it), which is halved again.
    let search = ApiUsageSimpleSearch {
        interval: "2026-06-01T00:00:00Z/2026-06-08T00:00:00Z".into(),
        ..Default::default()
    };
    let (c, _, _) = setup("id=deep;perday=6000");
    let (mut opts, events) = progress_recorder();
    opts.split_on_cap = true;
    let all = block_on(c.simple_search(&search, &opts)).unwrap();
    assert_eq!(all.results.len(), 42_000);
    assert!(!all.capped);
    let dates: Vec<String> = all
        .results
        .iter()
        .map(|r| r.date.clone().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(
        dates, sorted,
        "oldest first, whichever part came back first"
    );
    let mut per_day = std::collections::BTreeMap::<String, usize>::new();
    for d in dates {
        *per_day.entry(d).or_default() += 1;
    }
    assert_eq!(per_day.len(), 7);
    assert!(per_day.values().all(|&n| n == 6_000), "{per_day:?}");
    let last = events.borrow().last().cloned().unwrap();
    assert_eq!((last.parts_done, last.parts_total), (Some(3), Some(3)));
}

#[test]
fn twenty_concurrent_queries_share_the_budget_and_never_exceed_the_limit() {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(5).with_default_exec_ms(2_000)));
    let budget = Rc::new(RefCell::new(RateBudget::new(30, 60_000, 2)));
    let clients: Vec<Gc> = (0..20)
        .map(|_| {
            let t = SimTransport::new(sim.clone(), clock.clone()).with_latency_ms(10);
            genesys::Client::new(
                "https://demo.invalid/_s/id=crowd;limit=40",
                "tok",
                t,
                clock.clone(),
            )
            .unwrap()
            .with_budget(budget.clone())
        })
        .collect();
    let q = ApiUsageOrganizationQuery {
        interval: "2026-06-01/2026-06-03".into(),
        ..Default::default()
    };
    let opts = RunOptions::default();
    // All twenty run interleaved on one thread, as in a browser tab.
    let futures: Vec<_> = clients
        .iter()
        .map(|c| Box::pin(c.query_organization_usage(&q, &opts)))
        .collect();
    let results = block_on(join_all(futures));
    assert!(
        results.iter().all(|r| r.is_ok()),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    let stats = sim.borrow().stats("crowd");
    assert!(
        stats.max_per_minute <= 30,
        "at most 30 a minute, saw {}",
        stats.max_per_minute
    );
    assert_eq!(stats.rate_limited, 0);
}

#[test]
fn thousandeyes_views_read_the_simulated_period() {
    let clock = VirtualClock::new(T0);
    let sim = Rc::new(RefCell::new(Sim::new(5)));
    let t = SimTransport::new(sim.clone(), clock.clone());
    let c =
        thousandeyes::Client::new(Some("https://demo.invalid"), "tok", t, clock.clone()).unwrap();
    let u = block_on(c.usage(
        &UsageParams {
            aid: None,
            expand: Some(vec![
                ExpandUsageOptions::Test,
                ExpandUsageOptions::EnterpriseAgentUnit,
            ]),
        },
        &RunOptions::default(),
    ))
    .unwrap();
    let d = u.usage.unwrap();
    assert!(!d.tests.is_empty() && !d.enterprise_agent_units.is_empty());
    assert_eq!(d.quota.unwrap().cloud_units_included, Some(4_320_000_000));
    let units = block_on(c.tests_units_usage(&Default::default(), &RunOptions::default())).unwrap();
    assert!(
        units.breakdowns.len() > 50,
        "{} tests over more than one page",
        units.breakdowns.len()
    );
    let agents =
        block_on(c.enterprise_agent_units_usage(&Default::default(), &RunOptions::default()))
            .unwrap();
    assert!(agents.breakdowns.iter().any(|a| a.agent_id.is_none()));
}

/// The overview over the simulator's nine weeks and its ThousandEyes period:
/// the month adds up, and the default rules fire on what the data holds.
#[test]
fn the_overview_of_the_simulated_organizations_fires_the_default_rules() {
    use usage_lens::analysis::{self, outlook, Allowance, OverviewInput, Records, RuleKind};
    let (c, sim, clock) = setup("id=overview");
    let today = "2026-06-21";
    let from = "2026-04-19"; // 63 days before
    let org = block_on(c.query_organization_usage(
        &ApiUsageOrganizationQuery {
            interval: format!("{from}/2026-06-20"),
            granularity: Some(Granularity::Day),
            group_by: Some(vec![OrganizationGroupBy::OAuthClientId]),
            ..Default::default()
        },
        &RunOptions::default(),
    ))
    .unwrap();
    let records = Records::from_usage_rows(&org.results);
    let t = SimTransport::new(sim, clock.clone());
    let te =
        thousandeyes::Client::new(Some("https://demo.invalid"), "tok", t, clock.clone()).unwrap();
    let params = UsageParams {
        aid: None,
        expand: Some(vec![ExpandUsageOptions::Test]),
    };
    let usage = block_on(te.usage(&params, &RunOptions::default())).unwrap();
    let quotas = block_on(te.quotas(&RunOptions::default())).unwrap();
    // An allowance just under what the month will reach.
    let plain = analysis::overview(&OverviewInput {
        today,
        genesys: Some(&records),
        ..OverviewInput::default()
    })
    .unwrap();
    let projected = plain.genesys.as_ref().unwrap().month.projected;
    let allowance = Allowance::Requests {
        requests: (projected * 0.95) as i64,
    };
    let o = analysis::overview(&OverviewInput {
        today,
        genesys: Some(&records),
        allowance: Some(&allowance),
        usage: Some(&usage),
        quotas: Some(&quotas),
        rate_limit: None,
    })
    .unwrap();
    let g = o.genesys.as_ref().unwrap();
    let m: &outlook::MonthOutlook = &g.month;
    assert_eq!((m.month.as_str(), m.days_counted), ("2026-06", 20));
    let counted: i64 = m.days.iter().filter_map(|d| d.actual).sum();
    assert_eq!(counted, m.month_to_date);
    assert!(m.month_to_date > 0 && m.projected > m.month_to_date as f64);
    assert!(m.projected_lower <= m.projected && m.projected <= m.projected_upper);
    let shares: f64 = m.contributors.iter().map(|c| c.share).sum();
    assert!((shares - 1.0).abs() < 1e-6, "{shares}");
    assert!(o.thousandeyes.as_ref().unwrap().cloud.used > 0);
    let fired = analysis::evaluate_rules(&o, &analysis::default_rules());
    let kinds: Vec<RuleKind> = fired.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&RuleKind::MonthAllowance), "{fired:#?}");
    assert!(kinds.contains(&RuleKind::Share429), "{fired:#?}");
    for f in &fired {
        assert!(
            !f.who.is_empty() && !f.advice.is_empty() && f.value > f.threshold,
            "{f:?}"
        );
    }
    let text = analysis::to_prometheus(&o, &fired);
    assert!(
        text.contains("usage_lens_rule_fired{rule=\"month-allowance\""),
        "{text}"
    );
}
