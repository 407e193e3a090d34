//! App components mounted in the DOM of a real browser (headless Chromium).
#![cfg(all(target_arch = "wasm32", feature = "app"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use leptos::prelude::*;
use usage_lens::analysis::{Series, SeriesGroup};
use usage_lens::app::charts::SeriesChart;
use usage_lens::http::Clock;
use usage_lens::transport::fetch::FetchTransport;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn container() -> web_sys::HtmlElement {
    let el: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

fn count(root: &web_sys::Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

async fn sleep(ms: u64) {
    FetchTransport::new(None, None)
        .unwrap()
        .sleep(ms)
        .await
        .unwrap();
}

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

#[wasm_bindgen_test]
fn the_series_chart_draws_every_group_and_day_and_a_table_for_screen_readers() {
    let series = Series {
        dates: vec![
            "2026-06-01".into(),
            "2026-06-02".into(),
            "2026-06-03".into(),
        ],
        groups: vec![
            SeriesGroup {
                name: HOSTILE.into(),
                values: vec![10, 20, 30],
            },
            SeriesGroup {
                name: "Other".into(),
                values: vec![1, 2, 3],
            },
        ],
    };
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        view! { <SeriesChart series=series.clone() group_label="OAuth client".to_string() /> }
    });
    let root: web_sys::Element = el.clone().into();
    assert_eq!(
        count(&root, "[data-testid=chart-series] .bars rect"),
        6,
        "one mark per group per day"
    );
    assert_eq!(
        count(&root, "table.sr-only tbody tr"),
        3,
        "one table row per day"
    );
    // The vendor's string is shown as text, never parsed as HTML.
    assert!(el.text_content().unwrap().contains(HOSTILE));
    assert_eq!(count(&root, "img"), 0);
}

#[wasm_bindgen_test]
fn the_series_chart_draws_the_next_week_as_a_band_that_keeps_the_weekly_pattern() {
    // Four weeks and a day, Monday 1 June first: busy weekdays, quiet weekends.
    let week = [1200, 1150, 1100, 1120, 980, 210, 160];
    let values: Vec<i64> = week.iter().cycle().take(29).copied().collect();
    let dates = (1..=29).map(|d| format!("2026-06-{d:02}")).collect();
    let series = Series {
        dates,
        groups: vec![SeriesGroup {
            name: "client".into(),
            values,
        }],
    };
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        view! { <SeriesChart series=series.clone() group_label="OAuth client".to_string() /> }
    });
    let root: web_sys::Element = el.clone().into();
    assert_eq!(count(&root, "[data-testid=series-forecast-band]"), 1);
    assert_eq!(count(&root, ".forecast-dot"), 7, "one point per day ahead");
    let method = root
        .query_selector("[data-testid=series-forecast-method]")
        .unwrap()
        .unwrap();
    assert_eq!(
        method.get_attribute("data-method").as_deref(),
        Some("seasonalDampedTrend")
    );
    assert!(method.text_content().unwrap().contains("80 % band"));
    // The weekend ahead (days 5 and 6 after Monday 29 June) is drawn lower
    // than the Tuesday after it: the dots' y grows downwards.
    let cy: Vec<f64> = (0..7)
        .map(|i| {
            root.query_selector_all(".forecast-dot")
                .unwrap()
                .item(i)
                .unwrap()
                .unchecked_into::<web_sys::Element>()
                .get_attribute("cy")
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        cy[4] > cy[0] && cy[5] > cy[0],
        "Saturday and Sunday under Tuesday: {cy:?}"
    );
}

#[wasm_bindgen_test]
async fn the_app_connects_to_demo_runs_and_draws_a_chart() {
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), usage_lens::app::App);
    let root: web_sys::Element = el.clone().into();
    let click = |sel: &str| {
        let b: web_sys::HtmlElement = root
            .query_selector(sel)
            .unwrap()
            .expect(sel)
            .unchecked_into();
        b.click();
    };
    click("[data-testid=connect-demo]");
    // Let the connection settle (Demo opens the overview) before running.
    sleep(100).await;
    click("[data-testid=view-query]");
    click("[data-testid=run]");
    // The demo simulator takes a few seconds of (real) time to finish the query.
    let mut waited = 0;
    while count(&root, "[data-testid=chart-series] rect") == 0 && waited < 30_000 {
        sleep(200).await;
        waited += 200;
    }
    assert!(
        count(&root, "[data-testid=chart-series] rect") > 3,
        "a chart with data after {waited} ms"
    );
    assert!(count(&root, "[data-testid=progress]") > 0);
    assert!(root
        .query_selector("[data-testid=error]")
        .unwrap()
        .is_none());
}

