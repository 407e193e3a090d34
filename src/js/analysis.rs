//! The analysis for JavaScript: `forecast`, `overview`, `evaluateRules`,
//! `defaultRules`, `toPrometheus` and `overviewCsv`, and the exporter's
//! `RefreshSchedule` (in `exporter.rs`).
//!
//! Each function is synchronous and pure: it converts its arguments, calls
//! [`crate::analysis`] and converts the answer. Input that does not fit
//! throws a `UsageLensError` of kind `invalidInput` naming the field.

use js_sys::{Array, Float64Array};
use wasm_bindgen::prelude::*;

use super::{json_to_js, read_js, to_js_error};

#[path = "exporter.rs"]
mod exporter;
use crate::analysis::{self, Allowance, ForecastOptions, Overview, OverviewInput, Records, Rule};
use crate::error::{Error, Result};
use crate::genesys::ApiUsageRow;
use crate::thousandeyes::Quotas;

/// The most values [`forecast`] reads.
const MAX_VALUES: u32 = 1_000_000;

/// The largest overview input, rule set or fired list accepted, as JSON.
const ANALYSIS_LIMIT: usize = 64_000_000;

#[wasm_bindgen(typescript_custom_section)]
const TS_ANALYSIS: &'static str = r#"
/** What `overview()` is made from; either vendor may be left out. */
export interface OverviewInput {
  /** Today as `YYYY-MM-DD` (UTC), or a date-time whose day is today. */
  today: string;
  /** `results` of `GenesysClient.queryOrganizationUsage`, by day and OAuth client. */
  genesysRows?: ApiUsageRow[];
  /** The organization's monthly API allowance. */
  allowance?: Allowance;
  /** `ThousandEyesClient.usage({ expand: ["test"] })`. */
  thousandEyesUsage?: Usage;
  /** `ThousandEyesClient.quotas()`. */
  quotas?: Quotas;
  /** `GenesysClient.rateLimit().limit`: requests a minute the token gets. */
  rateLimit?: number;
}
"#;

/// `overview()`'s argument, as JSON.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OverviewArgs {
    today: String,
    #[serde(default)]
    genesys_rows: Option<Vec<ApiUsageRow>>,
    #[serde(default)]
    allowance: Option<Allowance>,
    #[serde(default)]
    thousand_eyes_usage: Option<serde_json::Value>,
    #[serde(default)]
    quotas: Option<Quotas>,
    #[serde(default)]
    rate_limit: Option<u64>,
}

fn thrown<T>(r: Result<T>) -> std::result::Result<T, JsValue> {
    r.map_err(|e| to_js_error(&e))
}

/// The series as numbers: `NaN` (or `null`) for a missing value.
fn series(values: &JsValue) -> Result<Vec<f64>> {
    if Array::is_array(values) {
        let array = Array::from(values);
        if array.length() > MAX_VALUES {
            return Err(Error::invalid_input(format!(
                "values has {} entries; a forecast reads at most {MAX_VALUES}",
                array.length()
            )));
        }
        array
            .iter()
            .enumerate()
            .map(|(i, v)| match v.as_f64() {
                Some(n) => Ok(n),
                None if v.is_null() || v.is_undefined() => Ok(f64::NAN),
                None => Err(Error::invalid_input(format!(
                    "values[{i}] is not a number (use NaN or null for a missing value)"
                ))),
            })
            .collect()
    } else if js_sys::ArrayBuffer::is_view(values) && !values.is_instance_of::<js_sys::DataView>() {
        let typed = Float64Array::new(values);
        if typed.length() > MAX_VALUES {
            return Err(Error::invalid_input(format!(
                "values has {} entries; a forecast reads at most {MAX_VALUES}",
                typed.length()
            )));
        }
        Ok(typed.to_vec())
    } else {
        Err(Error::invalid_input(
            "values must be an array of numbers (or a typed array), oldest first",
        ))
    }
}

/// A horizon: a whole number of periods, 0 or more (the forecast checks the most).
fn horizon(v: &JsValue) -> Result<usize> {
    match v.as_f64() {
        Some(n) if n.is_finite() && n.fract() == 0.0 && n >= 0.0 && n <= f64::from(u32::MAX) => {
            Ok(n as usize)
        }
        _ => Err(Error::invalid_input(
            "horizon must be a whole number of periods, 0 or more",
        )),
    }
}

/// The next `horizon` values of a series, with a band; see
/// [`analysis::forecast`](crate::analysis::forecast).
///
/// ```js
/// const f = forecast(requestsPerDay, 7);           // weekly cycle, 80 % band
/// f.mean; f.lower; f.upper; f.method;              // "seasonalDampedTrend" with two weeks or more
/// forecast(perWeek, 4, { seasonalPeriod: 0 });     // weekly totals: no cycle
/// ```
#[wasm_bindgen(unchecked_return_type = "Forecast")]
pub fn forecast(
    #[wasm_bindgen(unchecked_param_type = "ArrayLike<number | null>")] values: JsValue,
    #[wasm_bindgen(js_name = horizon, unchecked_param_type = "number")] horizon_periods: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ForecastOptions")] options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    thrown((|| {
        let values = series(&values)?;
        let horizon = horizon(&horizon_periods)?;
        let options: ForecastOptions = if options.is_undefined() || options.is_null() {
            ForecastOptions::default()
        } else {
            read_js(&options, "the forecast options", ANALYSIS_LIMIT)?
        };
        analysis::forecast(&values, horizon, &options)
    })())
    .map(|f| json_to_js(&f))
}

