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

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::models::Granularity;
use super::pages::KeptPage;
use super::validate::{check_interval, invalid, job_bucket};
use crate::engine::parts::PartFuture;
use crate::engine::RunOptions;
use crate::error::{Error, Result};
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
    let value = crate::models::json_value(row).ok()?;
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

/// Runs a dated query, reading the buckets that `keep` already holds and
/// fetching only the days around them; every finished bucket fetched is
/// kept. `fetch` runs one interval (any length: it may run in parts), and
/// `now_ms` says which buckets are final. A query with no granularity, or an
/// interval that does not start and end on whole days, is simply fetched.
/// The answer's rows are in date order; a jobs answer's `parts.kept` counts
/// the buckets read from the store.
pub(super) async fn run_kept<'a, P: KeptPage, S: BucketStore>(
    (interval, granularity): (&str, Option<Granularity>),
    shape: &str,
    keep: &Keep<'_, S>,
    now_ms: u64,
    opts: &RunOptions,
    fetch: &'a dyn Fn(String, RunOptions) -> PartFuture<'a, P>,
) -> Result<P> {
    let (Some((from, to)), Some(_)) = (whole_days(interval)?, granularity) else {
        return fetch(interval.to_string(), opts.clone()).await;
    };
    let buckets = Buckets::new(
        job_bucket(granularity),
        (from, to),
        now_ms,
        keep.scope,
        shape,
    );
    let kept: Vec<(i64, Vec<P::Row>)> = if keep.refresh {
        Vec::new()
    } else {
        buckets.read(keep.store).await
    };
    let gaps = buckets.gaps(&kept);
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
            Err(e) => return Err(failed_with_kept(e, &kept, merged, jobs + 1, &gaps[i..])),
        };
        jobs += answer.queries();
        buckets.put(keep.store, (a, b), answer.rows()).await;
        merged.rows().append(answer.rows());
    }
    let kept_count = kept.len() as u32;
    for (_, rows) in kept {
        merged.rows().extend(rows);
    }
    in_date_order(merged.rows());
    merged.assembled(jobs, kept_count, Vec::new());
    Ok(merged)
}

/// The buckets of one kept query: which of them are final, and the key each
/// is kept under.
struct Buckets<'q> {
    bucket: Bucket,
    /// The query's days, `from..to` (exclusive).
    days: (i64, i64),
    /// The first day of each bucket that ended before yesterday.
    finished: Vec<i64>,
    scope: &'q str,
    shape: &'q str,
}

impl<'q> Buckets<'q> {
    fn new(bucket: Bucket, days: (i64, i64), now_ms: u64, scope: &'q str, shape: &'q str) -> Self {
        let today = (now_ms / 1000) as i64 / DAY;
        // Final: ended before yesterday (Genesys publishes a day late).
        let finished = whole_buckets(bucket, days.0, days.1)
            .into_iter()
            .filter(|&d| bucket.next_start(d) < today)
            .collect();
        Buckets {
            bucket,
            days,
            finished,
            scope,
            shape,
        }
    }

    /// The store's key of the bucket that starts on day `d`.
    fn key(&self, d: i64) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}",
            self.scope,
            self.shape,
            format_date(d * DAY)
        )
    }

    /// The finished buckets the store holds, oldest first.
    async fn read<R: DeserializeOwned, S: BucketStore>(&self, store: &S) -> Vec<(i64, Vec<R>)> {
        let keys: Vec<String> = self.finished.iter().map(|&d| self.key(d)).collect();
        let found = store.get_many(&keys).await;
        self.finished
            .iter()
            .zip(found)
            .filter_map(|(&d, rows)| Some((d, serde_json::from_str(&rows?).ok()?)))
            .collect()
    }

    /// The runs of days (`from..to`, exclusive) that no `kept` bucket covers.
    fn gaps<R>(&self, kept: &[(i64, R)]) -> Vec<(i64, i64)> {
        let (from, to) = self.days;
        let mut gaps = Vec::new();
        let mut day = from;
        for (d, _) in kept {
            if *d > day {
                gaps.push((day, *d));
            }
            day = self.bucket.next_start(*d);
        }
        if day < to {
            gaps.push((day, to));
        }
        gaps
    }

    /// Keeps every finished bucket within days `a..b` (exclusive) from the
    /// `rows` fetched for them, empty ones too. A row's date is its bucket's
    /// first day.
    async fn put<R: Serialize + Clone, S: BucketStore>(
        &self,
        store: &S,
        (a, b): (i64, i64),
        rows: &[R],
    ) {
        let mut by_bucket: HashMap<i64, Vec<R>> = HashMap::new();
        for row in rows {
            if let Some(d) = row_day(row) {
                by_bucket.entry(d).or_default().push(row.clone());
            }
        }
        let entries: Vec<(String, String)> = self
            .finished
            .iter()
            .filter(|&&d| d >= a && self.bucket.next_start(d) <= b)
            .filter_map(|&d| {
                let rows = by_bucket.remove(&d).unwrap_or_default();
                Some((self.key(d), serde_json::to_string(&rows).ok()?))
            })
            .collect();
        store.put_many(&entries).await;
    }
}

