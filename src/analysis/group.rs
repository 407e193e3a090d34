//! Grouping rows: totals per group with an "other" bucket, 429 shares,
//! headline totals and bars.

use std::collections::HashMap;

use super::records::{Column, ABSENT};
use super::{Counts, Dimension, Records};

/// The label of the bucket that holds every group outside the top N.
pub const OTHER: &str = "Other";
/// The label of rows without a value for the dimension.
pub const NONE: &str = "(none)";

/// One group's totals.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupTotal {
    /// Group name (or [`OTHER`]).
    pub name: String,
    /// Requests.
    pub requests: i64,
    /// 429s.
    pub status429: i64,
    /// 4xx.
    pub status400: i64,
    /// 5xx.
    pub status500: i64,
    /// 429s as a share of requests (0..=1).
    pub share429: f64,
}

pub(crate) fn share(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The groups of one column: one per distinct text, and one named
/// `absent_name` for rows without a value (the same group as a text spelled
/// that way, as when rows are keyed by name).
pub(crate) struct Groups<'a> {
    /// Group names, by group.
    pub(crate) names: Vec<&'a str>,
    /// Whether some row falls in the group.
    pub(crate) used: Vec<bool>,
    /// The group of rows without a value.
    pub(crate) absent: usize,
    /// Per row: the column's ids.
    pub(crate) ids: &'a [u32],
}

impl<'a> Groups<'a> {
    pub(crate) fn new(column: &'a Column, absent_name: &'a str) -> Groups<'a> {
        let mut names: Vec<&str> = column.values.iter().map(|v| &**v).collect();
        let mut used = vec![true; names.len()];
        let absent = match names.iter().position(|n| *n == absent_name) {
            Some(i) => i,
            None => {
                names.push(absent_name);
                used.push(column.absent > 0);
                names.len() - 1
            }
        };
        Groups {
            names,
            used,
            absent,
            ids: &column.ids,
        }
    }

    /// The group of a row's id.
    #[inline]
    pub(crate) fn of(&self, id: u32) -> usize {
        if id == ABSENT {
            self.absent
        } else {
            id as usize
        }
    }

    /// Requests, 429s, 4xx and 5xx per group, in one pass over the rows.
    pub(crate) fn sums(&self, counts: &[Counts]) -> Vec<[i64; 4]> {
        let mut sums = vec![[0i64; 4]; self.names.len()];
        for (c, &id) in counts.iter().zip(self.ids) {
            if let Some(s) = sums.get_mut(self.of(id)) {
                s[0] += c.requests;
                s[1] += c.status429;
                s[2] += c.status400;
                s[3] += c.status500;
            }
        }
        sums
    }

    /// The groups that have rows, largest first (ties by name), with their sums.
    pub(crate) fn ranked(&self, counts: &[Counts]) -> Vec<(usize, [i64; 4])> {
        let mut ranked: Vec<(usize, [i64; 4])> = self
            .sums(counts)
            .into_iter()
            .enumerate()
            .filter(|(g, _)| self.used.get(*g).copied().unwrap_or(false))
            .collect();
        let name = |g: usize| self.names.get(g).copied().unwrap_or("");
        ranked.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then_with(|| name(a.0).cmp(name(b.0))));
        ranked
    }
}

pub(crate) fn group_total(name: &str, s: [i64; 4]) -> GroupTotal {
    GroupTotal {
        name: name.to_string(),
        requests: s[0],
        status429: s[1],
        status400: s[2],
        status500: s[3],
        share429: share(s[1], s[0]),
    }
}

/// Totals per group, largest first, the groups after the first `n` summed
/// into one [`OTHER`] bucket.
pub fn top_n(records: &Records, dim: Dimension, n: usize) -> Vec<GroupTotal> {
    let groups = Groups::new(records.column(dim), NONE);
    let ranked = groups.ranked(&records.counts);
    let mut out: Vec<GroupTotal> = ranked
        .iter()
        .take(n)
        .map(|(g, s)| group_total(groups.names.get(*g).copied().unwrap_or(""), *s))
        .collect();
    if ranked.len() > n {
        let mut other = [0i64; 4];
        for (_, s) in ranked.iter().skip(n) {
            for (o, v) in other.iter_mut().zip(s) {
                *o += v;
            }
        }
        out.push(group_total(OTHER, other));
    }
    out
}

/// Headline numbers.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Headline {
    /// All requests.
    pub requests: i64,
    /// All 429s.
    pub status429: i64,
    /// 429s as a share of requests.
    pub rate429: f64,
    /// 5xx as a share of requests.
    pub rate500: f64,
    /// The day with the most requests, and how many.
    pub busiest_day: Option<(String, i64)>,
    /// The client with the most requests, and how many.
    pub heaviest_client: Option<(String, i64)>,
    /// Rows.
    pub rows: usize,
}

/// Headline numbers of a set of records.
pub fn headline(records: &Records) -> Headline {
    let (mut requests, mut s429, mut s500) = (0i64, 0i64, 0i64);
    let mut per_day = vec![0i64; records.date.values.len()];
    for (c, &d) in records.counts.iter().zip(&records.date.ids) {
        requests += c.requests;
        s429 += c.status429;
        s500 += c.status500;
        if let Some(v) = per_day.get_mut(d as usize) {
            *v += c.requests;
        }
    }
    // The most requests; of equal days, the earliest.
    let busiest_day = records
        .date
        .values
        .iter()
        .zip(per_day)
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(d, n)| (d.to_string(), n));
    let heaviest_client = top_n(records, Dimension::Client, 1)
        .into_iter()
        .find(|g| g.name != OTHER && g.name != NONE)
        .map(|g| (g.name, g.requests));
    Headline {
        requests,
        status429: s429,
        rate429: share(s429, requests),
        rate500: share(s500, requests),
        busiest_day,
        heaviest_client,
        rows: records.len(),
    }
}

/// A named number for bar charts.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Name.
    pub name: String,
    /// Value.
    pub value: i64,
}

/// Sums values per name.
pub fn sum_by(items: impl Iterator<Item = (String, i64)>) -> Vec<Bar> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Bar> = Vec::new();
    for (name, value) in items {
        match index.get(&name) {
            Some(&i) => {
                if let Some(b) = out.get_mut(i) {
                    b.value += value;
                }
            }
            None => {
                index.insert(name.clone(), out.len());
                out.push(Bar { name, value });
            }
        }
    }
    out
}

/// The `n` largest bars, then one "Other" bar with the rest.
pub fn top_with_other(mut bars: Vec<Bar>, n: usize) -> Vec<Bar> {
    bars.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.name.cmp(&b.name)));
    if bars.len() <= n + 1 {
        return bars;
    }
    let rest: i64 = bars.iter().skip(n).map(|b| b.value).sum();
    bars.truncate(n);
    bars.push(Bar {
        name: OTHER.to_string(),
        value: rest,
    });
    bars
}
