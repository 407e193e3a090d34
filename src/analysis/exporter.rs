//! The decisions of `usage-lens serve`, the exporter: when a target's vendor
//! figures are refreshed, what a scrape waits for, when figures are stale,
//! and how long to wait after a failed refresh. Pure, on a caller-given
//! clock (Unix milliseconds), so that every timing rule is tested on a
//! virtual clock; the Node server only carries the answers out.
//!
//! - A refresh is due [`Target::due_in_ms`] after the previous one
//!   *started* (so the schedule does not drift), and never while one is
//!   running: concurrent callers share the running refresh
//!   ([`Target::start`] refuses a second).
//! - A scrape never starts a refresh. It answers from the cache at once,
//!   except before the first refresh has finished, when it may wait up to
//!   [`FIRST_SCRAPE_WAIT_MS`] for it ([`Target::scrape_wait_ms`]).
//! - After a failed refresh the last good figures stay (the caller keeps
//!   them), `usage_lens_up` says 0 for the vendor that failed, and the next
//!   try comes after [`RETRY_FIRST_MS`], doubling with each failure in a row,
//!   never later than the refresh interval.
//! - Figures are stale when no refresh has succeeded for
//!   [`STALE_REFRESHES`] refresh intervals.

use super::exposition::{to_prometheus_with, Freshness, VendorFreshness};
use super::{Fired, Overview};
use crate::error::{Error, ErrorKind, Result};

/// The refresh interval when none is given: Genesys publishes a day's usage
/// a day late and ThousandEyes updates its projections hourly, so 15 minutes
/// loses nothing.
pub const DEFAULT_REFRESH_MS: u64 = 15 * 60 * 1000;
/// The shortest refresh interval accepted.
pub const MIN_REFRESH_MS: u64 = 1_000;
/// The longest refresh interval accepted: a day.
pub const MAX_REFRESH_MS: u64 = 24 * 60 * 60 * 1000;
/// Figures count as stale after this many refresh intervals without a
/// successful refresh.
pub const STALE_REFRESHES: u64 = 3;
/// The wait before the first retry after a failed refresh; it doubles with
/// each failure in a row, up to the refresh interval.
pub const RETRY_FIRST_MS: u64 = 60_000;
/// The longest a scrape waits for the first refresh (Prometheus's default
/// scrape timeout is 10 s).
pub const FIRST_SCRAPE_WAIT_MS: u64 = 8_000;

/// Every error kind, for the bounded `kind` label of the error counter.
const KINDS: [ErrorKind; 12] = [
    ErrorKind::InvalidInput,
    ErrorKind::Unauthorized,
    ErrorKind::Forbidden,
    ErrorKind::NotFound,
    ErrorKind::RateLimited,
    ErrorKind::Server,
    ErrorKind::Http,
    ErrorKind::Network,
    ErrorKind::Timeout,
    ErrorKind::Aborted,
    ErrorKind::QueryFailed,
    ErrorKind::Decode,
];

/// One vendor of a target.
#[derive(Clone, Debug, PartialEq)]
struct VendorState {
    vendor: &'static str,
    up: bool,
    last_success_ms: Option<u64>,
    errors: Vec<(&'static str, u64)>,
}

/// One organization the exporter serves, and its refresh history.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    refresh_ms: u64,
    created_ms: u64,
    running_since: Option<u64>,
    last_start_ms: Option<u64>,
    last_end_ms: Option<u64>,
    failures_in_a_row: u32,
    refreshes: u64,
    vendors: Vec<VendorState>,
}

/// The error kind's label: its JavaScript name, or `unknown`.
pub fn error_kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .map(|k| k.as_str())
        .find(|k| *k == kind)
        .unwrap_or("unknown")
}

