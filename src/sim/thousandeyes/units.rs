//! The paged unit breakdowns: `GET /v7/usage/units/tests` and
//! `GET /v7/usage/units/enterprise-agents`, followed through `_links.next`.

use serde_json::{json, Value};

use crate::http::{query_param, HttpResponse};

use super::super::cursor::{self, Dialect};
use super::super::util::{hash, ms_i64, parse_te_datetime, str_hash};
use super::super::Ctx;
use super::catalog::{period_of, units, TeCatalog, AGENTS, GROUPS};
use super::{checked_aid, hal, href, BadField};

/// The default server page size.
const DEFAULT_PAGE: u64 = 50;

/// Names the query a cursor belongs to: the path and the dates as given.
fn cursor_tag(path: &str, start: Option<&str>, end: Option<&str>) -> String {
    let h = hash(&[
        str_hash(path),
        str_hash(start.unwrap_or("-")),
        str_hash(end.unwrap_or("-")),
    ]);
    format!("{:08x}", h & 0xFFFF_FFFF)
}

/// A cursor that is not one of this query's, or points past its rows.
const BAD_CURSOR: BadField = BadField {
    field: "cursor",
    message: Some("the cursor is not valid for this request"),
};

/// A date parameter, when given: the text and its instant (Unix ms).
fn date_param(rest: &str, name: &'static str) -> Result<Option<(String, i64)>, BadField> {
    let Some(raw) = query_param(rest, name).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let ms = parse_te_datetime(&raw).ok_or(BadField::new(
        name,
        "expected a date and time with seconds, such as 2026-06-01T00:00:00Z",
    ))?;
    Ok(Some((raw, ms)))
}

/// One page of tests units (`tests`) or of enterprise agents units.
pub(super) fn units_page(
    ctx: &Ctx<'_>,
    rest: &str,
    path: &str,
    tests: bool,
) -> Result<HttpResponse, BadField> {
    let te = ctx.te;
    let now = ms_i64(ctx.now);
    let aid = if tests {
        checked_aid(query_param(rest, "aid").filter(|a| !a.is_empty()))?
    } else {
        None
    };
    let start = date_param(rest, "startDate")?;
    let end = date_param(rest, "endDate")?;
    let (a, b) = match (&start, &end) {
        (None, None) => (period_of(now).0, now),
        (Some((_, a)), None) => (*a, now),
        (None, Some(_)) => return Err(BadField::new("endDate", "endDate requires startDate")),
        (Some((_, a)), Some((_, b))) => {
            if a > b {
                return Err(BadField::new(
                    "startDate",
                    "startDate must not be after endDate",
                ));
            }
            (*a, (*b).min(now))
        }
    };
    let start_raw = start.map(|(raw, _)| raw);
    let end_raw = end.map(|(raw, _)| raw);
    let tag = cursor_tag(path, start_raw.as_deref(), end_raw.as_deref());
    let cursor_raw = query_param(rest, "cursor").filter(|c| !c.is_empty());
    let (page, offset) = match &cursor_raw {
        None => (0, 0),
        Some(c) => cursor::decode(Dialect::ThousandEyes { query: &tag }, c).ok_or(BAD_CURSOR)?,
    };
    let page_size = ctx.st.cfg.tepage.unwrap_or(DEFAULT_PAGE).clamp(1, 10_000);
    let agents = if tests {
        Vec::new()
    } else {
        agent_rows(te, a, b, now)
    };
    let total = if tests {
        ctx.st.cfg.tests.unwrap_or(te.tests.len() as u64)
    } else {
        agents.len() as u64
    };
    if offset > total {
        return Err(BAD_CURSOR);
    }
    let rows: Vec<Value> = if tests {
        let end_i = offset.saturating_add(page_size).min(total);
        (offset..end_i)
            .map(|k| test_row(te, k, a, b, now))
            .collect()
    } else {
        agents
            .into_iter()
            .skip(offset as usize)
            .take(page_size as usize)
            .collect()
    };
    let next_offset = offset + rows.len() as u64;
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(a) = &aid {
        params.push(("aid", a.clone()));
    }
    if let Some(s) = &start_raw {
        params.push(("startDate", s.clone()));
    }
    if let Some(e) = &end_raw {
        params.push(("endDate", e.clone()));
    }
    let mut self_params = params.clone();
    if let Some(c) = &cursor_raw {
        self_params.push(("cursor", c.clone()));
    }
    let mut links = json!({ "self": { "href": href(path, &self_params) } });
    if next_offset < total {
        let cursor = cursor::next(
            Dialect::ThousandEyes { query: &tag },
            cursor_raw.as_deref(),
            ctx.st.cfg.repeat,
            page,
            next_offset,
        );
        params.push(("cursor", cursor));
        if let Some(m) = links.as_object_mut() {
            m.insert("next".into(), json!({ "href": href(path, &params) }));
        }
    }
    Ok(hal(&json!({ "breakdowns": rows, "_links": links })))
}

/// Row `k` of the tests units: the catalog's tests, then numbered copies
/// of them when a scenario asks for more rows (`tests=`).
fn test_row(te: &TeCatalog, k: u64, a: i64, b: i64, now: i64) -> Value {
    let n = te.tests.len().max(1) as u64;
    let Some(t) = te.tests.get((k % n) as usize) else {
        return Value::Null;
    };
    let copy = k / n;
    let (id, name) = if copy == 0 {
        (t.id.clone(), t.name.clone())
    } else {
        (
            (200_000 + k).to_string(),
            format!("{} (copy {copy})", t.name),
        )
    };
    let (cu, eu) = te.used(t, a, b);
    let (cp, ep) = te.projected(t, now);
    let (aid, group_name) = te.group(t.group);
    json!({
        "testId": id,
        "testName": name,
        "testType": t.kind,
        "enterpriseUnitsUsed": units(eu),
        "enterpriseUnitsProjected": units(ep),
        "cloudUnitsUsed": units(cu),
        "cloudUnitsProjected": units(cp),
        "aid": aid,
        "accountGroupName": group_name,
        "isInstantTest": t.instant,
    })
}

/// The enterprise agents units: one row per agent and account group of the
/// tests that ran on it.
fn agent_rows(te: &TeCatalog, a: i64, b: i64, now: i64) -> Vec<Value> {
    // (test-owner group, agent) → (used, projected)
    let mut cells = vec![(0.0f64, 0.0f64); GROUPS.len() * AGENTS.len()];
    for t in &te.tests {
        if t.agents.is_empty() {
            continue;
        }
        let (_, eu) = te.used(t, a, b);
        let (_, ep) = te.projected(t, now);
        let n = t.agents.len() as f64;
        for ag in &t.agents {
            if let Some(cell) = cells.get_mut(t.group * AGENTS.len() + ag) {
                cell.0 += eu / n;
                cell.1 += ep / n;
            }
        }
    }
    cells
        .iter()
        .enumerate()
        .filter(|(_, (u, p))| *u > 0.0 || *p > 0.0)
        .filter_map(|(i, (u, p))| te.agent_row(i / AGENTS.len(), i % AGENTS.len(), *u, *p))
        .collect()
}
