//! The overview: both vendors on one screen, run in parallel under one
//! progress bar and one Cancel. The fired rules come first, then the Genesys
//! month against the allowance with its forecast, the top clients and the
//! worst 429 offenders, and ThousandEyes units against the quotas. The
//! allowance and the rules are edited here and kept in `localStorage` (they
//! are not secret; tokens never go there).
//!
//! The figures are `crate::analysis::overview` of what was fetched, worked
//! out again whenever the allowance changes; the rules are
//! `crate::analysis::evaluate_rules`. Every card links to the query that
//! produced it, opened in the Query view through the address like a shared
//! query.

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Poll;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::analysis::outlook::OVERVIEW_HISTORY_DAYS;
use crate::analysis::rules::{rules_from_json, Severity};
use crate::analysis::{
    default_rules, evaluate_rules, overview, Allowance, Fired, Overview, OverviewInput, Records,
    Rule,
};
use crate::engine::{Phase, Progress, RunOptions};
use crate::thousandeyes::{ExpandUsageOptions, Quotas, Usage, UsageParams};
use crate::time::{format_timestamp, DAY};
use crate::{Error, ErrorKind};

use super::browser;
use super::query_spec::{day_text, Kind, Preset, QuerySpec, Request};
use super::run;
use crate::analysis::answer::{group_digits, Answer};
use crate::app::state::{Conn, Ctx};

/// Where the allowance is kept (`localStorage`; not a secret).
pub const ALLOWANCE_KEY: &str = "usage-lens.allowance";
/// Where the rules are kept (`localStorage`; not a secret).
pub const RULES_KEY: &str = "usage-lens.rules";

/// One part of the overview's fetch.
#[derive(Clone, Debug)]
pub enum Part<T> {
    /// The vendor is not connected.
    NotConnected,
    /// The query failed.
    Failed(Error),
    /// The answer.
    Done(T),
}

impl<T> Part<T> {
    fn ok(&self) -> Option<&T> {
        match self {
            Part::Done(t) => Some(t),
            _ => None,
        }
    }
}

/// What the overview fetched.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// Which connection answered (no token).
    pub identity: String,
    /// When, as Unix seconds.
    pub at_secs: i64,
    /// Genesys rows: the last [`OVERVIEW_HISTORY_DAYS`] days by day and client.
    pub genesys: Part<Arc<Records>>,
    /// `GET /v7/usage?expand=test`.
    pub usage: Part<Arc<Usage>>,
    /// `GET /v7/quotas` (the overview goes on without it).
    pub quotas: Part<Arc<Quotas>>,
}

/// The overview's state, shared through a context.
#[derive(Clone, Copy)]
pub struct OverviewCtx {
    /// A run is in progress.
    pub running: RwSignal<bool>,
    /// Progress of each part: Genesys, ThousandEyes usage, quotas.
    pub progress: RwSignal<[Option<Progress>; 3]>,
    /// When the run started (Unix ms).
    pub started_at: RwSignal<f64>,
    /// What the last finished run fetched.
    pub fetched: RwSignal<Option<Arc<Fetched>>>,
    /// A note about the last run (cancelled).
    pub notice: RwSignal<Option<String>>,
    /// The allowance, as typed.
    pub allowance: RwSignal<Option<Allowance>>,
    /// The rules.
    pub rules: RwSignal<Vec<Rule>>,
    /// The running run's abort controller.
    pub abort: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    /// Counts runs so a superseded run's answer is dropped.
    pub seq: StoredValue<u64>,
    /// The connection the running run is for.
    pub running_for: StoredValue<String>,
}

impl OverviewCtx {
    /// Fresh state, with the allowance and the rules from `localStorage`.
    pub fn new() -> OverviewCtx {
        OverviewCtx {
            running: RwSignal::new(false),
            progress: RwSignal::new([None, None, None]),
            started_at: RwSignal::new(0.0),
            fetched: RwSignal::new(None),
            notice: RwSignal::new(None),
            allowance: RwSignal::new(load_allowance()),
            rules: RwSignal::new(load_rules()),
            abort: StoredValue::new_local(None),
            seq: StoredValue::new(0),
            running_for: StoredValue::new(String::new()),
        }
    }
}

impl Default for OverviewCtx {
    fn default() -> Self {
        OverviewCtx::new()
    }
}

