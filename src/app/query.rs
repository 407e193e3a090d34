//! The query builder: the endpoint, the interval, toggles limited to the
//! values the endpoint accepts, filters, and Run / Cancel / Refresh.

use crate::genesys::SUMMARY_DAYS;
use leptos::prelude::*;

use super::browser;
use super::kept::KEPT;
use super::options::granularity_choices;
use super::query_spec::{
    Choice, Kind, Preset, QuerySpec, TextParam, Toggles, ACCOUNT_GROUP, CLIENT_ID, LIST_FILTERS,
    TEMPLATES,
};
use super::run;
use super::state::use_ctx;

/// The OAuth client the demo data knows by id.
const DEMO_CLIENT_ID: &str = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa";

/// The legend and the hint of a list's chips.
fn chips_words(list: Toggles, kind: Kind) -> (&'static str, &'static str) {
    match list {
        Toggles::GroupBy => (
            "Group by",
            "The chart stacks by the first grouping present in the rows.",
        ),
        Toggles::Metrics if kind == Kind::Search => ("Columns", "None selected: all of them."),
        Toggles::Metrics => ("Metrics", "None selected: all of them."),
        Toggles::Methods => ("HTTP methods", "None selected: every method."),
        Toggles::Expand => ("Breakdowns (expand)", ""),
    }
}

