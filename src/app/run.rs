//! Running a query: one `AbortController` and one `FetchTransport` per run,
//! progress into a signal, the answer into the session cache.

use super::kept::{self, Snapshots, KEPT};
use crate::analysis::history::Snapshot;
use crate::genesys::{Keep, PublicApiUsageResultsResponse};
use crate::thousandeyes::Usage;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::{Progress, RateBudget, RunOptions};
use crate::error::decode_json;
use crate::genesys;
use crate::http::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::sim::SimTransport;
use crate::thousandeyes;
use crate::transport::fetch::FetchTransport;
use crate::{Error, ErrorKind};

use super::browser;
use super::conn::{cache_key, kept_scope, snapshot_scope};
use super::query_spec::{Kind, QuerySpec, Request};
use super::state::{Conn, Ctx, Shown};
use crate::analysis::answer::Answer;

/// Simulated network latency of the demo, per request.
const DEMO_LATENCY_MS: u64 = 40;

/// The URL query string of a spec (`?q=org&range=30d`), commas kept readable.
pub fn spec_search(spec: &QuerySpec) -> String {
    let pairs: Vec<(&str, String)> = spec.to_params();
    crate::http::query_string(&pairs).replace("%2C", ",")
}

/// Keeps an edited query in the address bar: the first edit after a run
/// starts a new history entry (so Back returns to the run), later edits
/// replace it.
pub fn note_edit(ctx: Ctx, spec: &QuerySpec) {
    let search = spec_search(spec);
    if search == browser::location_search() {
        return;
    }
    if ctx.entry_committed.get_value() {
        browser::push_search(&search);
        ctx.entry_committed.set_value(false);
    } else {
        browser::replace_search(&search);
    }
}

/// Records a run's query in the address bar as a history entry of its own.
fn note_run(ctx: Ctx, spec: &QuerySpec) {
    let search = spec_search(spec);
    if ctx.entry_committed.get_value() {
        browser::push_search(&search);
    } else {
        browser::replace_search(&search);
    }
    ctx.entry_committed.set_value(true);
}

/// Stops the run in progress, if any: every fetch and timer of it ends at once.
pub fn cancel(ctx: Ctx) {
    ctx.run.cancel();
}

/// Shows the cached answer of `spec`, if this session has one. Returns whether it did.
pub fn show_cached(ctx: Ctx, spec: &QuerySpec) -> bool {
    let conn = ctx.conn.get_untracked();
    let Ok(req) = spec.build(browser::now_secs()) else {
        return false;
    };
    let key = cache_key(&conn, spec.kind, &req);
    match ctx.cache.with_value(|c| c.get(&key).cloned()) {
        Some(a) => {
            ctx.answer.set(Some(a));
            ctx.answer_spec.set(Some(spec.clone()));
            ctx.from_cache.set(true);
            ctx.error.set(None);
            ctx.partial.set(None);
            ctx.notice.set(None);
            true
        }
        None => false,
    }
}

/// Why `spec` cannot run on `conn`, in words, or its request.
fn check(spec: &QuerySpec, conn: &Conn, now_secs: i64) -> Result<Request, String> {
    let req = spec.build(now_secs)?;
    if spec.kind.is_te() && conn.te.is_none() {
        return Err("Connect to ThousandEyes first (paste a token), or click Demo.".into());
    }
    if !spec.kind.is_te() && conn.genesys.is_none() {
        return Err(
            "Connect to Genesys Cloud first (sign in or paste a token), or click Demo.".into(),
        );
    }
    Ok(req)
}

/// Checks the form and runs the query (or answers from the cache unless `refresh`).
pub fn start(ctx: Ctx, refresh: bool) {
    let spec = ctx.spec.get_untracked();
    let conn = ctx.conn.get_untracked();
    ctx.notice.set(None);
    let now = browser::now_secs();
    let req = match check(&spec, &conn, now) {
        Ok(r) => r,
        Err(m) => {
            ctx.invalid.set(Some(m));
            return;
        }
    };
    ctx.invalid.set(None);
    note_run(ctx, &spec);
    if !refresh && show_cached(ctx, &spec) {
        return;
    }
    ctx.error.set(None);
    ctx.partial.set(None);
    ctx.now.set(browser::now_ms());
    let opts = ctx.run.options(|p, report| *p = Some(report));
    let sim = conn.demo.then(|| ctx.simulator());
    let budgets = (ctx.genesys_budget.get_value(), ctx.te_budget.get_value());
    let started = ctx
        .run
        .start(Some(Progress::default()), move |signal| async move {
            let keep = KeepWith {
                scope: kept_scope(&conn),
                te_scope: snapshot_scope(&conn),
                refresh,
            };
            let outcome = execute(&conn, &req, signal, &opts, sim, budgets, now, keep).await;
            finish(ctx, cache_key(&conn, spec.kind, &req), spec, outcome);
        });
    if let Err(e) = started {
        ctx.error.set(Some(e));
    }
}

