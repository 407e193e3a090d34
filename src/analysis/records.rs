//! [`Records`]: usage rows stored for analysis. Each column keeps every
//! distinct text once and each row refers to it by number, so grouping a
//! hundred thousand rows adds numbers into arrays instead of hashing strings,
//! and the rows take a few bytes each instead of a handful of allocations.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::genesys::{ApiUsageRow, PublicApiUsage};

use super::{Dimension, Record};

/// The counters of one row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// All requests.
    pub requests: i64,
    /// 2xx.
    pub status200: i64,
    /// 3xx.
    pub status300: i64,
    /// 4xx (429s included).
    pub status400: i64,
    /// 429.
    pub status429: i64,
    /// 5xx.
    pub status500: i64,
}

impl Counts {
    /// The counters of a row whose `requests` may be missing: then they are
    /// the sum of the classes (simple search has no `requests` column).
    pub fn of(
        requests: Option<i64>,
        s200: Option<i64>,
        s300: Option<i64>,
        s400: Option<i64>,
        s429: Option<i64>,
        s500: Option<i64>,
    ) -> Counts {
        let (s200, s300, s400, s500) = (
            s200.unwrap_or(0),
            s300.unwrap_or(0),
            s400.unwrap_or(0),
            s500.unwrap_or(0),
        );
        Counts {
            requests: requests.unwrap_or(s200 + s300 + s400 + s500),
            status200: s200,
            status300: s300,
            status400: s400,
            status429: s429.unwrap_or(0),
            status500: s500,
        }
    }
}

/// The id of "no value" in a column.
pub(crate) const ABSENT: u32 = u32::MAX;

/// A small, fast hasher for interning (FxHash's mixing step). The keys are
/// the texts of the rows being read, not input chosen to collide.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by the interned texts.
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One column: its distinct texts and, per row, the id of the row's text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Column {
    /// Distinct texts, by id.
    pub values: Vec<Arc<str>>,
    /// Per row: an index into `values`, or [`ABSENT`].
    pub ids: Vec<u32>,
    /// How many rows have no value.
    pub absent: usize,
    /// Text to id, while rows are added.
    lookup: FxMap<Arc<str>, u32>,
}

impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values && self.ids == other.ids
    }
}

impl Column {
    fn push(&mut self, value: Option<&str>) {
        let id = match value {
            None => {
                self.absent += 1;
                ABSENT
            }
            Some(v) => match self.lookup.get(v) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(self.values.len()).unwrap_or(ABSENT);
                    let text: Arc<str> = Arc::from(v);
                    self.values.push(text.clone());
                    self.lookup.insert(text, id);
                    id
                }
            },
        };
        self.ids.push(id);
    }

    /// The text of row `i`.
    pub fn get(&self, i: usize) -> Option<&Arc<str>> {
        self.ids.get(i).and_then(|&id| self.values.get(id as usize))
    }
}

/// Usage rows, whichever Genesys endpoint they came from, stored for
/// analysis: a date column, one column per [`Dimension`] and the counters.
/// Build it from the rows of a result, or collect [`Record`]s into it.
///
/// # Example
///
/// ```
/// use usage_lens::analysis::{top_n, Counts, Dimension, Record, Records};
///
/// let records: Records = [("A", 5), ("B", 3), ("A", 1)]
///     .into_iter()
///     .map(|(client, requests)| Record {
///         client: Some(client.into()),
///         counts: Counts { requests, ..Counts::default() },
///         ..Default::default()
///     })
///     .collect();
/// let top = top_n(&records, Dimension::Client, 10);
/// assert_eq!((top[0].name.as_str(), top[0].requests), ("A", 6));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Records {
    pub(crate) date: Column,
    pub(crate) dims: [Column; 6],
    pub(crate) counts: Vec<Counts>,
}

