//! A jobs interval longer than one job allows: its parts run as jobs of their
//! own, a few at once, and their rows come back as one answer.

use std::collections::{BTreeMap, HashMap};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::models::{JobParts, JobStatus};
use super::pages::JobPage;
use crate::engine::parts::{run_bounded, PartFuture, PartsProgress};
use crate::engine::{RunOptions, PARTS_AT_ONCE};
use crate::error::{Error, ErrorKind, Result, Vendor};

/// Whether a jobs row's field is a counter (`requestCount`, `status200`…):
/// what is added up when parts are summed.
fn is_counter(name: &str) -> bool {
    name == "requestCount"
        || name
            .strip_prefix("status")
            .is_some_and(|code| code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()))
}

/// Runs the jobs of `parts` (interval texts, oldest first), at most
/// `opts.parts_at_once` at a time, each through `run_part`, and joins
/// their rows in part order. With `summed` (no granularity) the rows of
/// the same grouping are added up. A single part is simply run. On a
/// failure, the error carries the rows of the finished parts and names
/// the missing ones ([`JobParts::missing`]). `now_ms` is the clock that
/// times each part's share of the time limit.
pub(super) async fn run_job_parts<'a, P: JobPage>(
    parts: Vec<String>,
    summed: bool,
    opts: &RunOptions,
    now_ms: &dyn Fn() -> u64,
    run_part: &'a dyn Fn(String, RunOptions) -> PartFuture<'a, P>,
) -> Result<P> {
    if let [one] = parts.as_slice() {
        return run_part(one.clone(), opts.clone()).await;
    }
    let total = parts.len();
    let progress = PartsProgress::new(total, now_ms(), opts);
    let at_once = opts.parts_at_once.unwrap_or(PARTS_AT_ONCE) as usize;
    let (done, failed) = run_bounded(total, at_once, |i| {
        let part_opts = progress.options_for(i, now_ms(), opts);
        run_part(parts.get(i).cloned().unwrap_or_default(), part_opts)
    })
    .await;
    let mut merged = P::default();
    let mut missing = Vec::new();
    for (answer, interval) in done.into_iter().zip(&parts) {
        match answer {
            Some(mut answer) => merged.rows().append(answer.rows()),
            None => missing.push(interval.clone()),
        }
    }
    if summed {
        let rows = std::mem::take(merged.rows());
        *merged.rows() = sum_rows(rows)?;
    }
    let missing_count = missing.len();
    *merged.parts() = Some(JobParts {
        total: total as u32,
        summed,
        missing,
        kept: 0,
    });
    if let Some((_, mut e)) = failed {
        e.partial = None;
        e.message = format!(
            "{} {missing_count} of the {total} parts of the interval did not finish; the rows of the others are kept.",
            e.message
        );
        return Err(e.with_partial(&merged));
    }
    *merged.query_status() = Some(JobStatus::Succeeded);
    progress.report(&progress.finished());
    Ok(merged)
}

/// A row's fields other than its counters.
type Fields = serde_json::Map<String, serde_json::Value>;

/// Adds up rows that differ only in their counters (the rows of one grouping
/// from different parts), keeping the order in which each grouping first
/// came. Rows are compared and added as JSON, so typed and raw rows are
/// summed alike.
pub(crate) fn sum_rows<R: Serialize + DeserializeOwned>(rows: Vec<R>) -> Result<Vec<R>> {
    let bad = |what: &str| {
        Error::new(
            ErrorKind::Decode,
            format!("A jobs row could not be added up: {what}"),
        )
        .with_vendor(Vendor::Genesys)
    };
    let mut groups: Vec<(Fields, BTreeMap<String, i64>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let serde_json::Value::Object(mut fields) =
            crate::models::json_value(&row).map_err(|e| bad(&e.to_string()))?
        else {
            return Err(bad("it is not an object"));
        };
        let names: Vec<String> = fields.keys().filter(|k| is_counter(k)).cloned().collect();
        let mut counts = BTreeMap::new();
        for name in names {
            if let Some(v) = fields.remove(&name) {
                counts.insert(name, v.as_i64().unwrap_or(0));
            }
        }
        let key = serde_json::Value::Object(fields.clone()).to_string();
        match index.get(&key) {
            Some(&at) => {
                if let Some((_, sums)) = groups.get_mut(at) {
                    for (name, n) in counts {
                        *sums.entry(name).or_insert(0) += n;
                    }
                }
            }
            None => {
                index.insert(key, groups.len());
                groups.push((fields, counts));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut fields, counts)| {
            for (name, n) in counts {
                fields.insert(name, n.into());
            }
            let text = serde_json::Value::Object(fields).to_string();
            serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::{PublicApiUsage, RawRow};

    #[test]
    fn rows_of_one_grouping_are_added_up_typed_or_raw() {
        let raw: Vec<RawRow> = [
            r#"{"oauthClient":{"id":"a"},"requestCount":10,"status200":9,"status429":1}"#,
            r#"{"oauthClient":{"id":"b"},"requestCount":5,"status200":5}"#,
            r#"{"oauthClient":{"id":"a"},"requestCount":7,"status200":7,"status429":0}"#,
        ]
        .iter()
        .map(|t| serde_json::value::RawValue::from_string((*t).to_string()).unwrap())
        .collect();
        let typed: Vec<PublicApiUsage> = raw
            .iter()
            .map(|r| serde_json::from_str(r.get()).unwrap())
            .collect();
        let summed_raw = sum_rows(raw).unwrap();
        assert_eq!(summed_raw.len(), 2);
        let first: serde_json::Value = serde_json::from_str(summed_raw[0].get()).unwrap();
        assert_eq!(first["requestCount"], 17);
        assert_eq!(first["status200"], 16);
        assert_eq!(first["status429"], 1);
        assert_eq!(first["oauthClient"]["id"], "a");
        let summed_typed = sum_rows(typed).unwrap();
        assert_eq!(summed_typed.len(), 2);
        assert_eq!(summed_typed[0].request_count, Some(17));
        assert_eq!(summed_typed[1].request_count, Some(5));
        assert_eq!(
            summed_typed[1].status429, None,
            "a counter never sent stays absent"
        );
    }
}
