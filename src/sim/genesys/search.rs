//! Simple search: an execution whose records are read page by page with
//! `cursors.after`, at most 20,000 of them.

use serde_json::{json, Map, Value};

use crate::genesys::SIMPLE_SEARCH_CAP;
use crate::http::HttpResponse;

use super::super::cursor::{self, Dialect};
use super::super::data::{template, Catalog, Counts};
use super::super::util::day_date;
use super::super::Ctx;
use super::error::ApiError;
use super::executions::{
    catalog_of, execution_not_found, phase, submit, trim_caches, unfinished, ExecKind,
};
use super::ok;
use super::request::{page_size, read_after, Metrics, SearchQuery};

/// Simple search: records readable per search (the reference's cap, as
/// the library knows it).
const SEARCH_CAP: u64 = SIMPLE_SEARCH_CAP as u64;
/// The default page size.
const SEARCH_PAGE: u32 = 100;

/// Starts a simple search.
pub(super) fn start_search(ctx: &mut Ctx<'_>, query: SearchQuery) -> HttpResponse {
    let id = submit(ctx, ExecKind::Search { query, cache: None });
    ok(
        202,
        &json!({ "executionId": id, "resultsUri": format!("/api/v2/usage/simplesearch/{id}/results") }),
    )
}

/// One page of a simple search's records.
pub(super) fn search_results(
    ctx: &mut Ctx<'_>,
    id: &str,
    rest: &str,
) -> Result<HttpResponse, ApiError> {
    let size = page_size(rest, SEARCH_PAGE)?;
    let now = ctx.now;
    let needs_rows = {
        let e = ctx.st.executions.get(id).ok_or_else(execution_not_found)?;
        let ExecKind::Search { cache, .. } = &e.kind else {
            return Err(execution_not_found());
        };
        if let Some(answer) = unfinished(phase(e, now)) {
            return Ok(answer);
        }
        cache.is_none()
    };
    let per_day = ctx.st.cfg.per_day;
    let rows_override = ctx.st.cfg.rows;
    if needs_rows && rows_override.is_none() && per_day.is_none() {
        trim_caches(ctx, id);
    }
    let cat = catalog_of(ctx.cat, None, ctx.st.cfg.xss);
    let cat: &Catalog = &cat;
    let repeat = ctx.st.cfg.repeat;
    let e = ctx
        .st
        .executions
        .get_mut(id)
        .ok_or_else(execution_not_found)?;
    let created = e.created;
    let ExecKind::Search { query, cache } = &mut e.kind else {
        return Err(execution_not_found());
    };
    let span_days = {
        let (first, last) = query.interval.days(created);
        if last >= first {
            (last - first + 1) as u64
        } else {
            1
        }
    };
    let rows_override = rows_override.or(per_day.map(|p| p.saturating_mul(span_days)));
    let total = match rows_override {
        Some(n) => n.min(SEARCH_CAP),
        None => {
            if cache.is_none() {
                *cache = Some(search_records(cat, query, created));
            }
            cache.as_ref().map_or(0, |c| c.len() as u64)
        }
    };
    let (page, offset, incoming) = read_after(rest, total)?;
    let end = offset.saturating_add(size).min(total);
    let mut results = Vec::new();
    for i in offset..end {
        let rec = match rows_override {
            Some(_) => synthetic_record(cat, query, created, i, per_day),
            None => cache
                .as_ref()
                .and_then(|c| c.get(i as usize))
                .copied()
                .unwrap_or((0, 0, Counts::default())),
        };
        results.push(search_row(cat, &rec, &query.cols));
    }
    let mut cursors = Map::new();
    if end < total {
        let after = cursor::next(Dialect::Genesys, incoming.as_deref(), repeat, page, end);
        cursors.insert("after".into(), json!(after));
    }
    if page > 0 {
        cursors.insert(
            "before".into(),
            json!(cursor::encode(
                Dialect::Genesys,
                page - 1,
                offset.saturating_sub(size)
            )),
        );
    }
    let mut body = json!({ "results": results, "queryStatus": "Complete" });
    if !cursors.is_empty() {
        if let Some(m) = body.as_object_mut() {
            m.insert("cursors".into(), Value::Object(cursors));
        }
    }
    Ok(ok(200, &body))
}

fn search_records(cat: &Catalog, q: &SearchQuery, created: u64) -> Vec<(i64, usize, Counts)> {
    let (first, last) = q.interval.days(created);
    let streams: Vec<usize> = cat
        .streams
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let Some(c) = cat.client_of(s) else {
                return false;
            };
            !c.builtin
                && (q.names.is_empty() || q.names.contains(&c.name))
                && (q.methods.is_empty() || q.methods.contains(&s.method))
                && (q.templates.is_empty() || q.templates.iter().any(|t| t == template(s.template)))
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    if streams.is_empty() || first > last {
        return out;
    }
    for day in first..=last {
        for &si in &streams {
            if let Some(s) = cat.streams.get(si) {
                let c = cat.day_counts(s, day);
                if c.requests() > 0 {
                    out.push((day, si, c));
                    if out.len() as u64 >= SEARCH_CAP {
                        return out;
                    }
                }
            }
        }
    }
    out
}

/// Record `i` of a `rows=` scenario: cycles through the streams and the days of the interval.
fn synthetic_record(
    cat: &Catalog,
    q: &SearchQuery,
    created: u64,
    i: u64,
    per_day: Option<u64>,
) -> (i64, usize, Counts) {
    let n = (cat.streams.len() as u64).max(1);
    let (first, last) = q.interval.days(created);
    let span = if last >= first {
        (last - first + 1) as u64
    } else {
        1
    };
    let (day, si) = match per_day.filter(|&p| p > 0) {
        // Day by day: record i is on day i / p.
        Some(p) => (first + ((i / p) % span) as i64, ((i % p) % n) as usize),
        None => (first + ((i / n) % span) as i64, (i % n) as usize),
    };
    let mut c = cat
        .streams
        .get(si)
        .map(|s| cat.day_counts(s, day))
        .unwrap_or_default();
    if c.requests() == 0 {
        c.ok = 1;
    }
    (day, si, c)
}

fn search_row(cat: &Catalog, rec: &(i64, usize, Counts), cols: &Metrics) -> Value {
    let (day, si, c) = rec;
    let stream = cat.streams.get(*si);
    let mut m = Map::new();
    if cols.client_name {
        let name = stream
            .and_then(|s| cat.client_of(s))
            .map_or("", |c| c.name.as_str());
        m.insert("clientName".into(), json!(name));
    }
    if cols.method {
        m.insert("httpMethod".into(), json!(stream.map_or("", |s| s.method)));
    }
    if cols.template {
        m.insert(
            "templateUri".into(),
            json!(stream.map_or("", |s| template(s.template))),
        );
    }
    if cols.date {
        m.insert(
            "date".into(),
            json!(format!("{}T00:00:00Z", day_date(*day))),
        );
    }
    cols.put_counters(&mut m, c, None);
    Value::Object(m)
}