/// Shows what a run came to: its answer (kept in the session cache), or its
/// error with the rows fetched before it, or that it was cancelled.
fn finish(ctx: Ctx, key: String, spec: QuerySpec, outcome: Result<Answer, Error>) {
    let kind = spec.kind;
    match outcome {
        Ok(answer) => {
            let answer = Arc::new(Shown { kind, answer });
            ctx.cache.update_value(|c| {
                c.insert(key, answer.clone());
            });
            ctx.answer.set(Some(answer));
            ctx.answer_spec.set(Some(spec));
            ctx.from_cache.set(false);
            // What the store could not do, said once.
            ctx.notice.set(kept::word().map(String::from));
            ctx.run.progress.update(|p| {
                if let Some(p) = p {
                    p.phase = crate::engine::Phase::Done;
                }
            });
        }
        Err(e) => {
            let partial = e
                .partial
                .as_ref()
                .and_then(|v| partial_answer(kind, v))
                .map(Arc::new);
            ctx.partial.set(partial);
            if e.kind == ErrorKind::Aborted {
                ctx.notice.set(Some(
                    "Cancelled: every request of the run was stopped.".into(),
                ));
            } else {
                ctx.error.set(Some(e));
            }
        }
    }
}

/// The transport of one run: the browser's `fetch`, or the demo's in-browser
/// simulator (whose waits still run on the run's abortable clock). One type,
/// so the clients are compiled once.
pub enum AppTransport {
    /// The browser's `fetch`.
    Fetch(Rc<FetchTransport>),
    /// The in-browser simulator (Demo).
    Demo(SimTransport<Rc<FetchTransport>>),
}

impl Transport for AppTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        match self {
            AppTransport::Fetch(f) => f.send(request).await,
            AppTransport::Demo(s) => s.send(request).await,
        }
    }
}

fn transport_for(
    fetch: &Rc<FetchTransport>,
    sim: Option<Rc<RefCell<crate::sim::Sim>>>,
) -> Rc<AppTransport> {
    Rc::new(match sim {
        Some(sim) => AppTransport::Demo(
            SimTransport::new(sim, fetch.clone()).with_latency_ms(DEMO_LATENCY_MS),
        ),
        None => AppTransport::Fetch(fetch.clone()),
    })
}

/// Whether and where a run keeps finished days (Genesys jobs).
struct KeepWith {
    /// Whose usage: `None` keeps nothing.
    scope: Option<String>,
    /// Whose ThousandEyes snapshots.
    te_scope: Option<String>,
    /// Ask for every day again (and keep them anew).
    refresh: bool,
}

/// An organization usage query, through this browser's kept days when the
/// connection has a `scope` (the Query view and the overview share them).
pub async fn org_usage(
    client: &GenesysClient,
    query: &crate::genesys::ApiUsageOrganizationQuery,
    scope: Option<&str>,
    refresh: bool,
    opts: &RunOptions,
) -> Result<crate::genesys::ApiUsageQueryResult, Error> {
    let result = match scope {
        Some(scope) => {
            let keep = Keep {
                store: &KEPT,
                scope,
                refresh,
            };
            client
                .query_organization_usage_kept(query, &keep, opts)
                .await
        }
        None => client.query_organization_usage(query, opts).await,
    };
    if scope.is_some() {
        KEPT.trim(kept::limit()).await;
    }
    result
}

/// Keeps a usage answer as the day's snapshot of its billing period.
pub async fn keep_snapshot(scope: Option<&str>, usage: &Usage, aid: Option<&str>, now_secs: i64) {
    if let (Some(scope), Some(s)) = (scope, Snapshot::of(usage, aid, now_secs)) {
        Snapshots.put(scope, &[s]).await;
    }
}

