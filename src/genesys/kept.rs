//! Past days are final: a jobs or legacy answer kept bucket by bucket (a day, a week
//! or a month of rows), so a query asked again fetches only what is new.
//!
//! Genesys publishes a day's usage about a day after it ends and never
//! changes it afterwards. A bucket is kept once it ended before yesterday;
//! the store is the caller's ([`BucketStore`]: the app keeps buckets in
//! IndexedDB, tests and benchmarks in memory). Keys name the organization
//! (the caller's `scope`, never a token), the query's shape (everything but
//! the interval) and the bucket's first day.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;

use super::client::Client;
use super::models::Granularity;
use super::pages::KeptPage;
use super::parts::PartFuture;
use super::validate::{check_interval, invalid, job_bucket};
use crate::engine::RunOptions;
use crate::error::Result;
use crate::http::{Clock, Transport};
use crate::time::{format_date, format_timestamp, parse_instant, Bucket, Precision, DAY};

/// Where finished buckets are kept. Failures are the store's own business:
/// a bucket that cannot be read is fetched again.
#[allow(async_fn_in_trait)]
pub trait BucketStore {
    /// The rows kept under `key` (a JSON array), if any.
    async fn get(&self, key: &str) -> Option<String>;
    /// Keeps `rows` (a JSON array) under `key`.
    async fn put(&self, key: &str, rows: &str);
    /// The rows of every key, in order (a store may read them at once).
    async fn get_many(&self, keys: &[String]) -> Vec<Option<String>> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            out.push(self.get(k).await);
        }
        out
    }
    /// Keeps every `(key, rows)` (a store may write them at once).
    async fn put_many(&self, entries: &[(String, String)]) {
        for (k, rows) in entries {
            self.put(k, rows).await;
        }
    }
}

/// A store in memory, for tests, benchmarks and callers without a browser.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: RefCell<HashMap<String, String>>,
}

impl MemoryStore {
    /// How many buckets are kept.
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }

    /// Every key and value, for checking what is kept.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut all: Vec<_> = self.entries.borrow().clone().into_iter().collect();
        all.sort();
        all
    }
}

impl BucketStore for MemoryStore {
    async fn get(&self, key: &str) -> Option<String> {
        self.entries.borrow().get(key).cloned()
    }
    async fn put(&self, key: &str, rows: &str) {
        self.entries
            .borrow_mut()
            .insert(key.to_string(), rows.to_string());
    }
}

/// How a kept query is asked: where its buckets live and whether to use them.
pub struct Keep<'a, S: BucketStore> {
    /// The store.
    pub store: &'a S,
    /// Whose usage this is (such as the API base and the organization's
    /// name): keeps organizations apart. Never a token.
    pub scope: &'a str,
    /// Fetch everything again (and keep it anew) instead of reading kept buckets.
    pub refresh: bool,
}

/// The first day (days since 1970-01-01) of each bucket of `bucket` that
/// lies wholly within days `from..to` (exclusive end).
fn whole_buckets(bucket: Bucket, from: i64, to: i64) -> Vec<i64> {
    let first = if bucket.next_start(from - 1) == from {
        from
    } else {
        bucket.next_start(from)
    };
    std::iter::successors(Some(first), |&d| Some(bucket.next_start(d)))
        .take_while(|&d| bucket.next_start(d) <= to)
        .collect()
}

/// The day of a jobs row (its `date`, `YYYY-MM-DD…`).
fn row_day<R: Serialize>(row: &R) -> Option<i64> {
    let value = serde_json::to_value(row).ok()?;
    let date = value.get("date")?.as_str()?.get(..10)?;
    Some(parse_instant(date).ok()?.secs.div_euclid(DAY))
}