// ------------------------------------------------ the kept days (IndexedDB)

use std::cell::RefCell;
use std::rc::Rc;
use usage_lens::app::kept::KeptStore;

/// A database of the tests' own: the app mounted by another test keeps Demo's days beside.
const STORE: KeptStore = KeptStore::named("usage-lens-kept-test");
use usage_lens::genesys::{
    self, BucketStore, Granularity, Keep, OrganizationJobGroupBy,
    OrganizationPublicApiUsageQueryRequest, PublicApiUsageResultsResponse,
};
use usage_lens::http::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use usage_lens::sim::{Sim, SimTransport};

const DAY_MS: u64 = 86_400_000;
const TOKEN: &str = "kept-test-token-5b1e";

/// The browser's clock, some days ahead: the simulator and the client both
/// live in that future.
#[derive(Clone)]
struct Ahead {
    real: Rc<FetchTransport>,
    days: u64,
}

impl Clock for Ahead {
    fn now_ms(&self) -> u64 {
        self.real.now_ms() + self.days * DAY_MS
    }
    async fn sleep(&self, ms: u64) -> Result<(), TransportError> {
        self.real.sleep(ms).await
    }
}

/// The simulator, with the interval of every job submitted written down.
struct Jobs {
    sim: SimTransport<Ahead>,
    submitted: RefCell<Vec<String>>,
}

impl Transport for Jobs {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.method == Method::Post && request.url.ends_with("/aggregates/query/jobs") {
            let body: serde_json::Value =
                serde_json::from_str(request.body.as_deref().unwrap_or("{}")).unwrap();
            self.submitted
                .borrow_mut()
                .push(body["interval"].as_str().unwrap_or("").to_string());
        }
        self.sim.send(request).await
    }
}

/// The last 52 weeks, as seen `days` ahead, through the kept days: the
/// jobs submitted and the rows.
async fn a_year_kept(days: u64, refresh: bool) -> (Vec<String>, usize) {
    let clock = Ahead {
        real: Rc::new(FetchTransport::new(None, None).unwrap()),
        days,
    };
    let sim = Rc::new(RefCell::new(Sim::new(3).with_default_exec_ms(0)));
    let jobs = Rc::new(Jobs {
        sim: SimTransport::new(sim, clock.clone()),
        submitted: RefCell::default(),
    });
    let client = genesys::Client::new(
        "https://demo.invalid/_s/id=kept",
        TOKEN,
        jobs.clone(),
        clock.clone(),
    )
    .unwrap();
    let today = clock.now_ms() / DAY_MS;
    let day = |d: u64| usage_lens::time::format_date((d * DAY_MS / 1000) as i64);
    let request = OrganizationPublicApiUsageQueryRequest {
        interval: format!("{}/{}", day(today - 364), day(today - 1)),
        granularity: Some(Granularity::Day),
        group_by: Some(vec![OrganizationJobGroupBy::OauthClientId]),
        ..Default::default()
    };
    let keep = Keep {
        store: &STORE,
        scope: "https://demo.invalid|Kept test",
        refresh,
    };
    let answer: PublicApiUsageResultsResponse = client
        .aggregates_query_kept(&request, &keep, &Default::default())
        .await
        .unwrap();
    let submitted = jobs.submitted.borrow().clone();
    (submitted, answer.entities.len())
}

