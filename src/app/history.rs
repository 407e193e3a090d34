//! The History screen (`?view=history`): ThousandEyes units period after
//! period, from the usage snapshots this browser kept (every usage answer
//! is one), against each period's quota; export and import as JSON. In
//! Demo, the simulator offers the past periods, so the screen is full on
//! first use.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::browser;
use super::charts::{fx, head_row, line_path, nice_max, y_ticks};
use super::conn::snapshot_scope;
use super::demo::{demo_snapshots, DEMO_PAST_PERIODS};
use super::kept::Snapshots;
use super::runner::Runner;
use super::state::{use_ctx, Ctx};
use crate::analysis::answer::group_digits;
use crate::analysis::history::{export, groups, import, periods, Period, Snapshot};
use crate::time::format_date;

/// Loads the snapshots of the connection (seeding Demo's first).
fn load(ctx: Ctx, store: Runner, list: RwSignal<Option<Vec<Snapshot>>>) {
    let conn = ctx.conn.get_untracked();
    let Some(scope) = snapshot_scope(&conn) else {
        store.stop();
        list.set(Some(Vec::new()));
        return;
    };
    let demo = conn.demo;
    let _ = store.start((), move |_| async move {
        let mut all = Snapshots.all(&scope).await;
        if demo && periods(&all, None).len() < 2 {
            Snapshots
                .put(&scope, &demo_snapshots(browser::now_secs()))
                .await;
            all = Snapshots.all(&scope).await;
        }
        list.set(Some(all));
    });
}

/// Keeps the snapshots of a file the person chose, and shows them all.
async fn import_file(
    file: web_sys::File,
    scope: String,
    list: RwSignal<Option<Vec<Snapshot>>>,
    message: RwSignal<Option<(bool, String)>>,
) {
    let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
        Ok(t) => t.as_string().unwrap_or_default(),
        Err(_) => {
            message.set(Some((false, "The file could not be read.".into())));
            return;
        }
    };
    match import(&text) {
        Ok(snapshots) => {
            Snapshots.put(&scope, &snapshots).await;
            message.set(Some((
                true,
                format!("Imported {} snapshots.", snapshots.len()),
            )));
            list.set(Some(Snapshots.all(&scope).await));
        }
        Err(m) => message.set(Some((false, m))),
    }
}

/// The file an input holds (and empties the input for the next choice).
fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let file = input.files().and_then(|f| f.get(0))?;
    input.set_value("");
    Some(file)
}

/// One period's bars (used, projected) and quota mark, in a slot `slot` wide at `x`.
fn period_bars(
    p: &Period,
    x: f64,
    slot: f64,
    y: impl Fn(f64) -> f64,
    label_y: f64,
) -> impl IntoView {
    let bw = (slot * 0.3).min(40.0);
    let used_tip = format!("{}: {} units used", p.start, group_digits(p.used));
    let projected = p.projected.map(|v| {
        let tip = format!("{}: {} units projected", p.start, group_digits(v));
        view! {
            <rect class="hist-projected" x=fx(x + slot / 2.0) y=fx(y(v as f64)) width=fx(bw) height=fx(y(0.0) - y(v as f64))>
                <title>{tip}</title>
            </rect>
        }
    });
    let quota = p.quota.map(|q| {
        let tip = format!("{}: quota {} units", p.start, group_digits(q));
        view! {
            <line class="hist-quota" x1=fx(x + slot * 0.1) x2=fx(x + slot * 0.9) y1=fx(y(q as f64)) y2=fx(y(q as f64))>
                <title>{tip}</title>
            </line>
        }
    });
    view! {
        <g class="hist-period">
            <rect class="hist-used" x=fx(x + slot / 2.0 - bw) y=fx(y(p.used as f64)) width=fx(bw) height=fx(y(0.0) - y(p.used as f64))>
                <title>{used_tip}</title>
            </rect>
            {projected}
            {quota}
            <text class="xlabel" x=fx(x + slot / 2.0) y=fx(label_y) text-anchor="middle">{p.start.get(..7).unwrap_or(&p.start).to_string()}</text>
        </g>
    }
}

