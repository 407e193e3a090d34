//! The overview's editors: the monthly allowance and the rules, kept in
//! `localStorage` (neither is a secret).

use super::*;

/// The monthly allowance: a number, or licences × requests per licence.
#[component]
pub(super) fn AllowanceEditor() -> impl IntoView {
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
pub(super) fn kind_words(k: RuleKind) -> (&'static str, &'static str) {
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
pub(super) fn RulesEditor() -> impl IntoView {
    let ov = use_overview();
    let message = RwSignal::new(None::<(bool, String)>);
    let reading = Runner::<()>::new();
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
        let _ = reading.start((), move |_| async move {
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
