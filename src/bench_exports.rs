//! Entry points for `make bench` (feature `bench-exports`): usage rows are
//! loaded into wasm memory once, then the analysis the app runs on every
//! Genesys answer (headline, daily series stacked by the top groups, top-N
//! with 429 shares) is run on them and summed up in a small JSON summary, so
//! a page can time it next to the same computation in plain JavaScript and
//! check that both found the same totals.

use std::cell::RefCell;

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use crate::analysis::{daily_series, headline, top_n, Dimension, Records};
use crate::error::decode_json;
use crate::genesys::ApiUsageQueryResult;
use crate::Vendor;

thread_local! {
    static ROWS: RefCell<Records> = RefCell::new(Records::new());
}

/// The dimensions the summary has a top-N of, with their names in it.
const TOP_DIMS: [(Dimension, &str); 4] = [
    (Dimension::Client, "client"),
    (Dimension::Endpoint, "endpoint"),
    (Dimension::Method, "method"),
    (Dimension::User, "user"),
];

/// Reads a Genesys usage result (`{"results": [...]}`, the JSON text of a
/// legacy query or simple search) into [`Records`] kept in wasm memory (as
/// the app keeps an answer's rows), replacing any loaded before. Returns how
/// many rows there are.
#[wasm_bindgen(js_name = loadUsageRows)]
pub fn load_usage_rows(json_text: &str) -> Result<usize, JsError> {
    let result: ApiUsageQueryResult = decode_json(json_text, Vendor::Genesys, "usage rows")
        .map_err(|e| JsError::new(&e.to_string()))?;
    let records = Records::from_usage_rows(&result.results);
    let n = records.len();
    ROWS.with(|rows| *rows.borrow_mut() = records);
    Ok(n)
}

/// Runs the analysis on the loaded rows: headline numbers, requests per day
/// stacked by the top `n` OAuth clients and "Other", and the top `n` clients,
/// endpoints, methods and users with their 429 shares. Returns a summary as
/// JSON text: the headline, each series group's total and a position-weighted
/// checksum of its values, and every top-N entry.
#[wasm_bindgen(js_name = analyseRows)]
pub fn analyse_rows(n: usize) -> String {
    ROWS.with(|rows| summary(&rows.borrow(), n).to_string())
}

fn summary(records: &Records, n: usize) -> Value {
    let h = headline(records);
    let series = daily_series(records, Dimension::Client, n);
    let groups: Vec<Value> = series
        .groups
        .iter()
        .map(|g| {
            let total: i64 = g.values.iter().sum();
            let check: i64 = g
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| v.wrapping_mul(i as i64 + 1))
                .fold(0i64, i64::wrapping_add);
            json!([g.name, total, check])
        })
        .collect();
    let mut top = serde_json::Map::new();
    for (dim, name) in TOP_DIMS {
        let list: Vec<Value> = top_n(records, dim, n)
            .into_iter()
            .map(|g| {
                json!([
                    g.name,
                    g.requests,
                    g.status429,
                    g.status400,
                    g.status500,
                    g.share429
                ])
            })
            .collect();
        top.insert(name.into(), Value::Array(list));
    }
    json!({
        "rows": h.rows,
        "requests": h.requests,
        "status429": h.status429,
        "rate429": h.rate429,
        "rate500": h.rate500,
        "busiestDay": h.busiest_day,
        "heaviestClient": h.heaviest_client,
        "days": series.dates.len(),
        "firstDay": series.dates.first(),
        "lastDay": series.dates.last(),
        "groups": groups,
        "top": top,
    })
}