/// The overview's state from the context.
pub fn use_overview() -> OverviewCtx {
    use_context::<OverviewCtx>().unwrap_or_default()
}

fn load_allowance() -> Option<Allowance> {
    let text = browser::local_get(ALLOWANCE_KEY)?;
    let a: Allowance = serde_json::from_str(&text).ok()?;
    a.total().ok().map(|_| a)
}

fn save_allowance(a: Option<&Allowance>) {
    match a.and_then(|a| serde_json::to_string(a).ok()) {
        Some(text) => browser::local_set(ALLOWANCE_KEY, &text),
        None => browser::local_remove(ALLOWANCE_KEY),
    }
}

fn load_rules() -> Vec<Rule> {
    browser::local_get(RULES_KEY)
        .and_then(|t| rules_from_json(&t).ok())
        .unwrap_or_else(default_rules)
}

fn save_rules(rules: &[Rule]) {
    if let Ok(text) = serde_json::to_string_pretty(rules) {
        browser::local_set(RULES_KEY, &text);
    }
}

/// The overview's Genesys query, as the Query view would run it: organization
/// usage of the last [`OVERVIEW_HISTORY_DAYS`] days, by day and OAuth client.
pub fn genesys_spec(now_secs: i64) -> QuerySpec {
    let today = now_secs.div_euclid(DAY);
    QuerySpec {
        kind: Kind::Org,
        preset: Preset::Custom,
        from: day_text(today - OVERVIEW_HISTORY_DAYS),
        to: day_text(today - 1),
        granularity: "Day".into(),
        group_by: vec!["OAuthClientId".into()],
        ..QuerySpec::default()
    }
}

/// The overview's ThousandEyes query, as the Query view would run it: usage
/// of the billing period with its tests.
pub fn units_spec() -> QuerySpec {
    QuerySpec {
        kind: Kind::TeUsage,
        expand: vec!["test".into()],
        ..QuerySpec::default()
    }
}

/// Polls three futures together until all are done (a join without a
/// runtime: the browser's event loop wakes whichever is ready).
async fn join3<A: Future, B: Future, C: Future>(
    a: A,
    b: B,
    c: C,
) -> (A::Output, B::Output, C::Output) {
    let (mut a, mut b, mut c) = (pin!(a), pin!(b), pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if rc.is_none() {
            if let Poll::Ready(v) = c.as_mut().poll(cx) {
                rc = Some(v);
            }
        }
        match (ra.take(), rb.take(), rc.take()) {
            (Some(x), Some(y), Some(z)) => Poll::Ready((x, y, z)),
            (x, y, z) => {
                ra = x;
                rb = y;
                rc = z;
                Poll::Pending
            }
        }
    })
    .await
}

/// Stops the overview's run, if any: every fetch and timer of it ends at once.
pub fn cancel(ov: OverviewCtx) {
    if let Some(c) = ov.abort.with_value(|a| a.clone()) {
        c.abort();
    }
}

/// Forgets what the overview fetched (the connection changed) and stops its run.
pub fn forget(ov: OverviewCtx) {
    cancel(ov);
    ov.seq.update_value(|s| *s += 1);
    ov.running.set(false);
    ov.abort.set_value(None);
    ov.fetched.set(None);
    ov.notice.set(None);
}

/// Runs the overview unless it has an answer for this connection, or is
/// already running for it.
pub fn ensure(ctx: Ctx, ov: OverviewCtx) {
    let conn = ctx.conn.get_untracked();
    if conn.genesys.is_none() && conn.te.is_none() {
        return;
    }
    let id = identity(&conn);
    let have = ov
        .fetched
        .with_untracked(|f| f.as_ref().is_some_and(|f| f.identity == id));
    let running = ov.running.get_untracked() && ov.running_for.get_value() == id;
    if !have && !running {
        start(ctx, ov);
    }
}

fn identity(conn: &Conn) -> String {
    format!("{}|{}", conn.identity(false), conn.identity(true))
}