fn slot(dim: Dimension) -> usize {
    match dim {
        Dimension::Client => 0,
        Dimension::Endpoint => 1,
        Dimension::Method => 2,
        Dimension::User => 3,
        Dimension::Organization => 4,
        Dimension::Platform => 5,
    }
}

/// The bucket day (`YYYY-MM-DD`) of a date or date-time.
pub(crate) fn day_of(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

/// A vendor row as the parts of a record: its date, its values in the
/// order of [`Dimension::ALL`], and its counters.
pub(crate) type RowParts<'a> = (Option<&'a str>, [Option<&'a str>; 6], Counts);

/// The parts of a legacy or simple-search row: the client is its name, or
/// its id when the name is missing.
pub(crate) fn usage_row_parts(r: &ApiUsageRow) -> RowParts<'_> {
    (
        r.date.as_deref(),
        [
            r.client_name.as_deref().or(r.client_id.as_deref()),
            r.template_uri.as_deref(),
            r.http_method.as_deref(),
            r.user_id.as_deref(),
            r.organization_id.as_deref(),
            None,
        ],
        Counts::of(
            r.requests,
            r.status200,
            r.status300,
            r.status400,
            r.status429,
            r.status500,
        ),
    )
}

/// The parts of an aggregates-job row.
pub(crate) fn job_row_parts(r: &PublicApiUsage) -> RowParts<'_> {
    (
        r.date.as_deref(),
        [
            r.oauth_client
                .as_ref()
                .and_then(|c| c.name.as_deref().or(c.id.as_deref())),
            r.template_uri.as_deref(),
            r.http_method.as_deref(),
            r.user.as_ref().and_then(|u| u.id.as_deref()),
            r.organization_id.as_deref(),
            r.platform.as_deref(),
        ],
        Counts::of(
            r.request_count,
            r.status200,
            r.status300,
            r.status400,
            r.status429,
            r.status500,
        ),
    )
}

impl Records {
    /// No rows.
    pub fn new() -> Records {
        Records::default()
    }

    /// Adds one row. `values` are in the order of [`Dimension::ALL`]; `date`
    /// is cut to its day.
    pub fn push_row(&mut self, date: Option<&str>, values: [Option<&str>; 6], counts: Counts) {
        self.date.push(date.map(day_of));
        for (column, v) in self.dims.iter_mut().zip(values) {
            column.push(v);
        }
        self.counts.push(counts);
    }

    /// Adds one record.
    pub fn push(&mut self, r: &Record) {
        self.push_row(r.date.as_deref(), Dimension::ALL.map(|d| d.of(r)), r.counts);
    }

    /// The rows of a legacy query or a simple search.
    pub fn from_usage_rows(rows: &[ApiUsageRow]) -> Records {
        Records::from_parts(rows.len(), rows.iter().map(usage_row_parts))
    }

    /// The rows of an aggregates job.
    pub fn from_job_rows(rows: &[PublicApiUsage]) -> Records {
        Records::from_parts(rows.len(), rows.iter().map(job_row_parts))
    }

