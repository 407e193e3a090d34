//! The query builder: the endpoint, the interval, toggles limited to the
//! values the endpoint accepts, filters, and Run / Cancel / Refresh.

use crate::genesys::SUMMARY_DAYS;
use leptos::prelude::*;

use super::browser;
use super::kept::KEPT;
use super::query_spec::{
    Kind, Preset, TextParam, ACCOUNT_GROUP, CLIENT_ID, EXPAND_OPTIONS, LIST_FILTERS, TEMPLATES,
};
use super::run;
use super::state::use_ctx;

/// The OAuth client the demo data knows by id.
const DEMO_CLIENT_ID: &str = "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa";

fn toggle(list: &mut Vec<String>, value: &str, on: bool) {
    list.retain(|v| v != value);
    if on {
        list.push(value.to_string());
    }
}

/// A set of checkboxes shown as chips.
#[component]
fn Chips(
    /// Legend.
    legend: &'static str,
    /// Test id prefix.
    prefix: &'static str,
    /// (wire value, label).
    options: Vec<(&'static str, &'static str)>,
    /// Which are on.
    selected: Signal<Vec<String>>,
    /// Called with (value, on).
    on_toggle: Callback<(String, bool)>,
    /// A hint under the chips.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    view! {
        <fieldset class="chips">
            <legend>{legend}</legend>
            <div class="chip-row">
                {options
                    .into_iter()
                    .map(|(wire, label)| {
                        let id = format!("{prefix}-{wire}");
                        view! {
                            <label class="chip">
                                <input
                                    type="checkbox"
                                    data-testid=id
                                    prop:checked=move || selected.with(|s| s.iter().any(|v| v == wire))
                                    on:change=move |ev| on_toggle.run((wire.to_string(), event_target_checked(&ev)))
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

/// The query panel.
#[component]
pub fn QueryPanel() -> impl IntoView {
    let ctx = use_ctx();
    let kind = Memo::new(move |_| ctx.spec.with(|s| s.kind));
    let problem = Memo::new(move |_| ctx.spec.with(|s| s.build(browser::now_secs()).err()));

    let on_kind = move |ev: leptos::ev::Event| {
        if let Some(k) = Kind::parse(&event_target_value(&ev)) {
            ctx.spec.update(|s| {
                s.kind = k;
                s.normalise();
            });
            ctx.invalid.set(None);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run::start(ctx, false);
    };

    let group_sel = Signal::derive(move || ctx.spec.with(|s| s.group_by.clone()));
    let metric_sel = Signal::derive(move || ctx.spec.with(|s| s.metrics.clone()));
    let method_sel = Signal::derive(move || ctx.spec.with(|s| s.methods.clone()));
    let expand_sel = Signal::derive(move || ctx.spec.with(|s| s.expand.clone()));

    // What the kept days weigh: measured again after every run and clear.
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

    view! {
        <section class="panel query" aria-labelledby="query-h">
            <h2 id="query-h">"Query"</h2>
            <form on:submit=on_submit novalidate>
                <label class="field">
                    <span>"What to ask"</span>
                    <select data-testid="query-kind" on:change=on_kind prop:value=move || kind.get().as_str()>
                        <optgroup label="Genesys Cloud">
                            {Kind::ALL
                                .iter()
                                .filter(|k| !k.is_te())
                                .map(|k| {
                                    view! {
                                        <option value=k.as_str() selected=move || kind.get() == *k>
                                            {k.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </optgroup>
                        <optgroup label="ThousandEyes">
                            {Kind::ALL
                                .iter()
                                .filter(|k| k.is_te())
                                .map(|k| {
                                    view! {
                                        <option value=k.as_str() selected=move || kind.get() == *k>
                                            {k.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </optgroup>
                    </select>
                </label>

                {move || {
                    let k = kind.get();
                    k.needs_client_id()
                        .then(|| {
                            view! {
                                <div class="field-group">
                                    <TextField param=&CLIENT_ID />
                                    {move || {
                                        ctx.conn
                                            .with(|c| c.demo)
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="link"
                                                        data-testid="use-demo-client"
                                                        on:click=move |_| {
                                                            ctx.spec.update(|s| s.client_id = DEMO_CLIENT_ID.into())
                                                        }
                                                    >
                                                        "Use the demo's client"
                                                    </button>
                                                }
                                            })
                                    }}
                                </div>
                            }
                        })
                }}

                {move || {
                    (kind.get() == Kind::Summary)
                        .then(|| {
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
                }}

                {move || {
                    kind.get()
                        .has_interval()
                        .then(|| {
                            view! {
                                <label class="field">
                                    <span>"Interval"</span>
                                    <select
                                        data-testid="interval-preset"
                                        prop:value=move || ctx.spec.with(|s| s.preset.as_str())
                                        on:change=move |ev| {
                                            if let Some(p) = Preset::parse(&event_target_value(&ev)) {
                                                ctx.spec.update(|s| {
                                                    if p == Preset::Custom && s.from.is_empty() {
                                                        let today = browser::now_secs().div_euclid(86_400);
                                                        if let Some((a, b)) = s.preset.days(today) {
                                                            s.from = super::query_spec::day_text(a);
                                                            s.to = super::query_spec::day_text(b);
                                                        }
                                                    }
                                                    s.preset = p;
                                                });
                                            }
                                        }
                                    >
                                        {Preset::ALL
                                            .iter()
                                            .filter(|p| !p.is_long() || kind.get().answers_a_year())
                                            .map(|p| {
                                                view! {
                                                    <option
                                                        value=p.as_str()
                                                        selected=move || ctx.spec.with(|s| s.preset == *p)
                                                    >
                                                        {p.label()}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                                <Show when=move || ctx.spec.with(|s| s.preset == Preset::Custom)>
                                    <div class="dates">
                                        <label class="field">
                                            <span>"From"</span>
                                            <input
                                                type="date"
                                                data-testid="interval-from"
                                                prop:value=move || ctx.spec.with(|s| s.from.clone())
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    ctx.spec.update(|s| s.from = v);
                                                }
                                            />
                                        </label>
                                        <label class="field">
                                            <span>"To (inclusive)"</span>
                                            <input
                                                type="date"
                                                data-testid="interval-to"
                                                prop:value=move || ctx.spec.with(|s| s.to.clone())
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    ctx.spec.update(|s| s.to = v);
                                                }
                                            />
                                        </label>
                                    </div>
                                </Show>
                            }
                        })
                }}

                {move || {
                    kind.get()
                        .has_granularity()
                        .then(|| {
                            view! {
                                <fieldset class="chips" data-testid="granularity">
                                    <legend>"Granularity"</legend>
                                    <div class="chip-row">
                                        {[("Day", "Day"), ("Week", "Week"), ("Month", "Month"), ("", "Total")]
                                            .into_iter()
                                            .map(|(wire, label)| {
                                                view! {
                                                    <label class="chip">
                                                        <input
                                                            type="radio"
                                                            name="granularity"
                                                            data-testid=format!("gran-{}", if wire.is_empty() { "total" } else { wire })
                                                            prop:checked=move || ctx.spec.with(|s| s.granularity == wire)
                                                            on:change=move |_| {
                                                                ctx.spec.update(|s| s.granularity = wire.to_string())
                                                            }
                                                        />
                                                        <span>{label}</span>
                                                    </label>
                                                }
                                            })
                                            .collect_view()}
                                    </div>
                                </fieldset>
                            }
                        })
                }}

                {move || {
                    let k = kind.get();
                    let groups = k.group_by_options().to_vec();
                    (!groups.is_empty())
                        .then(|| {
                            view! {
                                <Chips
                                    legend="Group by"
                                    prefix="group"
                                    options=groups
                                    selected=group_sel
                                    on_toggle=Callback::new(move |(v, on): (String, bool)| {
                                        ctx.spec.update(|s| toggle(&mut s.group_by, &v, on))
                                    })
                                    hint="The chart stacks by the first grouping present in the rows."
                                />
                            }
                        })
                }}

                {move || {
                    let k = kind.get();
                    let metrics = k.metric_options().to_vec();
                    (!metrics.is_empty())
                        .then(|| {
                            view! {
                                <Chips
                                    legend=if k == Kind::Search { "Columns" } else { "Metrics" }
                                    prefix="metric"
                                    options=metrics
                                    selected=metric_sel
                                    on_toggle=Callback::new(move |(v, on): (String, bool)| {
                                        ctx.spec.update(|s| toggle(&mut s.metrics, &v, on))
                                    })
                                    hint="None selected: all of them."
                                />
                            }
                        })
                }}

                {move || {
                    let k = kind.get();
                    let methods: Vec<(&'static str, &'static str)> = k
                        .method_options()
                        .iter()
                        .map(|m| (*m, *m))
                        .collect();
                    (!methods.is_empty())
                        .then(|| {
                            view! {
                                <details class="filters" open=move || {
                                    ctx.spec.with(|s| !s.methods.is_empty() || !s.templates.is_empty())
                                }>
                                    <summary>"Filters"</summary>
                                    <Chips
                                        legend="HTTP methods"
                                        prefix="method"
                                        options=methods
                                        selected=method_sel
                                        on_toggle=Callback::new(move |(v, on): (String, bool)| {
                                            ctx.spec.update(|s| toggle(&mut s.methods, &v, on))
                                        })
                                        hint="None selected: every method."
                                    />
                                    <TextField param=&TEMPLATES />
                                    {LIST_FILTERS
                                        .iter()
                                        .filter(|p| (p.used_by)(k))
                                        .map(|p| view! { <TextField param=p /> })
                                        .collect_view()}
                                </details>
                            }
                        })
                }}

                {move || {
                    (ACCOUNT_GROUP.used_by)(kind.get())
                        .then(|| {
                            view! {
                                <TextField param=&ACCOUNT_GROUP />
                            }
                        })
                }}

                {move || {
                    (kind.get() == Kind::TeUsage)
                        .then(|| {
                            view! {
                                <Chips
                                    legend="Breakdowns (expand)"
                                    prefix="expand"
                                    options=EXPAND_OPTIONS.to_vec()
                                    selected=expand_sel
                                    on_toggle=Callback::new(move |(v, on): (String, bool)| {
                                        ctx.spec.update(|s| toggle(&mut s.expand, &v, on))
                                    })
                                />
                            }
                        })
                }}

                {move || {
                    ctx.invalid
                        .get()
                        .or_else(|| problem.get())
                        .map(|m| {
                            view! {
                                <p class="invalid" role="alert" data-testid="invalid">
                                    {m}
                                </p>
                            }
                        })
                }}

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
                {move || {
                    matches!(kind.get(), Kind::Org | Kind::Job | Kind::ClientJob)
                        .then(|| {
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
                }}
            </form>
        </section>
    }
}