/// A set of checkboxes shown as chips, bound to one list of the spec: the
/// values `kind` offers for it.
#[component]
fn Chips(
    /// The endpoint.
    kind: Kind,
    /// The list they switch values in.
    list: Toggles,
) -> impl IntoView {
    let ctx = use_ctx();
    let (legend, hint) = chips_words(list, kind);
    let prefix = list.prefix();
    view! {
        <fieldset class="chips">
            <legend>{legend}</legend>
            <div class="chip-row">
                {list
                    .options(kind)
                    .into_iter()
                    .map(|(wire, label)| {
                        let id = format!("{prefix}-{wire}");
                        let on = wire.clone();
                        view! {
                            <label class="chip">
                                <input
                                    type="checkbox"
                                    data-testid=id
                                    prop:checked=move || ctx.spec.with(|s| list.of(s).contains(&wire))
                                    on:change=move |ev| {
                                        let checked = event_target_checked(&ev);
                                        ctx.spec.update(|s| list.toggle(s, &on, checked))
                                    }
                                />
                                <span>{label}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
        </fieldset>
    }
}

/// A list's chips, when the endpoint offers any.
#[component]
fn KindChips(kind: Memo<Kind>, list: Toggles) -> impl IntoView {
    move || {
        let k = kind.get();
        (!list.options(k).is_empty()).then(|| view! { <Chips kind=k list /> })
    }
}

/// The kept days' size in words.
fn kept_words(bytes: Option<u64>) -> String {
    match bytes {
        None => "…".into(),
        Some(0) => "nothing yet.".into(),
        Some(b) if b < 1_000_000 => format!("{} KB.", b.div_ceil(1000)),
        Some(b) => format!("{} MB.", super::charts::fixed(b as f64 / 1e6, 1)),
    }
}

/// A text field bound to one string of the spec.
#[component]
fn TextField(
    /// The field.
    param: &'static TextParam,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label class="field">
            <span>{param.label}</span>
            <input
                type="text"
                data-testid=param.testid
                placeholder=param.placeholder
                autocomplete="off"
                spellcheck="false"
                prop:value=move || ctx.spec.with(|s| (param.get)(s).clone())
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    ctx.spec.update(|s| *(param.set)(s) = v);
                }
            />
        </label>
    }
}

/// The query panel: the form, built from its parts.
#[component]
pub fn QueryPanel() -> impl IntoView {
    let ctx = use_ctx();
    let kind = Memo::new(move |_| ctx.spec.with(|s| s.kind));
    let problem = Memo::new(move |_| ctx.spec.with(|s| s.build(browser::now_secs()).err()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run::start(ctx, false);
    };
    view! {
        <section class="panel query" aria-labelledby="query-h">
            <h2 id="query-h">"Query"</h2>
            <form on:submit=on_submit novalidate>
                <KindPicker kind=kind />
                <ClientIdField kind=kind />
                <SummaryDays kind=kind />
                <IntervalFields kind=kind />
                <GranularityChips kind=kind />
                <KindChips kind=kind list=Toggles::GroupBy />
                <KindChips kind=kind list=Toggles::Metrics />
                <Filters kind=kind />
                {move || {
                    (ACCOUNT_GROUP.used_by)(kind.get())
                        .then(|| {
                            view! {
                                <TextField param=&ACCOUNT_GROUP />
                            }
                        })
                }}
                <KindChips kind=kind list=Toggles::Expand />
                <Problem problem=problem />
                <Actions problem=problem />
                <KeptDays kind=kind />
            </form>
        </section>
    }
}

/// The options of one vendor's kinds.
fn kind_options(kind: Memo<Kind>, te: bool) -> impl IntoView {
    Kind::ALL
        .iter()
        .filter(move |k| k.is_te() == te)
        .map(|k| {
            view! {
                <option value=k.as_str() selected=move || kind.get() == *k>
                    {k.label()}
                </option>
            }
        })
        .collect_view()
}

/// What to ask: the endpoint, by vendor.
#[component]
fn KindPicker(kind: Memo<Kind>) -> impl IntoView {
    let ctx = use_ctx();
    let on_kind = move |ev: leptos::ev::Event| {
        if let Some(k) = Kind::parse(&event_target_value(&ev)) {
            ctx.spec.update(|s| {
                s.kind = k;
                s.normalise();
            });
            ctx.invalid.set(None);
        }
    };
    view! {
        <label class="field">
            <span>"What to ask"</span>
            <select data-testid="query-kind" on:change=on_kind prop:value=move || kind.get().as_str()>
                <optgroup label="Genesys Cloud">{kind_options(kind, false)}</optgroup>
                <optgroup label="ThousandEyes">{kind_options(kind, true)}</optgroup>
            </select>
        </label>
    }
}

/// The OAuth client id, with the demo's client one click away in Demo.
#[component]
fn ClientIdField(kind: Memo<Kind>) -> impl IntoView {
    let ctx = use_ctx();
    let demo_button = move || {
        ctx.conn.with(|c| c.demo).then(|| {
            view! {
                <button
                    type="button"
                    class="link"
                    data-testid="use-demo-client"
                    on:click=move |_| ctx.spec.update(|s| s.client_id = DEMO_CLIENT_ID.into())
                >
                    "Use the demo's client"
                </button>
            }
        })
    };
    move || {
        kind.get().needs_client_id().then(|| {
            view! {
                <div class="field-group">
                    <TextField param=&CLIENT_ID />
                    {demo_button}
                </div>
            }
        })
    }
}

/// The days of a client summary.
#[component]
fn SummaryDays(kind: Memo<Kind>) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        (kind.get() == Kind::Summary).then(|| {
            view! {
                <label class="field">
                    <span>{format!("Days ({}–{})", SUMMARY_DAYS.start(), SUMMARY_DAYS.end())}</span>
                    <input
                        type="number"
                        min=SUMMARY_DAYS.start().to_string()
                        max=SUMMARY_DAYS.end().to_string()
                        data-testid="summary-days"
                        prop:value=move || ctx.spec.with(|s| s.days.to_string())
                        on:change=move |ev| {
                            let v = event_target_value(&ev).trim().parse().unwrap_or(0);
                            ctx.spec.update(|s| s.days = v);
                        }
                    />
                </label>
            }
        })
    }
}

/// The interval: a preset, or custom dates.
#[component]
fn IntervalFields(kind: Memo<Kind>) -> impl IntoView {
    let ctx = use_ctx();
    let on_preset = move |ev: leptos::ev::Event| {
        if let Some(p) = Preset::parse(&event_target_value(&ev)) {
            let today = browser::now_secs().div_euclid(crate::time::DAY);
            ctx.spec.update(|s| s.choose_preset(p, today));
        }
    };
    move || {
        kind.get().has_interval().then(|| {
            view! {
                <label class="field">
                    <span>"Interval"</span>
                    <select
                        data-testid="interval-preset"
                        prop:value=move || ctx.spec.with(|s| s.preset.as_str())
                        on:change=on_preset
                    >
                        {Preset::ALL
                            .iter()
                            .filter(|p| !p.is_long() || kind.get().answers_a_year())
                            .map(|p| {
                                view! {
                                    <option value=p.as_str() selected=move || ctx.spec.with(|s| s.preset == *p)>
                                        {p.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <Show when=move || ctx.spec.with(|s| s.preset == Preset::Custom)>
                    <div class="dates">
                        <DateField label="From" testid="interval-from" get=|s| &s.from set=|s| &mut s.from />
                        <DateField label="To (inclusive)" testid="interval-to" get=|s| &s.to set=|s| &mut s.to />
                    </div>
                </Show>
            }
        })
    }
}

/// One end of a custom interval.
#[component]
fn DateField(
    label: &'static str,
    testid: &'static str,
    get: fn(&QuerySpec) -> &String,
    set: fn(&mut QuerySpec) -> &mut String,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type="date"
                data-testid=testid
                prop:value=move || ctx.spec.with(|s| get(s).clone())
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    ctx.spec.update(|s| *set(s) = v);
                }
            />
        </label>
    }
}

/// Day, week, month or one total.
#[component]
fn GranularityChips(kind: Memo<Kind>) -> impl IntoView {
    let ctx = use_ctx();
    let chip = move |(wire, label): Choice| {
        let id = format!("gran-{}", if wire.is_empty() { "total" } else { &wire });
        let on = wire.clone();
        view! {
            <label class="chip">
                <input
                    type="radio"
                    name="granularity"
                    data-testid=id
                    prop:checked=move || ctx.spec.with(|s| s.granularity == wire)
                    on:change=move |_| ctx.spec.update(|s| s.granularity.clone_from(&on))
                />
                <span>{label}</span>
            </label>
        }
    };
    move || {
        kind.get().has_granularity().then(|| {
            view! {
                <fieldset class="chips" data-testid="granularity">
                    <legend>"Granularity"</legend>
                    <div class="chip-row">
                        {granularity_choices().into_iter().map(chip).collect_view()}
                    </div>
                </fieldset>
            }
        })
    }
}

/// The filters of the simple search and the jobs: methods, templates, ids.
#[component]
fn Filters(kind: Memo<Kind>) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let k = kind.get();
        (!k.method_options().is_empty()).then(|| {
            view! {
                <details class="filters" open=move || {
                    ctx.spec.with(|s| !s.methods.is_empty() || !s.templates.is_empty())
                }>
                    <summary>"Filters"</summary>
                    <Chips kind=k list=Toggles::Methods />
                    <TextField param=&TEMPLATES />
                    {LIST_FILTERS
                        .iter()
                        .filter(|p| (p.used_by)(k))
                        .map(|p| view! { <TextField param=p /> })
                        .collect_view()}
                </details>
            }
        })
    }
}

/// Why the form cannot run, in words.
#[component]
fn Problem(problem: Memo<Option<String>>) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        ctx.invalid.get().or_else(|| problem.get()).map(|m| {
            view! {
                <p class="invalid" role="alert" data-testid="invalid">
                    {m}
                </p>
            }
        })
    }
}