    fn from_parts<'a>(n: usize, rows: impl Iterator<Item = RowParts<'a>>) -> Records {
        let mut out = Records::with_capacity(n);
        for (date, values, counts) in rows {
            out.push_row(date, values, counts);
        }
        out.shrink();
        out
    }

    fn with_capacity(n: usize) -> Records {
        let column = || Column {
            ids: Vec::with_capacity(n),
            ..Column::default()
        };
        Records {
            date: column(),
            dims: std::array::from_fn(|_| column()),
            counts: Vec::with_capacity(n),
        }
    }

    /// Drops what is only needed while rows are added (the text lookups).
    fn shrink(&mut self) {
        for c in std::iter::once(&mut self.date).chain(self.dims.iter_mut()) {
            c.lookup = FxMap::default();
        }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The day of row `i` (`YYYY-MM-DD`), if it has one.
    pub fn date(&self, i: usize) -> Option<&Arc<str>> {
        self.date.get(i)
    }

    /// The value of `dim` in row `i`, if it has one.
    pub fn value(&self, dim: Dimension, i: usize) -> Option<&Arc<str>> {
        self.column(dim).get(i)
    }

    /// The counters of row `i`.
    pub fn counts(&self, i: usize) -> Counts {
        self.counts.get(i).copied().unwrap_or_default()
    }

    /// Whether any row has a date.
    pub fn has_dates(&self) -> bool {
        !self.date.values.is_empty()
    }

    /// Whether any row has a value for `dim`.
    pub fn has(&self, dim: Dimension) -> bool {
        !self.column(dim).values.is_empty()
    }

    pub(crate) fn column(&self, dim: Dimension) -> &Column {
        &self.dims[slot(dim)]
    }

    /// Row `i` as a [`Record`] (allocates its texts).
    pub fn record(&self, i: usize) -> Record {
        Record::from_parts(
            self.date(i).map(|d| &**d),
            Dimension::ALL.map(|d| self.value(d, i).map(|v| &**v)),
            self.counts(i),
        )
    }
}

impl<'a> FromIterator<&'a Record> for Records {
    fn from_iter<I: IntoIterator<Item = &'a Record>>(iter: I) -> Records {
        let mut out = Records::new();
        for r in iter {
            out.push(r);
        }
        out.shrink();
        out
    }
}

impl FromIterator<Record> for Records {
    fn from_iter<I: IntoIterator<Item = Record>>(iter: I) -> Records {
        let mut out = Records::new();
        for r in iter {
            out.push(&r);
        }
        out.shrink();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_are_stored_once_and_rows_read_back() {
        let rows: Vec<Record> = (0..6)
            .map(|i| Record {
                date: Some(format!("2026-07-0{}T00:00:00Z", 1 + i % 2)),
                client: Some(["A", "B", "A"][i % 3].into()),
                user: (i % 2 == 0).then(|| "u".into()),
                counts: Counts {
                    requests: i as i64,
                    ..Counts::default()
                },
                ..Default::default()
            })
            .collect();
        let records: Records = rows.iter().collect();
        assert_eq!(records.len(), 6);
        assert_eq!(records.column(Dimension::Client).values.len(), 2);
        assert_eq!(records.date.values.len(), 2);
        assert_eq!(records.date(1).map(|d| &**d), Some("2026-07-02"));
        assert!(Arc::ptr_eq(
            records.value(Dimension::Client, 0).unwrap(),
            records.value(Dimension::Client, 2).unwrap()
        ));
        assert_eq!(records.value(Dimension::User, 1), None);
        assert!(records.has(Dimension::User) && !records.has(Dimension::Platform));
        let back = records.record(4);
        assert_eq!(back.client.as_deref(), Some("B"));
        assert_eq!((back.user.as_deref(), back.counts.requests), (Some("u"), 4));
    }

    #[test]
    fn rows_of_every_endpoint_become_records() {
        let row = ApiUsageRow {
            client_id: Some("id-1".into()),
            status200: Some(5),
            status400: Some(3),
            status429: Some(2),
            date: Some("2026-07-01T00:00:00Z".into()),
            ..Default::default()
        };
        let r = Records::from_usage_rows(&[row]);
        assert_eq!(r.value(Dimension::Client, 0).map(|s| &**s), Some("id-1"));
        assert_eq!(r.counts(0).requests, 8);
        assert_eq!(r.date(0).map(|s| &**s), Some("2026-07-01"));
        let job = PublicApiUsage {
            platform: Some("PublicApi".into()),
            request_count: Some(4),
            ..Default::default()
        };
        let j = Records::from_job_rows(&[job]);
        assert_eq!(
            j.value(Dimension::Platform, 0).map(|s| &**s),
            Some("PublicApi")
        );
        assert_eq!((j.counts(0).requests, j.date(0)), (4, None));
    }
}