/// The queries whose answers [`overview`] reads, for `today`: Genesys
/// organization usage by day and OAuth client over the last nine weeks, and
/// ThousandEyes usage with its tests.
///
/// ```js
/// const q = overviewQueries("2026-12-10");
/// const [rows, usage, quotas] = await Promise.all([
///   gc.queryOrganizationUsage(q.genesys).then((r) => r.results),
///   te.usage(q.thousandEyesUsage),
///   te.quotas(),
/// ]);
/// ```
#[wasm_bindgen(js_name = overviewQueries, unchecked_return_type = "OverviewQueries")]
pub fn overview_queries(
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let today = today
        .as_string()
        .ok_or_else(|| Error::invalid_input("today must be a date such as 2026-12-10"));
    thrown(today.and_then(|t| analysis::overview_queries(&t))).map(|q| json_to_js(&q))
}

/// Both vendors' figures on one page: the Genesys month against the
/// allowance with its forecast, the clients, ThousandEyes units against the
/// quotas; see [`analysis::overview`](crate::analysis::overview).
///
/// ```js
/// const rows = (await gc.queryOrganizationUsage(query)).results;
/// const o = overview({ today: "2026-12-02", genesysRows: rows, allowance: { requests: 5_000_000 } });
/// ```
#[wasm_bindgen(unchecked_return_type = "Overview")]
pub fn overview(
    #[wasm_bindgen(unchecked_param_type = "OverviewInput")] input: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    thrown((|| {
        let args: OverviewArgs = read_js(&input, "the overview input", ANALYSIS_LIMIT)?;
        // A bad allowance is refused even when there are no Genesys rows to set it against.
        if let Some(a) = &args.allowance {
            a.total()?;
        }
        let records = args.genesys_rows.as_deref().map(Records::from_usage_rows);
        let usage = match &args.thousand_eyes_usage {
            Some(v) if !v.is_null() => Some(
                analysis::overview_read::read_usage_for_units(v).map_err(|e| {
                    Error::invalid_input(format!("thousandEyesUsage: {}", e.message))
                })?,
            ),
            _ => None,
        };
        analysis::overview(&OverviewInput {
            today: &args.today,
            genesys: records.as_ref(),
            allowance: args.allowance.as_ref(),
            usage: usage.as_ref(),
            quotas: args.quotas.as_ref(),
            rate_limit: args.rate_limit,
        })
    })())
    .map(|o| json_to_js(&o))
}

/// The rules that fire on an overview, most severe first; `rules` default to
/// [`defaultRules`](default_rules). The rules are checked first (ids unique,
/// thresholds above 0).
///
/// ```js
/// const fired = evaluateRules(o);                  // the default rules
/// const mine = evaluateRules(o, [{ id: "429", kind: "share429", threshold: 5 }]);
/// ```
#[wasm_bindgen(js_name = evaluateRules, unchecked_return_type = "Fired[]")]
pub fn evaluate_rules(
    #[wasm_bindgen(unchecked_param_type = "Overview")] overview: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Rule[]")] rules: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    thrown((|| {
        let overview = overview_from_js(&overview)?;
        let rules: Vec<Rule> = if rules.is_undefined() || rules.is_null() {
            analysis::default_rules()
        } else {
            read_js(&rules, "the rules", ANALYSIS_LIMIT)?
        };
        analysis::rules::check_rules(&rules)?;
        Ok(analysis::evaluate_rules(&overview, &rules))
    })())
    .map(|f| json_to_js(&f))
}

/// The rules a new user starts with: 429 share, month against the
/// allowance, spikes, units against quota, account groups against theirs.
#[wasm_bindgen(js_name = defaultRules, unchecked_return_type = "Rule[]")]
pub fn default_rules() -> JsValue {
    json_to_js(&analysis::default_rules())
}

/// The overview and the fired rules in the Prometheus text exposition
/// format (0.0.4), for a textfile collector or a scrape job: every vendor in
/// the overview counts as fetched whole just now (`usage_lens_up` 1, the
/// last success now).
#[wasm_bindgen(js_name = toPrometheus)]
pub fn to_prometheus(
    #[wasm_bindgen(unchecked_param_type = "Overview")] overview: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Fired[]")] fired: JsValue,
) -> std::result::Result<String, JsValue> {
    thrown(exposition_args(&overview, &fired)).map(|(overview, fired)| {
        let now = js_sys::Date::now() / 1000.0;
        let freshness = analysis::Freshness::fetched(&overview, now);
        analysis::to_prometheus_with(&overview, &fired, &freshness)
    })
}

/// An overview handed back from JavaScript, read field by field (see
/// [`analysis::overview_read`](crate::analysis::overview_read)).
fn overview_from_js(value: &JsValue) -> Result<Overview> {
    let value: serde_json::Value = read_js(value, "the overview", ANALYSIS_LIMIT)?;
    analysis::overview_read::read_overview(&value)
        .map_err(|e| Error::invalid_input(format!("the overview: {}", e.message)))
}

/// The overview (an empty one for `null`) and the fired rules that
/// `toPrometheus` reads.
fn exposition_args(
    overview: &JsValue,
    fired: &JsValue,
) -> Result<(Overview, Vec<analysis::Fired>)> {
    let overview = if overview.is_null() || overview.is_undefined() {
        Overview {
            today: String::new(),
            genesys: None,
            thousandeyes: None,
        }
    } else {
        overview_from_js(overview)?
    };
    Ok((overview, read_js(fired, "the fired rules", ANALYSIS_LIMIT)?))
}

/// The overview as one CSV table (`vendor,section,who,measure,value`).
#[wasm_bindgen(js_name = overviewCsv)]
pub fn overview_csv(
    #[wasm_bindgen(unchecked_param_type = "Overview")] overview: JsValue,
) -> std::result::Result<String, JsValue> {
    thrown(overview_from_js(&overview).map(|o| analysis::overview_csv(&o)))
}