/// Runs the overview's queries for both vendors in parallel.
pub fn start(ctx: Ctx, ov: OverviewCtx) {
    let conn = ctx.conn.get_untracked();
    cancel(ov);
    ov.notice.set(None);
    let Ok(controller) = web_sys::AbortController::new() else {
        ov.notice.set(Some(
            "This browser has no AbortController; use a current browser.".into(),
        ));
        return;
    };
    ov.abort.set_value(Some(controller.clone()));
    let seq = ov.seq.get_value() + 1;
    ov.seq.set_value(seq);
    let id = identity(&conn);
    ov.running_for.set_value(id.clone());
    ov.progress.set([
        conn.genesys.as_ref().map(|_| Progress::default()),
        conn.te.as_ref().map(|_| Progress::default()),
        conn.te.as_ref().map(|_| Progress::default()),
    ]);
    ov.started_at.set(browser::now_ms());
    ctx.now.set(browser::now_ms());
    ov.running.set(true);

    let now = browser::now_secs();
    let options = |i: usize| RunOptions {
        split_on_cap: true,
        on_progress: Some(Rc::new(move |p: &Progress| {
            if ov.seq.get_value() == seq {
                ov.progress.update(|all| {
                    if let Some(slot) = all.get_mut(i) {
                        *slot = Some(p.clone());
                    }
                });
            }
        })),
        ..RunOptions::default()
    };
    let (g_opts, u_opts, q_opts) = (options(0), options(1), options(2));
    let sim = conn.demo.then(|| ctx.simulator());
    let budgets = (ctx.genesys_budget.get_value(), ctx.te_budget.get_value());
    let g_spec = genesys_spec(now);
    let u_spec = units_spec();
    spawn_local(async move {
        let clients = run::clients(&conn, controller.signal(), sim, budgets);
        let (genesys, te) = match clients {
            Ok(c) => c,
            Err(e) => {
                finish_failed(ov, seq, e);
                return;
            }
        };
        let g_req = g_spec.build(now);
        let genesys_part = async {
            let client = match genesys.as_ref() {
                None => return Part::NotConnected,
                Some(Err(e)) => return Part::Failed(e.clone()),
                Some(Ok(c)) => c,
            };
            let q = match &g_req {
                Ok(Request::Org(q)) => q.clone(),
                Ok(_) => return Part::Failed(Error::invalid_input("unexpected query")),
                Err(m) => return Part::Failed(Error::invalid_input(m.clone())),
            };
            let scope = run::kept_scope(&conn);
            match run::org_usage(client, &q, scope.as_deref(), false, &g_opts).await {
                Ok(result) => {
                    if let Ok(req) = &g_req {
                        run::remember(ctx, &g_spec, req, Answer::from_usage(&result));
                    }
                    Part::Done(Arc::new(Records::from_usage_rows(&result.results)))
                }
                Err(e) => Part::Failed(e),
            }
        };
        let params = UsageParams {
            aid: None,
            expand: Some(vec![ExpandUsageOptions::Test]),
        };
        let usage_part = async {
            let client = match te.as_ref() {
                None => return Part::NotConnected,
                Some(Err(e)) => return Part::Failed(e.clone()),
                Some(Ok(c)) => c,
            };
            match client.usage(&params, &u_opts).await {
                Ok(u) => {
                    let answer = Answer::from_te_usage(&u, now);
                    run::remember(ctx, &u_spec, &Request::TeUsage(params.clone()), answer);
                    run::keep_snapshot(run::snapshot_scope(&conn).as_deref(), &u, None, now).await;
                    Part::Done(Arc::new(u))
                }
                Err(e) => Part::Failed(e),
            }
        };
        let quotas_part = async {
            let client = match te.as_ref() {
                None => return Part::NotConnected,
                Some(Err(e)) => return Part::Failed(e.clone()),
                Some(Ok(c)) => c,
            };
            match client.quotas(&q_opts).await {
                Ok(q) => Part::Done(Arc::new(q)),
                Err(e) => Part::Failed(e),
            }
        };
        let (genesys, usage, quotas) = join3(genesys_part, usage_part, quotas_part).await;
        if ov.seq.get_value() != seq {
            return;
        }
        ov.running.set(false);
        ov.abort.set_value(None);
        if aborted(&genesys) || aborted(&usage) || aborted(&quotas) {
            ov.notice.set(Some(
                "Cancelled: every request of the overview was stopped.".into(),
            ));
        }
        ov.progress.update(|all| {
            for p in all.iter_mut().flatten() {
                p.phase = Phase::Done;
            }
        });
        ov.fetched.set(Some(Arc::new(Fetched {
            identity: id,
            at_secs: now,
            genesys,
            usage,
            quotas,
        })));
    });
}