#[allow(clippy::too_many_arguments)]
async fn execute(
    conn: &Conn,
    req: &Request,
    signal: web_sys::AbortSignal,
    opts: &RunOptions,
    sim: Option<Rc<RefCell<crate::sim::Sim>>>,
    budgets: (Rc<RefCell<RateBudget>>, Rc<RefCell<RateBudget>>),
    now_secs: i64,
    keep: KeepWith,
) -> Result<Answer, Error> {
    let (g, t) = clients(conn, signal, sim, budgets)?;
    let answer = run_request(req, g, t, opts, now_secs, &keep).await;
    if keep.scope.is_some() && matches!(req, Request::Job(_) | Request::ClientJob(..)) {
        KEPT.trim(kept::limit()).await;
    }
    answer
}

/// The Genesys client of a run (the transport chosen by the connection).
pub type GenesysClient = genesys::Client<Rc<AppTransport>, Rc<FetchTransport>>;
/// The ThousandEyes client of a run.
pub type TeClient = thousandeyes::Client<Rc<AppTransport>, Rc<FetchTransport>>;
/// Both clients of a run; `None` for a vendor that is not connected.
pub type Clients = (
    Option<Result<GenesysClient, Error>>,
    Option<Result<TeClient, Error>>,
);

/// Both vendors' clients for one run, sharing its abort signal and the tab's
/// request budgets: `None` for a vendor that is not connected, an error for
/// one whose connection the client refuses.
pub fn clients(
    conn: &Conn,
    signal: web_sys::AbortSignal,
    sim: Option<Rc<RefCell<crate::sim::Sim>>>,
    budgets: (Rc<RefCell<RateBudget>>, Rc<RefCell<RateBudget>>),
) -> Result<Clients, Error> {
    let fetch = Rc::new(FetchTransport::new(Some(signal), None).map_err(|e| {
        Error::new(
            ErrorKind::Network,
            format!("The browser cannot send requests: {e}"),
        )
    })?);
    let transport = transport_for(&fetch, sim);
    let g = conn.genesys.as_ref().map(|g| {
        genesys::Client::new(&g.base, &g.token, transport.clone(), fetch.clone())
            .map(|c| c.with_budget(budgets.0.clone()))
    });
    let t = conn.te.as_ref().map(|t| {
        thousandeyes::Client::new(
            t.base.as_deref(),
            &t.token,
            transport.clone(),
            fetch.clone(),
        )
        .map(|c| c.with_budget(budgets.1.clone()))
    });
    Ok((g, t))
}

/// Keeps an answer fetched elsewhere (the overview) in this session's cache,
/// under the query that would fetch it, so opening that query shows it at once.
pub fn remember(ctx: Ctx, spec: &QuerySpec, req: &Request, answer: Answer) {
    let key = cache_key(&ctx.conn.get_untracked(), spec.kind, req);
    let shown = Arc::new(Shown {
        kind: spec.kind,
        answer,
    });
    ctx.cache.update_value(|c| {
        c.insert(key, shown);
    });
}

/// The rows fetched before a failure, read back from `Error::partial`
/// through the library's own decoders (no second copy of every model's
/// deserializer is compiled in).
fn partial_answer(kind: Kind, value: &serde_json::Value) -> Option<Shown> {
    let text = value.to_string();
    let g = crate::Vendor::Genesys;
    let t = crate::Vendor::ThousandEyes;
    let mut answer = match kind {
        Kind::Org | Kind::Client | Kind::Summary | Kind::Search => {
            Answer::from_usage(&decode_json(&text, g, "partial result").ok()?)
        }
        Kind::Job | Kind::ClientJob => {
            Answer::from_job(&decode_json(&text, g, "partial result").ok()?)
        }
        Kind::TeTests => Answer::from_te_tests(&decode_json(&text, t, "partial result").ok()?),
        Kind::TeAgents => Answer::from_te_agents(&decode_json(&text, t, "partial result").ok()?),
        Kind::TeUsage => return None,
    };
    answer.partial = true;
    (!answer.table.is_empty()).then_some(Shown { kind, answer })
}

fn not_connected(what: &str) -> Error {
    Error::new(
        ErrorKind::Unauthorized,
        format!("Connect to {what} first, or click Demo."),
    )
}

