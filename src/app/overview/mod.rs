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

use std::sync::Arc;

use leptos::prelude::*;

use crate::analysis::outlook::OVERVIEW_HISTORY_DAYS;
use crate::analysis::rules::{rules_from_json, Severity};
use crate::analysis::{
    default_rules, evaluate_rules, overview, Allowance, Fired, Overview, OverviewInput, Records,
    Rule,
};
use crate::engine::{Phase, Progress, RunOptions};
use crate::thousandeyes::{Quotas, Usage};
use crate::time::format_timestamp;
use crate::{Error, ErrorKind};

use super::browser;
use super::conn::{kept_scope, snapshot_scope};
use super::plan::overview_plan;
use super::query_spec::{QuerySpec, Request};
use super::run;
use super::runner::Runner;
use super::sources::{allowance_choice, ContractRead};
use crate::analysis::allowance::AllowanceChoice;
use crate::analysis::answer::{group_digits, Answer};
use crate::app::state::{Conn, Ctx};
use crate::genesys::billing::ChargeMatcher;
use crate::genesys::limits::RateLimit;

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
    /// The Genesys token's rate limit, when Genesys was asked.
    pub limit: Option<RateLimit>,
    /// What the billing contract said of the allowance.
    pub contract: ContractRead,
}

/// The overview's state, shared through a context.
#[derive(Clone, Copy)]
pub struct OverviewCtx {
    /// The overview's runs, with the progress of each part: Genesys,
    /// ThousandEyes usage, quotas.
    pub run: Runner<[Option<Progress>; 3]>,
    /// What the last finished run fetched.
    pub fetched: RwSignal<Option<Arc<Fetched>>>,
    /// A note about the last run (cancelled).
    pub notice: RwSignal<Option<String>>,
    /// The allowance, as typed.
    pub allowance: RwSignal<Option<Allowance>>,
    /// The rules.
    pub rules: RwSignal<Vec<Rule>>,
    /// The connection the latest run is for.
    pub running_for: StoredValue<String>,
}

