//! The exporter's decisions for JavaScript: `RefreshSchedule`, which
//! `usage-lens serve` asks when to refresh a target, how long a scrape
//! waits, whether figures are stale, and which writes the target's figures
//! with their freshness. See [`crate::analysis::exporter`].

use wasm_bindgen::prelude::*;

use super::{exposition_args, thrown};
use crate::analysis::exporter::Target;

/// A time in milliseconds from JavaScript (a `Date.now()`), 0 when it is
/// not a finite number above 0.
fn ms(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v as u64
    } else {
        0
    }
}

/// One target's refresh schedule and history, on the caller's clock.
///
/// ```js
/// const s = new RefreshSchedule(15 * 60_000, true, true, Date.now()); // Genesys and ThousandEyes
/// if (s.dueInMs(Date.now()) === 0 && s.start(Date.now())) {
///   // ... fetch; then, with the error kind of each vendor that failed:
///   s.finish(Date.now(), "network", undefined);
/// }
/// const text = s.toPrometheus(overview, fired);
/// ```
#[wasm_bindgen]
pub struct RefreshSchedule {
    target: Target,
}

#[wasm_bindgen]
impl RefreshSchedule {
    /// A schedule refreshing every `refreshMs` (1 s to 24 h) the vendors
    /// said (Genesys Cloud, ThousandEyes or both), created at `nowMs`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = refreshMs)] refresh_ms: f64,
        genesys: bool,
        thousandeyes: bool,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<RefreshSchedule, JsValue> {
        thrown(Target::new(
            ms(refresh_ms),
            genesys,
            thousandeyes,
            ms(now_ms),
        ))
        .map(|target| RefreshSchedule { target })
    }

    /// Milliseconds until the next refresh is due (0: now).
    #[wasm_bindgen(js_name = dueInMs)]
    pub fn due_in_ms(&self, #[wasm_bindgen(js_name = nowMs)] now_ms: f64) -> f64 {
        self.target.due_in_ms(ms(now_ms)) as f64
    }

    /// Marks a refresh as started; false when one is already running (share
    /// its answer instead).
    pub fn start(&mut self, #[wasm_bindgen(js_name = nowMs)] now_ms: f64) -> bool {
        self.target.start(ms(now_ms))
    }

    /// Marks the running refresh as finished, with the error `kind` of
    /// each vendor whose part failed (`undefined` for a success).
    pub fn finish(
        &mut self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        #[wasm_bindgen(js_name = genesysError)] genesys_error: Option<String>,
        #[wasm_bindgen(js_name = thousandeyesError)] thousandeyes_error: Option<String>,
    ) {
        let failed = [
            ("genesys", genesys_error),
            ("thousandeyes", thousandeyes_error),
        ];
        let pairs: Vec<(&str, &str)> = failed
            .iter()
            .filter_map(|(vendor, kind)| kind.as_deref().map(|k| (*vendor, k)))
            .collect();
        self.target.finish(ms(now_ms), &pairs);
    }

    /// How long a scrape waits for the first refresh (0: answer now).
    #[wasm_bindgen(js_name = scrapeWaitMs)]
    pub fn scrape_wait_ms(&self, #[wasm_bindgen(js_name = nowMs)] now_ms: f64) -> f64 {
        self.target.scrape_wait_ms(ms(now_ms)) as f64
    }

    /// Whether some vendor's figures are stale.
    pub fn stale(&self, #[wasm_bindgen(js_name = nowMs)] now_ms: f64) -> bool {
        self.target.stale(ms(now_ms))
    }

    /// Refreshes finished so far.
    #[wasm_bindgen(getter)]
    pub fn refreshes(&self) -> f64 {
        self.target.refreshes() as f64
    }

    /// The target's figures (an overview, or `null` before the first
    /// success) and fired rules, with `usage_lens_up`, the last success and
    /// the refresh errors, in the Prometheus text format.
    #[wasm_bindgen(js_name = toPrometheus)]
    pub fn to_prometheus(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Overview | null")] overview: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Fired[]")] fired: JsValue,
    ) -> Result<String, JsValue> {
        thrown(exposition_args(&overview, &fired))
            .map(|(overview, fired)| self.target.to_prometheus(&overview, &fired))
    }
}