async fn run_request(
    req: &Request,
    genesys: Option<Result<GenesysClient, Error>>,
    te: Option<Result<TeClient, Error>>,
    opts: &RunOptions,
    now_secs: i64,
    keep: &KeepWith,
) -> Result<Answer, Error> {
    if let Request::TeUsage(_) | Request::TeTests(_) | Request::TeAgents(_) = req {
        let client = te.ok_or_else(|| not_connected("ThousandEyes"))??;
        return match req {
            Request::TeUsage(p) => {
                let u = client.usage(p, opts).await?;
                keep_snapshot(keep.te_scope.as_deref(), &u, p.aid.as_deref(), now_secs).await;
                Ok(Answer::from_te_usage(&u, now_secs))
            }
            Request::TeTests(p) => client
                .tests_units_usage(p, opts)
                .await
                .map(|u| Answer::from_te_tests(&u)),
            Request::TeAgents(p) => client
                .enterprise_agent_units_usage(p, opts)
                .await
                .map(|u| Answer::from_te_agents(&u)),
            _ => Err(Error::invalid_input("unexpected query")),
        };
    }
    let client = genesys.ok_or_else(|| not_connected("Genesys Cloud"))??;
    match req {
        Request::Org(q) => org_usage(&client, q, keep.scope.as_deref(), keep.refresh, opts)
            .await
            .map(|r| Answer::from_usage(&r)),
        Request::Client(id, q) => client
            .query_client_usage(id, q, opts)
            .await
            .map(|r| Answer::from_usage(&r)),
        Request::Summary(id, days) => client
            .client_usage_summary(id, *days, opts)
            .await
            .map(|r| Answer::from_usage(&r)),
        Request::Search(s) => client
            .simple_search(s, opts)
            .await
            .map(|r| Answer::from_usage(&r)),
        Request::Job(j) => match &keep.scope {
            Some(scope) => {
                let keep = Keep {
                    store: &KEPT,
                    scope,
                    refresh: keep.refresh,
                };
                client.aggregates_query_kept(j, &keep, opts).await
            }
            None => client.aggregates_query(j, opts).await,
        }
        .map(|r: PublicApiUsageResultsResponse| Answer::from_job(&r)),
        Request::ClientJob(id, j) => match &keep.scope {
            Some(scope) => {
                let keep = Keep {
                    store: &KEPT,
                    scope,
                    refresh: keep.refresh,
                };
                client
                    .client_aggregates_query_kept(id, j, &keep, opts)
                    .await
            }
            None => client.client_aggregates_query(id, j, opts).await,
        }
        .map(|r: PublicApiUsageResultsResponse| Answer::from_job(&r)),
        _ => Err(Error::invalid_input("unexpected query")),
    }
}

/// Asks Genesys Cloud which organization the token belongs to, through the
/// Genesys client (its retries, and the tab's rate budget).
pub async fn who_am_i(ctx: Ctx, signal: web_sys::AbortSignal) -> Result<String, String> {
    let conn = ctx.conn.get_untracked();
    let g = conn.genesys.as_ref().ok_or("not connected")?;
    let base = genesys::resolve_base(&g.base).map_err(|e| e.message)?;
    let fetch =
        Rc::new(FetchTransport::new(Some(signal), Some(20_000)).map_err(|e| e.to_string())?);
    let transport = transport_for(&fetch, conn.demo.then(|| ctx.simulator()));
    let client = genesys::Client::new(&g.base, &g.token, transport, fetch)
        .map_err(|e| e.message)?
        .with_budget(ctx.genesys_budget.get_value());
    let info = client
        .token_info(&RunOptions::default())
        .await
        .map_err(|e| match e.kind {
            ErrorKind::Unauthorized => {
                "Genesys Cloud did not accept the token (invalid or expired): sign in again."
                    .to_string()
            }
            ErrorKind::Forbidden => {
                "The token works but may not read its own details (403); queries may still work."
                    .to_string()
            }
            ErrorKind::Network => format!(
                "Could not reach {base}. Check the region or base URL; a firewall or the browser's CORS rules may block it."
            ),
            ErrorKind::Decode => {
                "Genesys Cloud's answer about the token was not JSON: check the base URL."
                    .to_string()
            }
            _ => e.message,
        })?;
    Ok(info
        .organization
        .and_then(|o| o.name)
        .unwrap_or_else(|| "an unnamed organization".to_string()))
}