/// Units used and projected per period, against each period's quota.
#[component]
fn PeriodsChart(periods: Vec<Period>) -> impl IntoView {
    let (w, h) = (800.0, 240.0);
    let (ml, mr, mt, mb) = (64.0, 12.0, 14.0, 34.0);
    let (pw, ph) = (w - ml - mr, h - mt - mb);
    let top = periods
        .iter()
        .map(|p| {
            (p.used
                .max(p.projected.unwrap_or(0))
                .max(p.quota.unwrap_or(0))) as f64
        })
        .fold(0.0, f64::max);
    let max = nice_max(top * 1.05).max(1.0);
    let y = move |v: f64| mt + ph - v.clamp(0.0, max) / max * ph;
    let slot = pw / periods.len().max(1) as f64;
    let bars = periods
        .iter()
        .enumerate()
        .map(|(i, p)| period_bars(p, ml + slot * i as f64, slot, y, h - mb + 16.0))
        .collect_view();
    let summary = format!(
        "Cloud units used and projected in {} billing periods, against each period's quota",
        periods.len()
    );
    let rows = periods
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{p.start.clone()}</th>
                    <td>{group_digits(p.used)}</td>
                    <td>{p.projected.map(group_digits).unwrap_or_default()}</td>
                    <td>{p.quota.map(group_digits).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="history-periods">
            <figcaption>"Cloud units per billing period: used, projected, and the quota"</figcaption>
            <svg viewBox=format!("0 0 {} {}", fx(w), fx(h)) role="img" aria-label=summary.clone() preserveAspectRatio="xMidYMid meet">
                {y_ticks(max, y, ml, w - mr)}
                {bars}
                <line class="axis" x1=fx(ml) x2=fx(w - mr) y1=fx(mt + ph) y2=fx(mt + ph)></line>
            </svg>
            <ul class="legend">
                <li><span class="swatch hist-used" aria-hidden="true"></span>"used"</li>
                <li><span class="swatch hist-projected" aria-hidden="true"></span>"projected by ThousandEyes"</li>
                <li><span class="swatch hist-quota" aria-hidden="true"></span>"quota"</li>
            </ul>
            <table class="sr-only">
                <caption>{summary}</caption>
                {head_row(&[("Period", false), ("Used", false), ("Projected", false), ("Quota", false)])}
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

/// Units used day by day, one line per period, against the latest quota.
#[component]
fn DaysChart(periods: Vec<Period>) -> impl IntoView {
    let (w, h) = (800.0, 240.0);
    let (ml, mr, mt, mb) = (64.0, 12.0, 14.0, 30.0);
    let (pw, ph) = (w - ml - mr, h - mt - mb);
    let shown: Vec<&Period> = periods
        .iter()
        .rev()
        .take(DEMO_PAST_PERIODS + 1)
        .rev()
        .collect();
    let longest = shown.iter().map(|p| p.days).max().unwrap_or(31).max(1);
    let quota = shown.last().and_then(|p| p.quota);
    let top = shown
        .iter()
        .flat_map(|p| p.by_day.iter().map(|d| d.used))
        .chain(quota)
        .max()
        .unwrap_or(0) as f64;
    let max = nice_max(top * 1.05).max(1.0);
    let x = move |i: i64| ml + pw * (i as f64 + 1.0) / longest as f64;
    let y = move |v: f64| mt + ph - v.clamp(0.0, max) / max * ph;
    let count = shown.len();
    let lines = shown
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let points: Vec<(f64, f64)> = p.by_day.iter().map(|d| (x(d.index), y(d.used as f64))).collect();
            let tip = format!("Billing period from {}: {} units used by its last snapshot", p.start, group_digits(p.used));
            let latest = k + 1 == count;
            view! {
                <path class="hist-day-line" class:latest=latest d=line_path(&points) data-period=p.start.clone()>
                    <title>{tip}</title>
                </path>
            }
        })
        .collect_view();
    let quota_line = quota.map(|q| {
        view! {
            <line class="hist-quota" x1=fx(ml) x2=fx(w - mr) y1=fx(y(q as f64)) y2=fx(y(q as f64))>
                <title>{format!("Quota of the latest period: {} units", group_digits(q))}</title>
            </line>
        }
    });
    let labels = (0..longest)
        .step_by(5)
        .map(|i| view! { <text class="xlabel" x=fx(x(i)) y=fx(h - mb + 16.0) text-anchor="middle">{format!("day {}", i + 1)}</text> })
        .collect_view();
    view! {
        <figure class="chart" data-testid="history-days">
            <figcaption>"Cloud units used day by day: each line a billing period, the latest in bold"</figcaption>
            <svg viewBox=format!("0 0 {} {}", fx(w), fx(h)) role="img" aria-label="Cloud units used by day of the billing period, one line per period" preserveAspectRatio="xMidYMid meet">
                {y_ticks(max, y, ml, w - mr)}
                {lines}
                {quota_line}
                <line class="axis" x1=fx(ml) x2=fx(w - mr) y1=fx(mt + ph) y2=fx(mt + ph)></line>
                {labels}
            </svg>
        </figure>
    }
}

