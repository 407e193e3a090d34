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
