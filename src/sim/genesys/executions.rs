//! Executions and jobs: what each computes, its phase over time, and the
//! rows kept between pages.

use std::borrow::Cow;

use serde_json::json;

use crate::http::HttpResponse;

use super::super::data::{AggKey, Catalog, Counts};
use super::super::scenario::{Execution, Outcome};
use super::super::Ctx;
use super::error::ApiError;
use super::ok;
use super::request::{JobQuery, LegacyQuery, SearchQuery};

/// How many executions keep their computed rows.
const MAX_CACHED: usize = 8;

/// What an execution or job computes.
#[derive(Clone, Debug)]
pub(crate) enum ExecKind {
    /// Legacy org or per-client query (also the client summary). Its rows
    /// are read in one response, so they are computed then and not kept.
    Legacy {
        query: LegacyQuery,
        client: Option<String>,
    },
    /// Simple search.
    Search {
        query: SearchQuery,
        cache: Option<Vec<(i64, usize, Counts)>>,
    },
    /// Aggregates job (org or per-client).
    Job {
        query: JobQuery,
        client: Option<String>,
        cache: Option<Vec<(AggKey, Counts)>>,
    },
}

impl ExecKind {
    /// Salts the ids of each kind apart, as the real ids of different
    /// endpoints never collide.
    fn id_salt(&self) -> u64 {
        match self {
            ExecKind::Legacy { .. } => 1,
            ExecKind::Search { .. } => 2,
            ExecKind::Job { .. } => 3,
        }
    }
    fn has_cache(&self) -> bool {
        match self {
            ExecKind::Legacy { .. } => false,
            ExecKind::Job { cache, .. } => cache.is_some(),
            ExecKind::Search { cache, .. } => cache.is_some(),
        }
    }
    fn drop_cache(&mut self) {
        match self {
            ExecKind::Legacy { .. } => {}
            ExecKind::Job { cache, .. } => *cache = None,
            ExecKind::Search { cache, .. } => *cache = None,
        }
    }
}

/// Stores a new execution of `kind` submitted now, ending as the scenario
/// says; returns its id.
pub(super) fn submit(ctx: &mut Ctx<'_>, kind: ExecKind) -> String {
    let id = ctx.st.next_id(ctx.seed, kind.id_salt());
    let jobs = matches!(kind, ExecKind::Job { .. });
    let exec = ctx
        .st
        .new_execution(kind, ctx.now, ctx.default_exec_ms, jobs);
    ctx.st.insert(id.clone(), exec);
    id
}

/// The state of an execution at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    /// Submitted, not started (only jobs say so).
    Queued,
    /// Started, not finished.
    Running,
    /// Finished, one way or another.
    Done(Outcome),
}

/// The phase of `e` at `now`.
pub(super) fn phase<K>(e: &Execution<K>, now: u64) -> Phase {
    // Queued for the first fifth of the duration (half a second when it never ends).
    let queued_for = e.done_at.map_or(500, |d| d.saturating_sub(e.created) / 5);
    match e.done_at {
        Some(done) if now >= done => Phase::Done(e.outcome),
        _ if now < e.created.saturating_add(queued_for) => Phase::Queued,
        _ => Phase::Running,
    }
}

/// What a legacy query or a simple search answers until its rows can be
/// read: `Running`, or `Failed` when it ended without them; `None` once it
/// succeeded.
pub(super) fn unfinished(phase: Phase) -> Option<HttpResponse> {
    let status = match phase {
        Phase::Queued | Phase::Running => "Running",
        Phase::Done(Outcome::Failed | Outcome::Cancelled) => "Failed",
        Phase::Done(Outcome::Success) => return None,
    };
    Some(ok(200, &json!({ "queryStatus": status })))
}

/// Keeps computed rows for at most [`MAX_CACHED`] executions.
pub(super) fn trim_caches(ctx: &mut Ctx<'_>, keep: &str) {
    let cached: Vec<String> = ctx
        .st
        .executions
        .iter()
        .filter(|(id, e)| e.kind.has_cache() && id.as_str() != keep)
        .map(|(id, _)| id.clone())
        .collect();
    if cached.len() >= MAX_CACHED {
        for id in cached.iter().take(cached.len() + 1 - MAX_CACHED) {
            if let Some(e) = ctx.st.executions.get_mut(id) {
                e.kind.drop_cache();
            }
        }
    }
}

/// The catalog a results request reads: the whole one or one client's, with
/// `xss=1` naming one client like an HTML injection.
pub(super) fn catalog_of<'c>(
    cat: &'c Catalog,
    client: Option<&str>,
    xss: bool,
) -> Cow<'c, Catalog> {
    let cat = match client {
        Some(id) => Cow::Owned(cat.for_client(id)),
        None => Cow::Borrowed(cat),
    };
    if xss {
        Cow::Owned(cat.into_owned().with_xss_name())
    } else {
        cat
    }
}

/// The 404 of an execution id the scenario does not know (or no longer keeps).
pub(super) fn execution_not_found() -> ApiError {
    ApiError::not_found(
        "The requested execution was not found. It may have expired; submit the query again.",
    )
}