fn aborted<T>(p: &Part<T>) -> bool {
    matches!(p, Part::Failed(e) if e.kind == ErrorKind::Aborted)
}

fn finish_failed(ov: OverviewCtx, seq: u64, e: Error) {
    if ov.seq.get_value() != seq {
        return;
    }
    ov.running.set(false);
    ov.abort.set_value(None);
    ov.notice.set(Some(e.message));
}

/// The figures of what was fetched, with the allowance.
fn figures(f: &Fetched, allowance: Option<&Allowance>) -> Result<Overview, Error> {
    let now = format_timestamp(f.at_secs);
    overview(&OverviewInput {
        today: &now,
        genesys: f.genesys.ok().map(|r| r.as_ref()),
        allowance,
        usage: f.usage.ok().map(|u| u.as_ref()),
        quotas: f.quotas.ok().map(|q| q.as_ref()),
    })
}

/// Opens a query in the Query view and runs it (from the cache when the
/// overview fetched it), as a shared address would.
pub fn open_query(ctx: Ctx, spec: QuerySpec) {
    super::show_query(ctx, spec);
    run::start(ctx, false);
}

mod cards;
mod editors;

use cards::*;
use editors::*;

/// The overview screen.
#[component]
pub fn OverviewScreen() -> impl IntoView {
    let ctx = crate::app::state::use_ctx();
    let ov = use_overview();
    let connected = move || ctx.conn.with(|c| c.genesys.is_some() || c.te.is_some());
    // The figures, worked out again when the fetch or the allowance changes.
    let figures = move || {
        let f = ov.fetched.get()?;
        let allowance = ov.allowance.get();
        let o = figures(&f, allowance.as_ref());
        Some((f, o))
    };
    view! {
        <section class="overview" aria-labelledby="overview-h" data-testid="overview">
            <div class="ov-head">
                <div>
                    <h2 id="overview-h">"Overview"</h2>
                    <p class="hint">
                        {format!(
                            "Genesys Cloud over the last {OVERVIEW_HISTORY_DAYS} days (counted up to yesterday) and ThousandEyes this billing period."
                        )}
                    </p>
                </div>
                <button
                    type="button"
                    data-testid="overview-refresh"
                    disabled=move || ov.running.get() || !connected()
                    on:click=move |_| start(ctx, ov)
                >
                    "Refresh"
                </button>
            </div>
            <OverviewProgress/>
            {move || {
                if !connected() {
                    return view! {
                        <div class="welcome" data-testid="overview-welcome">
                            <h2>"Where your usage is heading"</h2>
                            <p>
                                "Connect to Genesys Cloud, ThousandEyes or both (or click " <strong>"Demo"</strong>
                                ") to see this month against your allowance, the clients that drive it, units against quotas and the rules that fired."
                            </p>
                        </div>
                    }
                        .into_any();
                }
                match figures() {
                    None => view! { <p class="hint ov-wait">"The overview appears here when its queries are done."</p> }.into_any(),
                    Some((f, Err(e))) => {
                        let _ = f;
                        view! {
                            <div class="card-error" role="alert" data-testid="card-error">
                                <p class="error-title">"The overview could not be worked out"</p>
                                <p class="error-message">{e.message.clone()}</p>
                            </div>
                        }
                            .into_any()
                    }
                    Some((f, Ok(o))) => view! { <Cards fetched=f figures=Arc::new(o)/> }.into_any(),
                }
            }}
            <div class="ov-settings">
                <AllowanceEditor/>
                <RulesEditor/>
            </div>
        </section>
    }
}

