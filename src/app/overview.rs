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
use wasm_bindgen::JsCast;

use crate::analysis::outlook::OVERVIEW_HISTORY_DAYS;
use crate::analysis::rules::{check_rules, rules_from_json, Severity};
use crate::analysis::{
    default_rules, evaluate_rules, overview, Allowance, Fired, Overview, OverviewInput, Records,
    Rule, RuleKind,
};
use crate::engine::{Phase, Progress, RunOptions};
use crate::thousandeyes::{ExpandUsageOptions, Quotas, Usage, UsageParams};
use crate::time::{format_timestamp, DAY};
use crate::{Error, ErrorKind};

use super::answer::{group_digits, Answer};
use super::browser;
use super::query_spec::{day_text, Kind, Preset, QuerySpec, Request};
use super::run;
use super::state::{Conn, Ctx};

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
        timeout_ms: None,
        page_size: None,
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
            match client.query_organization_usage(&q, &g_opts).await {
                Ok(result) => {
                    let answer = Arc::new(Answer::from_usage(Kind::Org, &result));
                    if let Ok(req) = &g_req {
                        run::remember(ctx, &g_spec, req, answer.clone());
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
                    let answer = Arc::new(Answer::from_te_usage(&u, now));
                    run::remember(ctx, &u_spec, &Request::TeUsage(params.clone()), answer);
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

/// A link to the query behind a card.
#[component]
fn DetailLink(
    /// The query.
    spec: QuerySpec,
    /// The words.
    text: &'static str,
    /// Test id.
    id: &'static str,
) -> impl IntoView {
    let ctx = super::state::use_ctx();
    let href = run::spec_search(&spec);
    view! {
        <a
            class="detail-link"
            href=href
            data-testid=id
            on:click=move |ev: leptos::ev::MouseEvent| {
                if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                    return;
                }
                ev.prevent_default();
                open_query(ctx, spec.clone());
            }
        >
            {text}
            " →"
        </a>
    }
}

fn pct(x: f64) -> String {
    format!("{} %", super::charts::fixed(x * 100.0, 1))
}

fn count(x: f64) -> String {
    group_digits(x.round() as i64)
}

fn error_words(e: &Error) -> String {
    let advice = match e.kind {
        ErrorKind::Unauthorized => " Sign in again (or paste a fresh token).",
        ErrorKind::Forbidden => " Ask an administrator for the permission named above.",
        ErrorKind::Network => {
            " If the service blocks calls from web pages (CORS), set a proxy base URL."
        }
        ErrorKind::RateLimited => " Wait a minute, then refresh the overview.",
        _ => "",
    };
    format!("{}{advice}", e.message)
}

/// A card's message when its data is missing.
fn card_problem<T>(part: &Part<T>, vendor: &str) -> Option<AnyView> {
    match part {
        Part::NotConnected => Some(
            view! {
                <p class="card-note" data-testid="card-not-connected">
                    {format!("Connect to {vendor} (or click Demo) to see this card.")}
                </p>
            }
            .into_any(),
        ),
        Part::Failed(e) if e.kind == ErrorKind::Aborted => Some(
            view! {
                <p class="card-note" data-testid="card-cancelled">
                    "Cancelled. Refresh the overview to run it again."
                </p>
            }
            .into_any(),
        ),
        Part::Failed(e) => Some(
            view! {
                <div class="card-error" role="alert" data-testid="card-error" data-kind=e.kind.as_str()>
                    <p class="error-title">{format!("{vendor} did not answer")}</p>
                    <p class="error-message">{error_words(e)}</p>
                </div>
            }
            .into_any(),
        ),
        Part::Done(_) => None,
    }
}

/// The overview screen.
#[component]
pub fn OverviewScreen() -> impl IntoView {
    let ctx = super::state::use_ctx();
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
    let ctx = super::state::use_ctx();
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
                        aria-valuenow=super::charts::fixed(share * 100.0, 0)
                    >
                        <div class="fill" style=format!("width: {}%", super::charts::fixed(share * 100.0, 1))></div>
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

/// The cumulative month: what was counted, the forecast band to the month's
/// end, and the allowance as a horizontal line.
#[component]
fn MonthChart(figures: Arc<Overview>) -> impl IntoView {
    use super::charts::{band_path, fx, line_path, nice_max, short};
    let g = figures.genesys.as_ref()?;
    let m = &g.month;
    // A narrow screen gets a narrower drawing, so its labels stay readable.
    let narrow = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .is_some_and(|px| px < 600.0);
    let (w, h) = if narrow {
        (420.0, 240.0)
    } else {
        (800.0, 260.0)
    };
    let label_every = if narrow { 10 } else { 5 };
    let (ml, mr, mt, mb) = (if narrow { 48.0 } else { 64.0 }, 12.0, 14.0, 30.0);
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let n = m.days.len().max(1);
    let top = m
        .days
        .iter()
        .map(|d| d.cumulative_upper.max(d.cumulative))
        .fold(0.0, f64::max)
        .max(m.allowance.unwrap_or(0) as f64);
    let max = nice_max(top * 1.04).max(1.0);
    let x = move |i: usize| ml + pw * (i as f64 + 1.0) / n as f64;
    let y = move |v: f64| mt + ph - v.clamp(0.0, max) / max * ph;
    let counted: Vec<(f64, f64)> = std::iter::once((ml, y(0.0)))
        .chain(
            m.days
                .iter()
                .enumerate()
                .filter(|(_, d)| d.actual.is_some())
                .map(|(i, d)| (x(i), y(d.cumulative))),
        )
        .collect();
    let last_counted = m.days.iter().rposition(|d| d.actual.is_some());
    let start = last_counted.map_or((ml, y(0.0), y(0.0)), |i| {
        let v = m.days.get(i).map_or(0.0, |d| d.cumulative);
        (x(i), y(v), y(v))
    });
    let mut band = vec![start];
    let mut mean = vec![(start.0, start.1)];
    for (i, d) in m.days.iter().enumerate() {
        if d.actual.is_none() && d.mean.is_some() && last_counted.is_none_or(|l| i > l) {
            band.push((x(i), y(d.cumulative_lower), y(d.cumulative_upper)));
            mean.push((x(i), y(d.cumulative)));
        }
    }
    let has_band = band.len() > 1;
    let area = {
        let mut pts = counted.clone();
        if let Some((lx, _)) = counted.last() {
            pts.push((*lx, y(0.0)));
        }
        line_path(&pts) + " Z"
    };
    let allowance_line = m.allowance.map(|a| {
        let yy = y(a as f64);
        let tip = format!("Allowance: {} requests", group_digits(a));
        view! {
            <g data-testid="month-allowance-line">
                <line class="allowance-line" x1=fx(ml) x2=fx(w - mr) y1=fx(yy) y2=fx(yy)>
                    <title>{tip}</title>
                </line>
                <text class="allowance-label" x=fx(w - mr - 4.0) y=fx(yy - 6.0) text-anchor="end">"allowance"</text>
            </g>
        }
    });
    let ticks: Vec<_> = (0..=4)
        .map(|k| {
            let v = max * k as f64 / 4.0;
            let yy = y(v);
            view! {
                <g class="tick">
                    <line x1=fx(ml) x2=fx(w - mr) y1=fx(yy) y2=fx(yy) class="grid"></line>
                    <text x=fx(ml - 6.0) y=fx(yy + 4.0) text-anchor="end">{short(v)}</text>
                </g>
            }
        })
        .collect();
    let xlabels: Vec<_> = m
        .days
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || (i + 1) % label_every == 0)
        .map(|(i, d)| {
            let label = d.date.get(8..10).unwrap_or("").trim_start_matches('0').to_string();
            view! { <text class="xlabel" x=fx(x(i)) y=fx(h - mb + 16.0) text-anchor="middle">{label}</text> }
        })
        .collect();
    let summary = format!(
        "Requests of {} added up day by day: {} counted in {} days, {} projected by the month's end (band {} to {}){}.",
        m.month,
        group_digits(m.month_to_date),
        m.days_counted,
        count(m.projected),
        count(m.projected_lower),
        count(m.projected_upper),
        m.allowance
            .map(|a| format!(", against an allowance of {}", group_digits(a)))
            .unwrap_or_default()
    );
    Some(view! {
        <figure class="chart month-chart" data-testid="month-chart">
            <svg viewBox=format!("0 0 {} {}", fx(w), fx(h)) role="img" aria-label=summary preserveAspectRatio="xMidYMid meet">
                {ticks}
                <path class="month-area" d=area></path>
                <path class="month-line" d=line_path(&counted)></path>
                {has_band.then(|| view! {
                    <g class="forecast">
                        <path class="forecast-band" data-testid="month-forecast-band" d=band_path(&band)>
                            <title>{format!("Forecast to the month's end, {} % band", super::charts::fixed(m.interval_level * 100.0, 0))}</title>
                        </path>
                        <path class="forecast-line" d=line_path(&mean)></path>
                    </g>
                })}
                {allowance_line}
                <line class="axis" x1=fx(ml) x2=fx(w - mr) y1=fx(mt + ph) y2=fx(mt + ph)></line>
                {xlabels}
            </svg>
            <ul class="legend">
                <li><span class="swatch s0" aria-hidden="true"></span>"counted"</li>
                <li><span class="swatch forecast-swatch" aria-hidden="true"></span>{format!("forecast, {} % band", super::charts::fixed(m.interval_level * 100.0, 0))}</li>
                {m.allowance.map(|_| view! { <li><span class="swatch allowance-swatch" aria-hidden="true"></span>"allowance"</li> })}
            </ul>
        </figure>
    })
}

#[component]
fn MonthCard(fetched: Arc<Fetched>, figures: Arc<Overview>, spec: QuerySpec) -> impl IntoView {
    let problem = card_problem(&fetched.genesys, "Genesys Cloud");
    let body = figures.genesys.as_ref().map(|g| {
        let m = &g.month;
        let method = m
            .method
            .map(super::charts::method_words)
            .unwrap_or("no data to forecast from");
        let share = m.share_of_allowance.map(|s| {
            let over = s > 1.0;
            view! {
                <div class:hot=over data-testid="month-share">
                    <dt>"Share of allowance"</dt>
                    <dd>{pct(s)}<small>{format!(" of {}", group_digits(m.allowance.unwrap_or(0)))}</small></dd>
                </div>
            }
        });
        let overage = m.overage.map(|o| {
            let hot = o > 0.0;
            let upper = m.overage_upper.unwrap_or(o);
            view! {
                <div class:hot=hot data-testid="month-overage">
                    <dt>"Projected overage"</dt>
                    <dd>
                        {if hot { format!("{} requests", count(o)) } else { "none".to_string() }}
                        {(upper > o).then(|| view! { <small>{format!(" (up to {})", count(upper))}</small> })}
                    </dd>
                </div>
            }
        });
        let no_allowance = m.allowance.is_none().then(|| {
            view! { <p class="hint" data-testid="month-no-allowance">"Enter your monthly allowance below to see the share and the overage."</p> }
        });
        let contributors: Vec<_> = m
            .contributors
            .iter()
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row" class="name" title=c.client.clone()>{c.client.clone()}</th>
                        <td class="num">{group_digits(c.month_to_date)}</td>
                        <td class="num">{count(c.projected)}</td>
                        <td class="num">{pct(c.share)}</td>
                    </tr>
                }
            })
            .collect();
        view! {
            <dl class="headline ov-figures">
                <div data-testid="month-to-date">
                    <dt>{format!("{} so far", m.month)}</dt>
                    <dd>{group_digits(m.month_to_date)}<small>{format!(" in {} of {} days", m.days_counted, m.days_in_month)}</small></dd>
                </div>
                <div data-testid="month-projected">
                    <dt>"Projected month total"</dt>
                    <dd>
                        {count(m.projected)}
                        <small>{format!(" ({} – {})", count(m.projected_lower), count(m.projected_upper))}</small>
                    </dd>
                </div>
                {share}
                {overage}
            </dl>
            {no_allowance}
            <MonthChart figures=figures.clone()/>
            <p class="hint" data-testid="month-method">
                {format!("Forecast: {method}; the band should hold {} of outcomes. Today and later are forecast (the data is a day behind).", pct(m.interval_level))}
            </p>
            {(!contributors.is_empty()).then(|| view! {
                <table class="ov-table" data-testid="month-contributors">
                    <caption>"Who makes up the month"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Client"</th>
                            <th scope="col" class="num">"So far"</th>
                            <th scope="col" class="num">"Projected"</th>
                            <th scope="col" class="num">"Share"</th>
                        </tr>
                    </thead>
                    <tbody>{contributors}</tbody>
                </table>
            })}
        }
    });
    view! {
        <section class="card month-card" aria-labelledby="month-h" data-testid="card-month">
            <div class="card-head">
                <h3 id="month-h">"Genesys Cloud: this month against the allowance"</h3>
                <DetailLink spec=spec text="Daily usage by client" id="link-month"/>
            </div>
            {problem}
            {body}
        </section>
    }
}