/// The History screen.
#[component]
pub fn HistoryScreen() -> impl IntoView {
    let ctx = use_ctx();
    // Loads, imports and clears: a newer one supersedes an older one.
    let store = Runner::<()>::new();
    let list = RwSignal::new(None::<Vec<Snapshot>>);
    let message = RwSignal::new(None::<(bool, String)>);
    // Load when shown, and again for another connection.
    Effect::new(move |_| {
        let _ = ctx.conn.get();
        if ctx.view.get() == super::state::View::History {
            load(ctx, store, list);
        }
    });
    let on_export = move |_| {
        let all = list.get_untracked().unwrap_or_default();
        let name = format!(
            "usage-lens-thousandeyes-snapshots-{}.json",
            format_date(browser::now_secs())
        );
        match browser::download(&name, "application/json", &export(&all)) {
            Ok(()) => message.set(Some((true, format!("Exported {} snapshots.", all.len())))),
            Err(m) => message.set(Some((false, m))),
        }
    };
    let on_import = move |ev: leptos::ev::Event| {
        let Some(file) = chosen_file(&ev) else {
            return;
        };
        let Some(scope) = snapshot_scope(&ctx.conn.get_untracked()) else {
            message.set(Some((
                false,
                "Connect to ThousandEyes (or click Demo) first.".into(),
            )));
            return;
        };
        let _ = store.start((), move |_| import_file(file, scope, list, message));
    };
    let on_clear = move |_| {
        let _ = store.start((), move |_| async move {
            Snapshots.clear().await;
            list.set(Some(Vec::new()));
            message.set(Some((
                true,
                "Every snapshot of this browser is forgotten.".into(),
            )));
        });
    };
    view! {
        <section class="panel history" aria-labelledby="history-h" data-testid="history-view">
            <div class="card-head">
                <h2 id="history-h">"ThousandEyes: units period after period"</h2>
                <div class="actions">
                    <button type="button" data-testid="history-export" on:click=on_export>"Export snapshots"</button>
                    <label class="button">
                        "Import snapshots"
                        <input type="file" accept="application/json,.json" class="sr-only" data-testid="history-import" on:change=on_import/>
                    </label>
                    <button type="button" class="link" data-testid="history-clear" on:click=on_clear>"Forget all"</button>
                </div>
            </div>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "hint" } else { "invalid" } role="status" data-testid="history-message">{m}</p> })}
            <HistoryBody list=list/>
        </section>
    }
}

/// The snapshots: whose units, the two charts and the table of periods.
#[component]
fn HistoryBody(list: RwSignal<Option<Vec<Snapshot>>>) -> impl IntoView {
    let group = RwSignal::new(None::<String>);
    move || {
        let all = list.get()?;
        let choices = groups(&all);
        let chosen = group.get();
        let ps = periods(&all, chosen.as_deref());
        if ps.is_empty() {
            return Some(
                view! {
                    <p class="hint" data-testid="history-empty">
                        "No snapshots yet: every ThousandEyes usage answer (the Query view's \"Usage of the billing period\", the overview) is kept here, one per day."
                    </p>
                }
                .into_any(),
            );
        }
        let select = (choices.len() > 1)
            .then(|| view! { <GroupSelect choices=choices chosen=chosen group=group/> });
        Some(
            view! {
                {select}
                <p class="hint" data-testid="history-count">
                    {format!("{} snapshots over {} billing periods.", all.len(), ps.len())}
                </p>
                <PeriodsChart periods=ps.clone()/>
                <DaysChart periods=ps.clone()/>
                <PeriodsTable periods=ps/>
            }
            .into_any(),
        )
    }
}

/// Whose units: the organization's or one account group's.
#[component]
fn GroupSelect(
    choices: Vec<Option<String>>,
    chosen: Option<String>,
    group: RwSignal<Option<String>>,
) -> impl IntoView {
    let options = choices
        .iter()
        .map(|g| {
            let value = g.clone().unwrap_or_default();
            let label = g.clone().map_or("The organization".to_string(), |a| format!("Account group {a}"));
            view! { <option value=value.clone() selected=chosen.clone().unwrap_or_default() == value>{label}</option> }
        })
        .collect_view();
    view! {
        <label class="field">
            <span>"Whose units"</span>
            <select data-testid="history-group" on:change=move |ev| {
                let v = event_target_value(&ev);
                group.set((!v.is_empty()).then_some(v));
            }>{options}</select>
        </label>
    }
}

/// The billing periods, latest first.
#[component]
fn PeriodsTable(periods: Vec<Period>) -> impl IntoView {
    let rows = periods
        .iter()
        .rev()
        .map(|p| {
            let share = match p.quota {
                Some(q) if q > 0 => format!("{:.0} %", 100.0 * p.used as f64 / q as f64),
                _ => String::new(),
            };
            view! {
                <tr data-testid="history-row">
                    <th scope="row">{format!("{} – {}", p.start, p.end)}</th>
                    <td class="num" data-label="Days seen">{p.by_day.len()}</td>
                    <td class="num" data-label="Used">{group_digits(p.used)}</td>
                    <td class="num" data-label="Projected">{p.projected.map(group_digits).unwrap_or_else(|| "—".into())}</td>
                    <td class="num" data-label="Quota">{p.quota.map(group_digits).unwrap_or_else(|| "—".into())}</td>
                    <td class="num" data-label="Share">{share}</td>
                    <td data-label="State">{p.state_words()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="ov-table stack" data-testid="history-table">
                <caption>"Billing periods, latest first"</caption>
                {head_row(&[
                    ("Period", false),
                    ("Days seen", true),
                    ("Used", true),
                    ("Projected", true),
                    ("Quota", true),
                    ("Share", true),
                    ("", false),
                ])}
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