impl Target {
    /// A target refreshed every `refresh_ms`, with Genesys Cloud,
    /// ThousandEyes or both, created at `now_ms`.
    ///
    /// # Errors
    ///
    /// `invalidInput` for an interval outside [`MIN_REFRESH_MS`]..=
    /// [`MAX_REFRESH_MS`], or no vendor.
    pub fn new(refresh_ms: u64, genesys: bool, thousandeyes: bool, now_ms: u64) -> Result<Target> {
        if !(MIN_REFRESH_MS..=MAX_REFRESH_MS).contains(&refresh_ms) {
            return Err(Error::invalid_input(format!(
                "the refresh interval must be between {} s and {} h (got {refresh_ms} ms)",
                MIN_REFRESH_MS / 1000,
                MAX_REFRESH_MS / 3_600_000
            )));
        }
        if !genesys && !thousandeyes {
            return Err(Error::invalid_input(
                "a target needs Genesys Cloud, ThousandEyes or both",
            ));
        }
        let vendors = [("genesys", genesys), ("thousandeyes", thousandeyes)]
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(vendor, _)| VendorState {
                vendor,
                up: false,
                last_success_ms: None,
                errors: Vec::new(),
            })
            .collect();
        Ok(Target {
            refresh_ms,
            created_ms: now_ms,
            running_since: None,
            last_start_ms: None,
            last_end_ms: None,
            failures_in_a_row: 0,
            refreshes: 0,
            vendors,
        })
    }

    /// The refresh interval (ms).
    pub fn refresh_ms(&self) -> u64 {
        self.refresh_ms
    }

    /// Refreshes finished so far.
    pub fn refreshes(&self) -> u64 {
        self.refreshes
    }

    /// How long until the next refresh is due: 0 when it is due now; the
    /// refresh interval while one is running.
    pub fn due_in_ms(&self, now_ms: u64) -> u64 {
        if self.running_since.is_some() {
            return self.refresh_ms;
        }
        let due = match (self.last_start_ms, self.last_end_ms) {
            (None, _) => return 0,
            (Some(_), Some(end)) if self.failures_in_a_row > 0 => {
                end.saturating_add(self.retry_after_ms())
            }
            (Some(start), _) => start.saturating_add(self.refresh_ms),
        };
        due.saturating_sub(now_ms)
    }

    /// The wait after the failures in a row so far.
    fn retry_after_ms(&self) -> u64 {
        let doublings = self.failures_in_a_row.saturating_sub(1).min(20);
        RETRY_FIRST_MS
            .saturating_mul(1 << doublings)
            .min(self.refresh_ms)
    }

    /// Marks a refresh as started at `now_ms`; false (and nothing changes)
    /// when one is already running, whose answer the caller then shares.
    pub fn start(&mut self, now_ms: u64) -> bool {
        if self.running_since.is_some() {
            return false;
        }
        self.running_since = Some(now_ms);
        self.last_start_ms = Some(now_ms);
        true
    }

    /// Marks the running refresh as finished at `now_ms`; `failed` names
    /// each vendor whose part failed with its error kind. Vendors not named
    /// succeeded.
    pub fn finish(&mut self, now_ms: u64, failed: &[(&str, &str)]) {
        self.running_since = None;
        self.last_end_ms = Some(now_ms);
        self.refreshes = self.refreshes.saturating_add(1);
        let mut any = false;
        for v in &mut self.vendors {
            match failed.iter().find(|(name, _)| *name == v.vendor) {
                Some((_, kind)) => {
                    any = true;
                    v.up = false;
                    let kind = error_kind_label(kind);
                    match v.errors.iter_mut().find(|(k, _)| *k == kind) {
                        Some((_, n)) => *n = n.saturating_add(1),
                        None => v.errors.push((kind, 1)),
                    }
                }
                None => {
                    v.up = true;
                    v.last_success_ms = Some(now_ms);
                }
            }
        }
        self.failures_in_a_row = if any {
            self.failures_in_a_row.saturating_add(1)
        } else {
            0
        };
    }

    /// How long a scrape at `now_ms` waits before it answers from the
    /// cache: 0, except while the first refresh is running (at most
    /// [`FIRST_SCRAPE_WAIT_MS`] after it started).
    pub fn scrape_wait_ms(&self, now_ms: u64) -> u64 {
        match self.running_since {
            Some(since) if self.refreshes == 0 => {
                (since.saturating_add(FIRST_SCRAPE_WAIT_MS)).saturating_sub(now_ms)
            }
            _ => 0,
        }
    }

    /// After how long without a success the figures are stale (ms).
    pub fn stale_after_ms(&self) -> u64 {
        self.refresh_ms.saturating_mul(STALE_REFRESHES)
    }

    /// Whether some vendor's figures are stale at `now_ms`: no success for
    /// [`STALE_REFRESHES`] intervals (counted from the start when there was
    /// never one).
    pub fn stale(&self, now_ms: u64) -> bool {
        self.vendors.iter().any(|v| {
            let since = v.last_success_ms.unwrap_or(self.created_ms);
            now_ms.saturating_sub(since) > self.stale_after_ms()
        })
    }

    /// What the exposition says about freshness.
    pub fn freshness(&self) -> Freshness {
        Freshness {
            vendors: self
                .vendors
                .iter()
                .map(|v| VendorFreshness {
                    vendor: v.vendor,
                    up: v.up,
                    last_success_seconds: v.last_success_ms.map(|t| t as f64 / 1000.0),
                    errors: v.errors.clone(),
                })
                .collect(),
            refresh_seconds: Some(self.refresh_ms as f64 / 1000.0),
            stale_after_seconds: Some(self.stale_after_ms() as f64 / 1000.0),
        }
    }

    /// The target's figures with their freshness, in the text exposition
    /// format.
    pub fn to_prometheus(&self, overview: &Overview, fired: &[Fired]) -> String {
        to_prometheus_with(overview, fired, &self.freshness())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;
    const T0: u64 = 1_780_000_000_000;

    fn both(refresh_ms: u64) -> Target {
        Target::new(refresh_ms, true, true, T0).unwrap()
    }

    /// Drives a target on a virtual clock: a scrape every `scrape_ms`, a
    /// refresh whenever one is due (taking `takes_ms`), `fails(now)` saying
    /// which refreshes fail. Returns the refresh start times.
    fn run(
        t: &mut Target,
        hours: u64,
        scrape_ms: u64,
        takes_ms: u64,
        fails: impl Fn(u64) -> bool,
    ) -> Vec<u64> {
        let mut starts = Vec::new();
        let mut running: Option<u64> = None;
        let end = T0 + hours * 60 * MIN;
        let mut now = T0;
        while now < end {
            if let Some(finish_at) = running.filter(|f| *f <= now) {
                let failed: &[(&str, &str)] = if fails(finish_at) {
                    &[("genesys", "network")]
                } else {
                    &[]
                };
                t.finish(finish_at, failed);
                running = None;
            }
            // A scrape reads the cache: it never starts a refresh.
            let _ = t.scrape_wait_ms(now);
            if running.is_none() && t.due_in_ms(now) == 0 {
                assert!(t.start(now));
                starts.push(now);
                running = Some(now + takes_ms);
            }
            now += scrape_ms.min(1_000);
        }
        starts
    }

    #[test]
    fn refreshes_follow_the_schedule_not_the_scrapes() {
        let mut t = both(DEFAULT_REFRESH_MS);
        let starts = run(&mut t, 1, 15_000, 20_000, |_| false);
        assert_eq!(starts.len(), 4, "{starts:?}");
        let gaps: Vec<u64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|g| *g == 15 * MIN), "{gaps:?}");
        let mut fast = both(5_000);
        assert_eq!(run(&mut fast, 1, 1_000, 500, |_| false).len(), 720);
    }

    #[test]
    fn a_running_refresh_is_shared() {
        let mut t = both(DEFAULT_REFRESH_MS);
        assert_eq!(t.due_in_ms(T0), 0);
        assert!(t.start(T0));
        assert!(!t.start(T0 + 10), "a second refresh while one runs");
        assert_eq!(t.due_in_ms(T0 + 10), DEFAULT_REFRESH_MS);
        t.finish(T0 + 3_000, &[]);
        assert_eq!(t.due_in_ms(T0 + 3_000), DEFAULT_REFRESH_MS - 3_000);
        assert!(t.start(T0 + DEFAULT_REFRESH_MS));
    }

    #[test]
    fn only_the_first_refresh_holds_a_scrape() {
        let mut t = both(DEFAULT_REFRESH_MS);
        assert_eq!(t.scrape_wait_ms(T0), 0, "nothing running: answer at once");
        t.start(T0);
        assert_eq!(t.scrape_wait_ms(T0 + 1_000), FIRST_SCRAPE_WAIT_MS - 1_000);
        assert_eq!(t.scrape_wait_ms(T0 + 60_000), 0);
        t.finish(T0 + 2_000, &[]);
        t.start(T0 + DEFAULT_REFRESH_MS);
        assert_eq!(
            t.scrape_wait_ms(T0 + DEFAULT_REFRESH_MS),
            0,
            "cache is there"
        );
    }

    #[test]
    fn a_failure_keeps_the_last_success_and_counts_the_kind() {
        let mut t = both(DEFAULT_REFRESH_MS);
        t.start(T0);
        t.finish(T0 + 1_000, &[]);
        t.start(T0 + DEFAULT_REFRESH_MS);
        t.finish(
            T0 + DEFAULT_REFRESH_MS + 1_000,
            &[
                ("genesys", "unauthorized"),
                ("thousandeyes", "no such kind"),
            ],
        );
        let f = t.freshness();
        assert_eq!(f.vendors.len(), 2);
        for v in &f.vendors {
            assert!(!v.up, "{v:?}");
            assert_eq!(v.last_success_seconds, Some((T0 + 1_000) as f64 / 1000.0));
        }
        assert_eq!(f.vendors[0].errors, [("unauthorized", 1)]);
        assert_eq!(f.vendors[1].errors, [("unknown", 1)]);
        assert_eq!(f.refresh_seconds, Some(900.0));
        assert_eq!(f.stale_after_seconds, Some(2_700.0));
    }

    #[test]
    fn failures_back_off_from_a_minute_up_to_the_interval() {
        let mut t = both(DEFAULT_REFRESH_MS);
        let mut now = T0;
        let mut waits = Vec::new();
        for _ in 0..6 {
            t.start(now);
            t.finish(now, &[("thousandeyes", "server")]);
            let wait = t.due_in_ms(now);
            waits.push(wait / MIN);
            now += wait;
        }
        assert_eq!(waits, [1, 2, 4, 8, 15, 15]);
        t.start(now);
        t.finish(now, &[]);
        assert_eq!(t.due_in_ms(now), DEFAULT_REFRESH_MS, "a success resets it");
    }

    #[test]
    fn figures_go_stale_after_three_intervals_without_success() {
        let mut t = both(5 * MIN);
        assert!(!t.stale(T0 + 15 * MIN));
        assert!(t.stale(T0 + 15 * MIN + 1), "never succeeded");
        t.start(T0);
        t.finish(T0, &[]);
        let starts = run(&mut t, 1, 15_000, 1_000, |at| at > T0 + 10 * MIN);
        assert!(starts.len() > 3);
        let last_success = t.freshness().vendors[0].last_success_seconds.unwrap();
        let last_success_ms = (last_success * 1000.0) as u64;
        assert!(!t.stale(last_success_ms + 15 * MIN));
        assert!(t.stale(last_success_ms + 15 * MIN + 1));
        // ThousandEyes kept succeeding: only Genesys is down.
        let f = t.freshness();
        assert!(!f.vendors[0].up && f.vendors[1].up);
    }

    #[test]
    fn bad_targets_are_refused() {
        assert!(Target::new(999, true, false, T0).is_err());
        assert!(Target::new(MAX_REFRESH_MS + 1, true, false, T0).is_err());
        assert!(Target::new(MIN_REFRESH_MS, true, false, T0).is_ok());
        assert!(Target::new(MAX_REFRESH_MS, false, true, T0).is_ok());
        let e = Target::new(MIN, false, false, T0).unwrap_err();
        assert!(e.to_string().contains("Genesys Cloud, ThousandEyes"), "{e}");
    }

    #[test]
    fn the_exposition_carries_the_schedule() {
        let mut t = Target::new(5 * MIN, false, true, T0).unwrap();
        t.start(T0);
        t.finish(T0 + 500, &[]);
        let o = Overview {
            today: "2026-06-11".into(),
            genesys: None,
            thousandeyes: None,
        };
        let text = t.to_prometheus(&o, &[]);
        assert!(
            text.contains("usage_lens_up{vendor=\"thousandeyes\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("usage_lens_refresh_interval_seconds 300\n"),
            "{text}"
        );
        assert!(
            text.contains("usage_lens_stale_after_seconds 900\n"),
            "{text}"
        );
        assert!(text.contains(
            "usage_lens_last_success_timestamp_seconds{vendor=\"thousandeyes\"} 1780000000.500000\n"
        ));
    }
}