#[component]
fn ClientsCard(fetched: Arc<Fetched>, figures: Arc<Overview>, spec: QuerySpec) -> impl IntoView {
    let ov = use_overview();
    let problem = card_problem(&fetched.genesys, "Genesys Cloud");
    let body = figures.genesys.as_ref().map(|g| {
        let total = g.requests.max(1) as f64;
        let top: Vec<_> = g
            .clients
            .iter()
            .take(8)
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row" class="name" title=c.client.clone()>{c.client.clone()}</th>
                        <td class="num">{group_digits(c.requests)}</td>
                        <td class="num">{pct(c.requests as f64 / total)}</td>
                    </tr>
                }
            })
            .collect();
        // The worst 429 offenders: the clients the 429 rule looks at, by
        // share, following the rule as it is edited.
        let clients = g.clients.clone();
        let share_rule = move || {
            let rule = ov
                .rules
                .get()
                .into_iter()
                .find(|r| r.kind == RuleKind::Share429);
            (
                rule.as_ref().map_or(1_000, |r| r.min_requests),
                rule.as_ref().map_or(2.0, |r| r.threshold) / 100.0,
            )
        };
        let offenders = move || {
            let (min, threshold) = share_rule();
            let mut list: Vec<_> = clients
                .iter()
                .filter(|c| c.status429 > 0 && c.requests >= min)
                .collect();
            list.sort_by(|a, b| b.share429.total_cmp(&a.share429));
            if list.is_empty() {
                return view! { <tr><td colspan="3" class="hint">"No client was rate limited."</td></tr> }.into_any();
            }
            list.into_iter()
                .take(5)
                .map(|c| {
                    let hot = c.share429 > threshold;
                    view! {
                        <tr class:hot=hot>
                            <th scope="row" class="name" title=c.client.clone()>{c.client.clone()}</th>
                            <td class="num">{group_digits(c.status429)}</td>
                            <td class="num">{pct(c.share429)}</td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        };
        let any429 = g.status429 > 0;
        let period = match (&g.first_day, &g.last_day) {
            (Some(a), Some(b)) => format!("{a} – {b}"),
            _ => "no days with data".into(),
        };
        view! {
            <dl class="headline ov-figures">
                <div>
                    <dt>"Requests"</dt>
                    <dd>{group_digits(g.requests)}<small>{format!(" {period}")}</small></dd>
                </div>
                <div class:hot=any429>
                    <dt>"429 rate limited"</dt>
                    <dd>{group_digits(g.status429)}<small>{format!(" ({})", pct(g.status429 as f64 / total))}</small></dd>
                </div>
            </dl>
            <div class="ov-tables">
                <table class="ov-table" data-testid="top-clients">
                    <caption>"Top clients by requests"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Client"</th>
                            <th scope="col" class="num">"Requests"</th>
                            <th scope="col" class="num">"Share"</th>
                        </tr>
                    </thead>
                    <tbody>{top}</tbody>
                </table>
                <table class="ov-table" data-testid="top-429">
                    <caption>{move || format!("Worst 429 offenders (clients with {} requests or more)", group_digits(share_rule().0))}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Client"</th>
                            <th scope="col" class="num">"429s"</th>
                            <th scope="col" class="num">"429 share"</th>
                        </tr>
                    </thead>
                    <tbody>{offenders}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <section class="card clients-card" aria-labelledby="clients-h" data-testid="card-clients">
            <div class="card-head">
                <h3 id="clients-h">{format!("Genesys Cloud: clients over {OVERVIEW_HISTORY_DAYS} days")}</h3>
                <DetailLink spec=spec text="Requests and status codes by client" id="link-clients"/>
            </div>
            {problem}
            {body}
        </section>
    }
}

#[component]
fn UnitsCard(fetched: Arc<Fetched>, figures: Arc<Overview>) -> impl IntoView {
    let problem = card_problem(&fetched.usage, "ThousandEyes");
    let quotas_note = match &fetched.quotas {
        Part::Failed(e) if fetched.usage.ok().is_some() && e.kind != ErrorKind::Aborted => {
            Some(view! {
                <p class="card-note" data-testid="quotas-failed">
                    {format!("Quotas could not be read ({}); units are compared with what the contract includes.", e.message)}
                </p>
            })
        }
        _ => None,
    };
    let body = figures.thousandeyes.as_ref().map(|t| {
        let row = |label: &'static str, f: &crate::analysis::outlook::UnitsFigure| {
            let limit = f.quota.or(f.included);
            let hot = f.share.is_some_and(|s| s > 1.0);
            view! {
                <tr class:hot=hot>
                    <th scope="row">{label}</th>
                    <td class="num" data-label="Used">{group_digits(f.used)}</td>
                    <td class="num" data-label="Vendor's projection">{f.vendor_projected.map(group_digits).unwrap_or_else(|| "—".into())}</td>
                    <td class="num" data-label="Ours">{f.our_projected.map(count).unwrap_or_else(|| "—".into())}</td>
                    <td class="num" data-label="Quota">
                        {limit.map(group_digits).unwrap_or_else(|| "not set".into())}
                        {f.quota.is_none().then(|| f.included.map(|_| view! { <small>" included"</small> })).flatten()}
                    </td>
                    <td class="num" data-label="Share">{f.share.map(pct).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        };
        let groups: Vec<_> = t
            .groups
            .iter()
            .take(10)
            .map(|g| {
                let hot = g.share_of_quota.is_some_and(|s| s > 1.0);
                view! {
                    <tr class:hot=hot>
                        <th scope="row" class="name" title=g.aid.clone()>{g.name.clone()}</th>
                        <td class="num" data-label="Used">{group_digits(g.used)}</td>
                        <td class="num" data-label="Vendor's projection">{group_digits(g.vendor_projected)}</td>
                        <td class="num" data-label="Ours">{g.our_projected.map(count).unwrap_or_else(|| "—".into())}</td>
                        <td class="num" data-label="Quota">{g.quota.map(group_digits).unwrap_or_else(|| "—".into())}</td>
                        <td class="num" data-label="Share of quota">{g.share_of_quota.map(pct).unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }
            })
            .collect();
        let period = match (&t.month_start, &t.month_end) {
            (Some(a), Some(b)) => format!(
                "Billing period {} – {}{}",
                a.get(..10).unwrap_or(a),
                b.get(..10).unwrap_or(b),
                t.elapsed_share.map(|e| format!(", {} elapsed", pct(e))).unwrap_or_default()
            ),
            _ => "Billing period not reported".into(),
        };
        view! {
            <p class="hint">{period}</p>
            <div class="table-wrap">
                <table class="ov-table stack" data-testid="units-table">
                    <caption>"Units this period: ThousandEyes' projection and ours (the run rate so far)"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Units"</th>
                            <th scope="col" class="num">"Used"</th>
                            <th scope="col" class="num">"Vendor's projection"</th>
                            <th scope="col" class="num">"Ours"</th>
                            <th scope="col" class="num">"Quota"</th>
                            <th scope="col" class="num">"Share"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {row("Cloud (tests)", &t.cloud)}
                        {row("Enterprise agents", &t.enterprise)}
                    </tbody>
                </table>
            </div>
            {(!groups.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table class="ov-table stack" data-testid="units-groups">
                        <caption>"Account groups (cloud units)"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Account group"</th>
                                <th scope="col" class="num">"Used"</th>
                                <th scope="col" class="num">"Vendor"</th>
                                <th scope="col" class="num">"Ours"</th>
                                <th scope="col" class="num">"Quota"</th>
                                <th scope="col" class="num">"Share"</th>
                            </tr>
                        </thead>
                        <tbody>{groups}</tbody>
                    </table>
                </div>
            })}
        }
    });
    view! {
        <section class="card units-card" aria-labelledby="units-h" data-testid="card-units">
            <div class="card-head">
                <h3 id="units-h">"ThousandEyes: units against the quota"</h3>
                <DetailLink spec=units_spec() text="Usage of the billing period" id="link-units"/>
            </div>
            {problem}
            {quotas_note}
            {body}
        </section>
    }
}

/// The monthly allowance: a number, or licences × requests per licence.
#[component]
fn AllowanceEditor() -> impl IntoView {
    let ov = use_overview();
    let initial = ov.allowance.get_untracked();
    let by_licence = RwSignal::new(matches!(initial, Some(Allowance::Licences { .. })));
    let (r0, l0, p0) = match &initial {
        Some(Allowance::Requests { requests }) => {
            (requests.to_string(), String::new(), String::new())
        }
        Some(Allowance::Licences {
            licences,
            per_licence,
        }) => (String::new(), licences.to_string(), per_licence.to_string()),
        None => (String::new(), String::new(), String::new()),
    };
    let requests = RwSignal::new(r0);
    let licences = RwSignal::new(l0);
    let per_licence = RwSignal::new(p0);
    let error = RwSignal::new(None::<String>);
    let number = |s: &str| -> Option<i64> {
        let digits: String = s
            .chars()
            .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{202f}'))
            .collect();
        digits.parse().ok()
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let a = if by_licence.get_untracked() {
            match (
                number(&licences.get_untracked()),
                number(&per_licence.get_untracked()),
            ) {
                (Some(l), Some(p)) => Allowance::Licences {
                    licences: l,
                    per_licence: p,
                },
                _ => {
                    error.set(Some(
                        "Enter the licences and the requests per licence as whole numbers.".into(),
                    ));
                    return;
                }
            }
        } else {
            match number(&requests.get_untracked()) {
                Some(r) => Allowance::Requests { requests: r },
                None => {
                    error.set(Some(
                        "Enter the monthly allowance as a whole number of requests.".into(),
                    ));
                    return;
                }
            }
        };
        match a.total() {
            Ok(_) => {
                error.set(None);
                save_allowance(Some(&a));
                ov.allowance.set(Some(a));
            }
            Err(e) => error.set(Some(format!("The allowance is not valid: {}.", e.message))),
        }
    };
    let clear = move |_| {
        save_allowance(None);
        ov.allowance.set(None);
        requests.set(String::new());
        licences.set(String::new());
        per_licence.set(String::new());
        error.set(None);
    };
    view! {
        <section class="card allowance-card" aria-labelledby="allowance-h" data-testid="allowance-editor">
            <h3 id="allowance-h">"Monthly API allowance (Genesys Cloud)"</h3>
            <p class="hint">
                "From your contract: a number of requests per month, or licences × requests per licence. Kept in this browser (not a secret)."
            </p>
            <form on:submit=save>
                <div class="chip-row" role="radiogroup" aria-label="How the allowance is given">
                    <label class="chip">
                        <input type="radio" name="allowance-mode" data-testid="allowance-mode-number" prop:checked=move || !by_licence.get() on:change=move |_| by_licence.set(false)/>
                        <span>"A number"</span>
                    </label>
                    <label class="chip">
                        <input type="radio" name="allowance-mode" data-testid="allowance-mode-licences" prop:checked=move || by_licence.get() on:change=move |_| by_licence.set(true)/>
                        <span>"Licences × requests per licence"</span>
                    </label>
                </div>
                <Show
                    when=move || by_licence.get()
                    fallback=move || view! {
                        <label class="field">
                            <span>"Requests per month"</span>
                            <input type="text" inputmode="numeric" data-testid="allowance-requests" prop:value=move || requests.get() on:input=move |ev| requests.set(event_target_value(&ev))/>
                        </label>
                    }
                >
                    <div class="dates">
                        <label class="field">
                            <span>"Licences"</span>
                            <input type="text" inputmode="numeric" data-testid="allowance-licences" prop:value=move || licences.get() on:input=move |ev| licences.set(event_target_value(&ev))/>
                        </label>
                        <label class="field">
                            <span>"Requests per licence per month"</span>
                            <input type="text" inputmode="numeric" data-testid="allowance-per-licence" prop:value=move || per_licence.get() on:input=move |ev| per_licence.set(event_target_value(&ev))/>
                        </label>
                    </div>
                </Show>
                {move || error.get().map(|m| view! { <p class="invalid" role="alert" data-testid="allowance-error">{m}</p> })}
                <div class="actions">
                    <button type="submit" class="primary" data-testid="allowance-save">"Save allowance"</button>
                    <button type="button" data-testid="allowance-clear" on:click=clear>"Clear"</button>
                </div>
                <p class="hint" data-testid="allowance-current">
                    {move || match ov.allowance.get().and_then(|a| a.total().ok()) {
                        Some(t) => format!("Saved: {} requests per month.", group_digits(t)),
                        None => "No allowance saved.".to_string(),
                    }}
                </p>
            </form>
        </section>
    }
}

/// What a rule checks, in words before and after its threshold.
fn kind_words(k: RuleKind) -> (&'static str, &'static str) {
    match k {
        RuleKind::Share429 => ("A client's 429s above", "% of its requests"),
        RuleKind::MonthAllowance => ("Projected month total above", "% of the allowance"),
        RuleKind::Spike => ("A client's last day above", "× its usual day"),
        RuleKind::UnitsQuota => ("Projected ThousandEyes units above", "% of the quota"),
        RuleKind::GroupQuota => ("An account group's projected units above", "% of its quota"),
    }
}

/// Reads a file the user picked, as text.
async fn file_text(input: &web_sys::HtmlInputElement) -> Result<String, String> {
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .ok_or("Choose a JSON file of rules.")?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| "The file could not be read.".to_string())?;
    text.as_string()
        .ok_or_else(|| "The file could not be read as text.".to_string())
}

/// The rules: enable, threshold; export, import, reset.
#[component]
fn RulesEditor() -> impl IntoView {
    let ov = use_overview();
    let message = RwSignal::new(None::<(bool, String)>);
    let update = move |i: usize, f: Box<dyn Fn(&mut Rule)>| {
        let mut rules = ov.rules.get_untracked();
        if let Some(r) = rules.get_mut(i) {
            f(r);
        }
        match check_rules(&rules) {
            Ok(()) => {
                save_rules(&rules);
                ov.rules.set(rules);
                message.set(None);
            }
            Err(e) => message.set(Some((true, format!("Not saved: {}.", e.message)))),
        }
    };
    let export = move |_| {
        let rules = ov.rules.get_untracked();
        match serde_json::to_string_pretty(&rules) {
            Ok(text) => {
                if let Err(m) =
                    browser::download("usage-lens-rules.json", "application/json", &text)
                {
                    message.set(Some((true, m)));
                }
            }
            Err(_) => message.set(Some((
                true,
                "The rules could not be written as JSON.".into(),
            ))),
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        spawn_local(async move {
            let outcome = file_text(&input).await.and_then(|t| {
                rules_from_json(&t).map_err(|e| format!("Nothing was changed: {}.", e.message))
            });
            input.set_value("");
            match outcome {
                Ok(rules) => {
                    save_rules(&rules);
                    let n = rules.len();
                    ov.rules.set(rules);
                    message.set(Some((false, format!("Imported {n} rules."))));
                }
                Err(m) => message.set(Some((true, m))),
            }
        });
    };
    let reset = move |_| {
        let rules = default_rules();
        save_rules(&rules);
        ov.rules.set(rules);
        message.set(Some((false, "The rules are back to the defaults.".into())));
    };
    view! {
        <section class="card rules-card" aria-labelledby="rules-h" data-testid="rules-editor">
            <h3 id="rules-h">"Rules"</h3>
            <p class="hint">"When a rule fires it is listed at the top. Kept in this browser; export them to share or to use with the command-line check."</p>
            <ul class="rules-list">
                {move || {
                    ov.rules
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let id = r.id.clone();
                            let unit = r.kind.unit();
                            let (before, after) = kind_words(r.kind);
                            let min = r.kind.uses_min_requests().then(|| {
                                let value = r.min_requests.to_string();
                                view! {
                                    <label class="field inline">
                                        <span>"min. requests"</span>
                                        <input
                                            type="number"
                                            min="0"
                                            step="1"
                                            class="min-input"
                                            data-testid=format!("rule-min-{id}")
                                            prop:value=value
                                            on:change=move |ev| {
                                                if let Ok(v) = event_target_value(&ev).trim().parse::<i64>() {
                                                    update(i, Box::new(move |r| r.min_requests = v));
                                                } else {
                                                    message.set(Some((true, "Not saved: min. requests must be a whole number.".into())));
                                                }
                                            }
                                        />
                                    </label>
                                }
                            });
                            view! {
                                <li class="rule" class:off=!r.enabled data-testid="rule" data-rule-id=id.clone()>
                                    <label class="rule-on">
                                        <input
                                            type="checkbox"
                                            data-testid=format!("rule-enabled-{id}")
                                            prop:checked=r.enabled
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                update(i, Box::new(move |r| r.enabled = on));
                                            }
                                        />
                                        <span class="rule-id">{id.clone()}</span>
                                    </label>
                                    <div class="rule-sentence">
                                    <span class="rule-kind">{before}</span>
                                    <label class="field inline">
                                        <span class="sr-only">{format!("Threshold of {id} ({unit})")}</span>
                                        <input
                                            type="number"
                                            min="0"
                                            step="any"
                                            class="threshold-input"
                                            data-testid=format!("rule-threshold-{id}")
                                            prop:value=r.threshold.to_string()
                                            on:change=move |ev| {
                                                if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
                                                    update(i, Box::new(move |r| r.threshold = v));
                                                } else {
                                                    message.set(Some((true, "Not saved: the threshold must be a number.".into())));
                                                }
                                            }
                                        />
                                        <span class="rule-unit">{after}</span>
                                    </label>
                                    {min}
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || message.get().map(|(bad, m)| {
                if bad {
                    view! { <p class="invalid" role="alert" data-testid="rules-error">{m}</p> }.into_any()
                } else {
                    view! { <p class="hint" role="status" data-testid="rules-message">{m}</p> }.into_any()
                }
            })}
            <div class="actions">
                <button type="button" data-testid="rules-export" on:click=export>"Export JSON"</button>
                <label class="file-button">
                    <input type="file" accept="application/json,.json" data-testid="rules-import" on:change=import/>
                    <span>"Import JSON…"</span>
                </label>
                <button type="button" data-testid="rules-reset" on:click=reset>"Reset to defaults"</button>
            </div>
        </section>
    }
}