/// One progress bar and one Cancel for the overview's three queries.
#[component]
fn OverviewProgress() -> impl IntoView {
    let ctx = crate::app::state::use_ctx();
    let ov = use_overview();
    view! {
        {move || {
            let running = ov.running.get();
            let all = ov.progress.get();
            let parts: Vec<&Progress> = all.iter().flatten().collect();
            if parts.is_empty() {
                return None;
            }
            let share = parts.iter().map(|p| super::progress::phase_share(p)).sum::<f64>() / parts.len() as f64;
            let elapsed = if running { ctx.now.get() - ov.started_at.get() } else { parts.iter().map(|p| p.elapsed_ms).max().unwrap_or(0) as f64 };
            let names = ["Genesys Cloud", "ThousandEyes usage", "ThousandEyes quotas"];
            let states: Vec<String> = all
                .iter()
                .zip(names)
                .filter_map(|(p, n)| p.as_ref().map(|p| format!("{n}: {}", super::progress::phase_short(p.phase))))
                .collect();
            let requests: u32 = parts.iter().map(|p| p.requests).sum();
            let rows: u64 = parts.iter().map(|p| p.rows).sum();
            let retries: u32 = parts.iter().map(|p| p.retries).sum();
            Some(view! {
                <div
                    class="progress ov-progress"
                    class:done=!running
                    data-testid="overview-progress"
                    data-state=if running { "running" } else { "done" }
                >
                    <div class="progress-head">
                        <strong>{if running { "Running the overview's queries" } else { "Overview's queries done" }}</strong>
                        <span class="elapsed">{super::progress::elapsed_words(elapsed)}</span>
                    </div>
                    <div
                        class="bar"
                        role="progressbar"
                        aria-label="Overview progress"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=crate::app::charts::fixed(share * 100.0, 0)
                    >
                        <div class="fill" style=format!("width: {}%", crate::app::charts::fixed(share * 100.0, 1))></div>
                    </div>
                    <p class="counts">
                        {format!(
                            "{} · {} requests · {} rows{}",
                            states.join(" · "),
                            requests,
                            group_digits(rows as i64),
                            match retries { 0 => String::new(), 1 => " · 1 retry".into(), n => format!(" · {n} retries") },
                        )}
                    </p>
                    <div class="actions" hidden=!running>
                        <button
                            type="button"
                            data-testid="overview-cancel"
                            disabled=move || !ov.running.get()
                            on:click=move |_| cancel(ov)
                        >
                            "Cancel"
                        </button>
                    </div>
                </div>
            })
        }}
        {move || ov.notice.get().map(|m| view! { <p class="notice panel" data-testid="overview-notice" role="status">{m}</p> })}
    }
}

#[component]
fn Cards(fetched: Arc<Fetched>, figures: Arc<Overview>) -> impl IntoView {
    let ov = use_overview();
    let fired_figures = figures.clone();
    let fired = Memo::new(move |_| {
        let rules = ov.rules.get();
        evaluate_rules(&fired_figures, &rules)
    });
    let g_spec = genesys_spec(fetched.at_secs);
    view! {
        <FiredRules fired=fired genesys=g_spec.clone()/>
        <div class="ov-grid">
            <MonthCard fetched=fetched.clone() figures=figures.clone() spec=g_spec.clone()/>
            <ClientsCard fetched=fetched.clone() figures=figures.clone() spec=g_spec/>
            <UnitsCard fetched=fetched figures=figures/>
        </div>
    }
}

fn severity_words(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        _ => "Warning",
    }
}

#[component]
fn FiredRules(fired: Memo<Vec<Fired>>, genesys: QuerySpec) -> impl IntoView {
    view! {
        <section class="card fired" aria-labelledby="fired-h" data-testid="overview-fired">
            <h3 id="fired-h">
                "Rules that fired "
                <span class="badge" data-testid="fired-count">{move || fired.with(Vec::len).to_string()}</span>
            </h3>
            {move || {
                let list = fired.get();
                if list.is_empty() {
                    return view! { <p class="hint" data-testid="fired-none">"No rule fired: nothing needs attention."</p> }.into_any();
                }
                view! {
                    <ul class="fired-list">
                        {list
                            .into_iter()
                            .map(|f| {
                                let critical = f.severity == Severity::Critical;
                                let spec = if f.vendor == "thousandeyes" { units_spec() } else { genesys.clone() };
                                view! {
                                    <li class="fired-rule" class:critical=critical data-testid="fired-rule" data-rule-id=f.rule_id.clone() data-kind=f.kind.as_str()>
                                        <span class="sev">{severity_words(f.severity)}</span>
                                        <div class="fired-body">
                                            <p class="fired-what"><strong>{f.who.clone()}</strong>": "{f.what.clone()}</p>
                                            <p class="fired-by">{f.by.clone()}</p>
                                            <p class="fired-advice">{f.advice.clone()}</p>
                                            <DetailLink spec=spec text="The query behind it" id="link-fired"/>
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}