/// Run, Cancel and Refresh.
#[component]
fn Actions(problem: Memo<Option<String>>) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="actions">
            <button
                type="submit"
                class="primary"
                data-testid="run"
                disabled=move || problem.with(|p| p.is_some())
            >
                "Run"
            </button>
            <button
                type="button"
                data-testid="cancel"
                disabled=move || !ctx.running.get()
                on:click=move |_| run::cancel(ctx)
            >
                "Cancel"
            </button>
            <button
                type="button"
                data-testid="refresh"
                title="Run again and ask for every day anew: neither this session's answer nor the days kept in this browser are used"
                disabled=move || ctx.running.get() || problem.with(|p| p.is_some())
                on:click=move |_| run::start(ctx, true)
            >
                "Refresh everything"
            </button>
        </div>
    }
}

/// What the kept days weigh, and a button to clear them (for the kinds that keep days).
#[component]
fn KeptDays(kind: Memo<Kind>) -> impl IntoView {
    let ctx = use_ctx();
    // Measured again after every run and clear.
    let kept_size = RwSignal::new(None::<u64>);
    let kept_io = super::runner::Runner::<()>::new();
    Effect::new(move |_| {
        if !ctx.running.get() {
            let _ = kept_io.start(
                (),
                |_| async move { kept_size.set(Some(KEPT.size().await)) },
            );
        }
    });
    let clear_kept = move |_| {
        let _ = kept_io.start((), |_| async move {
            KEPT.clear().await;
            kept_size.set(Some(KEPT.size().await));
        });
    };
    move || {
        matches!(kind.get(), Kind::Org | Kind::Job | Kind::ClientJob).then(|| {
            view! {
                <p class="hint kept" data-testid="kept">
                    "Finished days are kept in this browser and not asked for again: "
                    <span data-testid="kept-size">{move || kept_words(kept_size.get())}</span>
                    " "
                    <button
                        type="button"
                        class="link"
                        data-testid="kept-clear"
                        disabled=move || ctx.running.get() || kept_size.get() == Some(0)
                        on:click=clear_kept
                    >
                        "Clear"
                    </button>
                </p>
            }
        })
    }
}