#[wasm_bindgen_test]
async fn kept_days_survive_in_indexeddb_and_a_day_later_only_the_new_days_are_asked_for() {
    STORE.clear().await;
    assert_eq!(STORE.size().await, 0);

    let (first, rows) = a_year_kept(0, false).await;
    assert_eq!(first.len(), 5, "a year is five jobs: {first:?}");
    let kept = STORE.entries().await;
    assert_eq!(kept.len(), 363, "every day that ended before yesterday");
    assert!(STORE.size().await > 0);
    assert!(
        kept.iter()
            .all(|(k, v)| !k.contains(TOKEN) && !v.contains(TOKEN)),
        "no token in the kept days"
    );

    let (again, rows_again) = a_year_kept(1, false).await;
    assert_eq!(again.len(), 1, "one job for the new days: {again:?}");
    assert!(again[0].ends_with("T23:59:59Z"));
    assert!(rows > 0);

    let (everything, rows_fresh) = a_year_kept(1, true).await;
    assert_eq!(
        everything.len(),
        5,
        "Refresh everything asks for the whole year"
    );
    assert_eq!(rows_again, rows_fresh, "kept or asked for, the same rows");

    STORE.clear().await;
    assert_eq!(STORE.size().await, 0);
    assert!(STORE.entries().await.is_empty());

    past_the_size_limit_the_least_recently_used_days_go_first().await;
}

/// Part of the test above: tests run side by side in one page, and the
/// kept days are one database.
async fn past_the_size_limit_the_least_recently_used_days_go_first() {
    STORE.clear().await;
    for (i, key) in ["old", "middle", "new"].iter().enumerate() {
        STORE.put(key, &"x".repeat(1000)).await;
        sleep(5 * (i as u64 + 1)).await;
    }
    // Reading a bucket makes it recent.
    assert!(STORE.get("old").await.is_some());
    STORE.trim(2000).await;
    let left: Vec<String> = STORE.entries().await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&"old".to_string()) && left.contains(&"new".to_string()));
    STORE.clear().await;
}

// ------------------------------------------------ the runner

use leptos::reactive::owner::Owner;
use usage_lens::app::runner::Runner;

/// A run's end, as the test sees it.
type Seen = Rc<RefCell<Vec<String>>>;

fn note(seen: &Seen, what: impl Into<String>) {
    seen.borrow_mut().push(what.into());
}

#[wasm_bindgen_test]
async fn a_run_is_superseded_unheard_cancelled_with_what_it_had_and_stopped_on_unmount() {
    let made = Rc::new(RefCell::new(None));
    let made_in = made.clone();
    let _mounted = leptos::mount::mount_to(container(), move || {
        // An owner of the test's own, cleaned up below as an unmount does.
        let owner = Owner::new();
        let runner = owner.with(Runner::<()>::new);
        *made_in.borrow_mut() = Some((runner, owner));
    });
    let (runner, owner) = made.borrow_mut().take().unwrap();
    let seen: Seen = Rc::default();

    // A newer run stops the older one: its signal aborts and its end never runs.
    let first_signal = Rc::new(RefCell::new(None));
    let (s, f) = (seen.clone(), first_signal.clone());
    runner
        .start((), move |signal| {
            *f.borrow_mut() = Some(signal);
            async move {
                sleep(100).await;
                note(&s, "first");
            }
        })
        .unwrap();
    assert!(
        runner.running().get_untracked(),
        "running from the start on"
    );
    let s = seen.clone();
    runner
        .start((), move |_| async move {
            sleep(10).await;
            note(&s, "second");
        })
        .unwrap();
    assert!(
        first_signal.borrow().as_ref().unwrap().aborted(),
        "the older run's requests end at once"
    );
    // Long enough for both to have ended, had the first not been stopped.
    sleep(300).await;
    assert_eq!(*seen.borrow(), vec!["second".to_string()]);
    assert!(!runner.running().get_untracked(), "nothing runs any more");

    // Cancel: the run goes on to its end, its requests aborted.
    let s = seen.clone();
    runner
        .start((), move |signal| async move {
            sleep(50).await;
            note(&s, format!("ended, aborted: {}", signal.aborted()));
        })
        .unwrap();
    runner.cancel();
    // The test's timer does not listen to the run's signal: it fires, and
    // the run reaches its end (where the app shows what it had).
    sleep(200).await;
    assert_eq!(
        seen.borrow().last().map(String::as_str),
        Some("ended, aborted: true")
    );

    // Unmounting the runner's owner stops its run.
    let s = seen.clone();
    runner
        .start((), move |_| async move {
            sleep(50).await;
            note(&s, "after the unmount");
        })
        .unwrap();
    owner.cleanup();
    // Long enough for the run to have ended, had it not been stopped.
    sleep(200).await;
    assert!(!seen.borrow().iter().any(|s| s == "after the unmount"));
}