impl OverviewCtx {
    /// Fresh state, with the allowance and the rules from `localStorage`.
    pub fn new() -> OverviewCtx {
        OverviewCtx {
            run: Runner::new(),
            fetched: RwSignal::new(None),
            notice: RwSignal::new(None),
            allowance: RwSignal::new(load_allowance()),
            rules: RwSignal::new(load_rules()),
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
/// usage of the last [`OVERVIEW_HISTORY_DAYS`] days, by day and OAuth client
/// (the analysis's query, see [`overview_plan`]).
pub fn genesys_spec(now_secs: i64) -> QuerySpec {
    overview_plan(now_secs)
        .map(|p| p.genesys)
        .unwrap_or_default()
}

/// The overview's ThousandEyes query, as the Query view would run it: usage
/// of the billing period with its tests.
pub fn units_spec() -> QuerySpec {
    overview_plan(browser::now_secs())
        .map(|p| p.units)
        .unwrap_or_default()
}

/// Stops the overview's run, if any: every fetch and timer of it ends at once.
pub fn cancel(ov: OverviewCtx) {
    ov.run.cancel();
}

/// Forgets what the overview fetched (the connection changed) and stops its run.
pub fn forget(ov: OverviewCtx) {
    ov.run.stop();
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
    let id = conn.identities();
    let have = ov
        .fetched
        .with_untracked(|f| f.as_ref().is_some_and(|f| f.identity == id));
    let running = ov.run.running().get_untracked() && ov.running_for.get_value() == id;
    if !have && !running {
        start(ctx, ov);
    }
}

/// Runs the overview's queries for both vendors in parallel.
pub fn start(ctx: Ctx, ov: OverviewCtx) {
    let conn = ctx.conn.get_untracked();
    ov.notice.set(None);
    let id = conn.identities();
    ov.running_for.set_value(id.clone());
    ctx.now.set(browser::now_ms());
    let now = browser::now_secs();
    let options = |i: usize| {
        ov.run.options(move |all, p| {
            if let Some(slot) = all.get_mut(i) {
                *slot = Some(p);
            }
        })
    };
    let opts = [options(0), options(1), options(2)];
    let sim = conn.demo.then(|| ctx.simulator());
    let budgets = (ctx.genesys_budget.get_value(), ctx.te_budget.get_value());
    let first = [
        conn.genesys.as_ref().map(|_| Progress::default()),
        conn.te.as_ref().map(|_| Progress::default()),
        conn.te.as_ref().map(|_| Progress::default()),
    ];
    let started = ov.run.start(first, move |signal| async move {
        let (genesys, te) = match run::clients(&conn, signal, sim, budgets) {
            Ok(c) => c,
            Err(e) => {
                ov.notice.set(Some(e.message));
                return;
            }
        };
        let [g_opts, u_opts, q_opts] = opts;
        let ((genesys, limit, contract), usage, quotas) = futures::future::join3(
            genesys_part(ctx, &conn, genesys.as_ref(), now, &g_opts),
            usage_part(ctx, &conn, te.as_ref(), now, &u_opts),
            quotas_part(te.as_ref(), &q_opts),
        )
        .await;
        finish(
            ov,
            Fetched {
                identity: id,
                at_secs: now,
                genesys,
                usage,
                quotas,
                limit,
                contract,
            },
        );
    });
    if let Err(e) = started {
        ov.notice.set(Some(e.message));
    }
}

/// A vendor's client, or the part it makes when there is none.
fn client_of<C, T>(client: Option<&Result<C, Error>>) -> Result<&C, Part<T>> {
    match client {
        None => Err(Part::NotConnected),
        Some(Err(e)) => Err(Part::Failed(e.clone())),
        Some(Ok(c)) => Ok(c),
    }
}

/// Genesys: the token's rate limit (read first, so the run keeps to it),
/// the plan's usage and what the billing contract says of the allowance.
async fn genesys_part(
    ctx: Ctx,
    conn: &Conn,
    client: Option<&Result<run::GenesysClient, Error>>,
    now: i64,
    opts: &RunOptions,
) -> (Part<Arc<Records>>, Option<RateLimit>, ContractRead) {
    let client = match client_of(client) {
        Ok(c) => c,
        Err(part) => return (part, None, None),
    };
    let limit = client.rate_limit(opts).await;
    let usage = genesys_usage(ctx, conn, client, now, opts).await;
    let today = crate::time::format_date(now);
    let contract = match &usage {
        Part::Failed(e) if e.kind == ErrorKind::Aborted => None,
        _ => Some(
            client
                .contract_allowance(&today, &ChargeMatcher::Api, opts)
                .await,
        ),
    };
    (usage, Some(limit), contract)
}

/// The plan's organization usage, through the kept days, also remembered
/// as the Query view's answer to the same query.
async fn genesys_usage(
    ctx: Ctx,
    conn: &Conn,
    client: &run::GenesysClient,
    now: i64,
    opts: &RunOptions,
) -> Part<Arc<Records>> {
    let spec = genesys_spec(now);
    let (req, q) = match spec.build(now) {
        Ok(Request::Org(q)) => (Request::Org(q.clone()), q),
        Ok(_) => return Part::Failed(Error::invalid_input("unexpected query")),
        Err(m) => return Part::Failed(Error::invalid_input(m)),
    };
    let scope = kept_scope(conn);
    match run::org_usage(client, &q, scope.as_deref(), false, opts).await {
        Ok(result) => {
            run::remember(ctx, &spec, &req, Answer::from_usage(&result));
            Part::Done(Arc::new(Records::from_usage_rows(&result.results)))
        }
        Err(e) => Part::Failed(e),
    }
}

/// ThousandEyes: the plan's usage of the billing period, kept as the day's
/// snapshot and remembered as the Query view's answer.
async fn usage_part(
    ctx: Ctx,
    conn: &Conn,
    client: Option<&Result<run::TeClient, Error>>,
    now: i64,
    opts: &RunOptions,
) -> Part<Arc<Usage>> {
    let client = match client_of(client) {
        Ok(c) => c,
        Err(part) => return part,
    };
    let spec = units_spec();
    let params = match spec.build(now) {
        Ok(Request::TeUsage(p)) => p,
        Ok(_) => return Part::Failed(Error::invalid_input("unexpected query")),
        Err(m) => return Part::Failed(Error::invalid_input(m)),
    };
    match client.usage(&params, opts).await {
        Ok(u) => {
            let answer = Answer::from_te_usage(&u, now);
            run::remember(ctx, &spec, &Request::TeUsage(params.clone()), answer);
            run::keep_snapshot(snapshot_scope(conn).as_deref(), &u, None, now).await;
            Part::Done(Arc::new(u))
        }
        Err(e) => Part::Failed(e),
    }
}

/// ThousandEyes quotas (the overview goes on without them).
async fn quotas_part(
    client: Option<&Result<run::TeClient, Error>>,
    opts: &RunOptions,
) -> Part<Arc<Quotas>> {
    match client_of(client) {
        Ok(c) => match c.quotas(opts).await {
            Ok(q) => Part::Done(Arc::new(q)),
            Err(e) => Part::Failed(e),
        },
        Err(part) => part,
    }
}

/// Shows what the run fetched (each part done, failed or cancelled).
fn finish(ov: OverviewCtx, fetched: Fetched) {
    if aborted(&fetched.genesys) || aborted(&fetched.usage) || aborted(&fetched.quotas) {
        ov.notice.set(Some(
            "Cancelled: every request of the overview was stopped.".into(),
        ));
    }
    ov.run.progress.update(|all| {
        for p in all.iter_mut().flatten() {
            p.phase = Phase::Done;
        }
    });
    ov.fetched.set(Some(Arc::new(fetched)));
}

fn aborted<T>(p: &Part<T>) -> bool {
    matches!(p, Part::Failed(e) if e.kind == ErrorKind::Aborted)
}

/// The figures of what was fetched, against the allowance typed or else the
/// contract's, and that allowance's source.
fn figures(f: &Fetched, typed: Option<&Allowance>) -> (Result<Overview, Error>, AllowanceChoice) {
    let now = format_timestamp(f.at_secs);
    let choice = allowance_choice(typed, &f.contract);
    let allowance = choice.allowance();
    let o = overview(&OverviewInput {
        today: &now,
        genesys: f.genesys.ok().map(|r| r.as_ref()),
        allowance: allowance.as_ref(),
        usage: f.usage.ok().map(|u| u.as_ref()),
        quotas: f.quotas.ok().map(|q| q.as_ref()),
        rate_limit: f.limit.as_ref().and_then(RateLimit::read_limit),
    });
    (o, choice)
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
        let (o, choice) = figures(&f, allowance.as_ref());
        Some((f, o, choice))
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
                    disabled=move || ov.run.running().get() || !connected()
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
                    Some((_, Err(e), _)) => {
                        view! {
                            <div class="card-error" role="alert" data-testid="card-error">
                                <p class="error-title">"The overview could not be worked out"</p>
                                <p class="error-message">{e.message.clone()}</p>
                            </div>
                        }
                            .into_any()
                    }
                    Some((f, Ok(o), choice)) => view! { <Cards fetched=f figures=Arc::new(o) choice=Arc::new(choice)/> }.into_any(),
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
            let running = ov.run.running().get();
            let all = ov.run.progress.get();
            let parts: Vec<&Progress> = all.iter().flatten().collect();
            if parts.is_empty() {
                return None;
            }
            let share = parts.iter().map(|p| super::progress::phase_share(p)).sum::<f64>() / parts.len() as f64;
            let elapsed = if running { ctx.now.get() - ov.run.started_at.get() } else { parts.iter().map(|p| p.elapsed_ms).max().unwrap_or(0) as f64 };
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
                            disabled=move || !ov.run.running().get()
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
fn Cards(
    fetched: Arc<Fetched>,
    figures: Arc<Overview>,
    choice: Arc<AllowanceChoice>,
) -> impl IntoView {
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
            <MonthCard fetched=fetched.clone() figures=figures.clone() spec=g_spec.clone() choice=choice/>
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