/// `start/end` of days `from..to` (exclusive), both ends counted in.
fn days_interval(from: i64, to: i64) -> String {
    format!(
        "{}/{}",
        format_timestamp(from * DAY),
        format_timestamp(to * DAY - 1)
    )
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// Runs a jobs query, reading the buckets that `keep` already holds and
    /// fetching only the days around them; every finished bucket fetched is
    /// kept. `fetch` runs one interval (any length: it may run in parts).
    /// A query with no granularity, or an interval that does not start and
    /// end on whole days, is simply fetched. The answer's rows are in date
    /// order; a jobs answer's `parts.kept` counts the buckets read from the store.
    pub(super) async fn run_kept<'a, P: KeptPage, S: BucketStore>(
        &self,
        interval: &str,
        granularity: Option<Granularity>,
        shape: &str,
        keep: &Keep<'_, S>,
        opts: &RunOptions,
        fetch: &'a dyn Fn(String, RunOptions) -> PartFuture<'a, P>,
    ) -> Result<P> {
        let Some(days) = whole_days(interval)? else {
            return fetch(interval.to_string(), opts.clone()).await;
        };
        if granularity.is_none() {
            return fetch(interval.to_string(), opts.clone()).await;
        }
        let bucket = job_bucket(granularity);
        let (from, to) = days;
        let today = (self.conn.now_ms() / 1000) as i64 / DAY;
        // Final: ended before yesterday (Genesys publishes a day late).
        let finished: Vec<i64> = whole_buckets(bucket, from, to)
            .into_iter()
            .filter(|&d| bucket.next_start(d) < today)
            .collect();
        let key = |d: i64| format!("{}\u{1f}{shape}\u{1f}{}", keep.scope, format_date(d * DAY));
        let mut kept: Vec<(i64, Vec<P::Row>)> = Vec::new();
        if !keep.refresh {
            let keys: Vec<String> = finished.iter().map(|&d| key(d)).collect();
            let found = keep.store.get_many(&keys).await;
            for (&d, rows) in finished.iter().zip(found) {
                if let Some(rows) = rows.and_then(|r| serde_json::from_str(&r).ok()) {
                    kept.push((d, rows));
                }
            }
        }
        // The runs of days no kept bucket covers.
        let mut gaps: Vec<(i64, i64)> = Vec::new();
        let mut day = from;
        for (d, _) in &kept {
            if *d > day {
                gaps.push((day, *d));
            }
            day = bucket.next_start(*d);
        }
        if day < to {
            gaps.push((day, to));
        }
        let mut merged = P::default();
        let mut jobs = 0u32;
        for (i, &(a, b)) in gaps.iter().enumerate() {
            // Nothing kept: the interval exactly as asked.
            let text = if kept.is_empty() {
                interval.to_string()
            } else {
                days_interval(a, b)
            };
            let mut answer = match fetch(text, opts.clone()).await {
                Ok(answer) => answer,
                Err(mut e) => {
                    let mut partial = P::default();
                    for (_, rows) in &kept {
                        partial.rows().extend(rows.iter().cloned());
                    }
                    partial.rows().append(merged.rows());
                    let missing = gaps[i..]
                        .iter()
                        .map(|&(a, b)| days_interval(a, b))
                        .collect();
                    partial.assembled(jobs + 1, kept.len() as u32, missing);
                    e.partial = None;
                    return Err(e.with_partial(&partial));
                }
            };
            jobs += answer.queries();
            // Keep every finished bucket this run covered, empty ones too.
            let mut by_bucket: HashMap<i64, Vec<P::Row>> = HashMap::new();
            // A row's date is its bucket's first day.
            for row in answer.rows().iter() {
                if let Some(d) = row_day(row) {
                    by_bucket.entry(d).or_default().push(row.clone());
                }
            }
            let entries: Vec<(String, String)> = finished
                .iter()
                .filter(|&&d| d >= a && bucket.next_start(d) <= b)
                .filter_map(|&d| {
                    let rows = by_bucket.remove(&d).unwrap_or_default();
                    Some((key(d), serde_json::to_string(&rows).ok()?))
                })
                .collect();
            keep.store.put_many(&entries).await;
            merged.rows().append(answer.rows());
        }
        let kept_count = kept.len() as u32;
        for (_, rows) in kept {
            merged.rows().extend(rows);
        }
        // Rows in date order; within a day, as the vendor sent them.
        let mut dated: Vec<(Option<i64>, P::Row)> = std::mem::take(merged.rows())
            .into_iter()
            .map(|r| (row_day(&r), r))
            .collect();
        dated.sort_by_key(|(d, _)| *d);
        *merged.rows() = dated.into_iter().map(|(_, r)| r).collect();
        merged.assembled(jobs, kept_count, Vec::new());
        Ok(merged)
    }
}

/// Days `from..to` (exclusive) of an interval that starts at midnight and
/// ends on a whole day; `None` for any other interval.
fn whole_days(interval: &str) -> Result<Option<(i64, i64)>> {
    let whole = check_interval(interval)?;
    let Some((_, end_text)) = interval.trim().split_once('/') else {
        return Err(invalid(format!("interval `{interval}` has no end")));
    };
    let end = parse_instant(end_text.trim()).map_err(|m| invalid(format!("interval: {m}")))?;
    let end_secs = match end.precision {
        Precision::Day => end.secs + DAY,
        Precision::Month => Bucket::Month.next_start(end.secs.div_euclid(DAY)) * DAY,
        // `…T23:59:59Z` counts the whole day in; midnight ends before it.
        Precision::Time if (end.secs + 1) % DAY == 0 => end.secs + 1,
        Precision::Time => end.secs,
    };
    if whole.start % DAY != 0 || end_secs % DAY != 0 {
        return Ok(None);
    }
    Ok(Some((whole.start / DAY, end_secs / DAY)))
}