/// The error of a fetch that failed, carrying the kept rows, those
/// `fetched` before it and those the failed fetch got before it failed (its
/// own partial answer), and naming the runs of days still `missing`: the
/// failed fetch's own missing parts where it names them, else its whole run.
fn failed_with_kept<P: KeptPage>(
    mut e: Error,
    kept: &[(i64, Vec<P::Row>)],
    mut fetched: P,
    queries: u32,
    missing: &[(i64, i64)],
) -> Error {
    let mut partial = P::default();
    for (_, rows) in kept {
        partial.rows().extend(rows.iter().cloned());
    }
    partial.rows().append(fetched.rows());
    let own = e.partial.take();
    let own_missing: Option<Vec<String>> = own.as_deref().and_then(|v| {
        let names = v.get("parts")?.get("missing")?.as_array()?;
        names
            .iter()
            .map(|m| m.as_str().map(str::to_string))
            .collect()
    });
    // Read back through its text: the page types are already decoded from
    // text everywhere, and a second decoder of them (from a JSON value) would
    // add tens of kilobytes to the app's download.
    let got = own.and_then(|v| serde_json::from_str::<P>(&v.to_string()).ok());
    if let Some(mut got) = got {
        partial.rows().append(got.rows());
    }
    let mut runs = missing.iter().map(|&(a, b)| days_interval(a, b));
    let missing = match own_missing {
        Some(names) => {
            runs.next();
            names.into_iter().chain(runs).collect()
        }
        None => runs.collect(),
    };
    in_date_order(partial.rows());
    partial.assembled(queries, kept.len() as u32, missing);
    e.with_partial(&partial)
}

/// Puts rows in date order; within a day, as the vendor sent them.
fn in_date_order<R: Serialize>(rows: &mut Vec<R>) {
    let mut dated: Vec<(Option<i64>, R)> = std::mem::take(rows)
        .into_iter()
        .map(|r| (row_day(&r), r))
        .collect();
    dated.sort_by_key(|(d, _)| *d);
    *rows = dated.into_iter().map(|(_, r)| r).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Days 100..110, asked on day 200: every day is final.
    fn ten_days() -> Buckets<'static> {
        Buckets::new(
            Bucket::Day,
            (100, 110),
            200 * DAY as u64 * 1000,
            "org",
            "shape",
        )
    }

    #[test]
    fn only_the_days_no_kept_bucket_covers_are_fetched() {
        let b = ten_days();
        assert_eq!(b.finished, (100..110).collect::<Vec<_>>());
        let kept = [(102, ()), (103, ()), (107, ())];
        assert_eq!(b.gaps(&kept), [(100, 102), (104, 107), (108, 110)]);
        let ends = [(100, ()), (109, ())];
        assert_eq!(b.gaps(&ends), [(101, 109)]);
        assert_eq!(b.gaps::<()>(&[]), [(100, 110)]);
    }

    #[test]
    fn yesterday_and_today_are_never_final() {
        let today = 109;
        let b = Buckets::new(Bucket::Day, (100, 110), today * DAY as u64 * 1000, "o", "s");
        assert_eq!(b.finished.last(), Some(&107));
    }

    #[test]
    fn keys_name_the_scope_the_shape_and_the_day_never_more() {
        let key = ten_days().key(100);
        assert_eq!(key, "org\u{1f}shape\u{1f}1970-04-11");
    }
}
