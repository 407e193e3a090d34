//! The overview's editors: the monthly allowance and the rules, kept in
//! `localStorage` (neither is a secret). What is typed is read and checked
//! in [`crate::app::editor_input`]; these render the fields and keep the result.
//!
//! The allowance editor is built from parts (how it is given, the fields,
//! the error, the buttons, what is saved) so that a line read from the
//! billing contract can join them, with the typed allowance as its override.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{save_allowance, save_rules, use_overview, OverviewCtx};
use crate::analysis::{default_rules, Rule};
use crate::app::browser;
use crate::app::editor_input::{
    edit_rule, import_rules, imported_words, kind_words, saved_words, threshold_label,
    AllowanceForm, RuleEdit, RULES_FILE,
};
use crate::app::runner::Runner;
use crate::app::sources::contract_offer_words;

/// The allowance editor's fields and its error, as signals.
#[derive(Clone, Copy)]
struct AllowanceInputs {
    by_licence: RwSignal<bool>,
    requests: RwSignal<String>,
    licences: RwSignal<String>,
    per_licence: RwSignal<String>,
    error: RwSignal<Option<String>>,
}

impl AllowanceInputs {
    fn new(form: AllowanceForm) -> AllowanceInputs {
        AllowanceInputs {
            by_licence: RwSignal::new(form.by_licence),
            requests: RwSignal::new(form.requests),
            licences: RwSignal::new(form.licences),
            per_licence: RwSignal::new(form.per_licence),
            error: RwSignal::new(None),
        }
    }

    /// What is typed now.
    fn form(&self) -> AllowanceForm {
        AllowanceForm {
            by_licence: self.by_licence.get_untracked(),
            requests: self.requests.get_untracked(),
            licences: self.licences.get_untracked(),
            per_licence: self.per_licence.get_untracked(),
        }
    }

    /// Empties the fields (the mode stays).
    fn clear(&self) {
        self.requests.set(String::new());
        self.licences.set(String::new());
        self.per_licence.set(String::new());
        self.error.set(None);
    }
}

/// The monthly allowance: a number, or licences × requests per licence.
#[component]
pub(super) fn AllowanceEditor() -> impl IntoView {
    let ov = use_overview();
    let inputs = AllowanceInputs::new(AllowanceForm::from_saved(
        ov.allowance.get_untracked().as_ref(),
    ));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match inputs.form().read() {
            Ok(a) => {
                inputs.error.set(None);
                save_allowance(Some(&a));
                ov.allowance.set(Some(a));
            }
            Err(m) => inputs.error.set(Some(m)),
        }
    };
    let clear = move |_| {
        save_allowance(None);
        ov.allowance.set(None);
        inputs.clear();
    };
    view! {
        <section class="card allowance-card" aria-labelledby="allowance-h" data-testid="allowance-editor">
            <h3 id="allowance-h">"Monthly API allowance (Genesys Cloud)"</h3>
            <p class="hint">
                "A number of requests per month, or licences × requests per licence. Kept in this browser (not a secret)."
            </p>
            {move || {
                ov.fetched
                    .with(|f| f.as_ref().and_then(|f| contract_offer_words(&f.contract)))
                    .map(|w| super::cards::hint("allowance-contract", w))
            }}
            <form on:submit=save>
                <AllowanceModes by_licence=inputs.by_licence/>
                <AllowanceFields inputs=inputs/>
                {move || inputs.error.get().map(|m| view! { <p class="invalid" role="alert" data-testid="allowance-error">{m}</p> })}
                <div class="actions">
                    <button type="submit" class="primary" data-testid="allowance-save">"Save allowance"</button>
                    <button type="button" data-testid="allowance-clear" on:click=clear>"Clear"</button>
                </div>
                <p class="hint" data-testid="allowance-current">
                    {move || ov.allowance.with(|a| saved_words(a.as_ref()))}
                </p>
            </form>
        </section>
    }
}

/// How the allowance is given: a number, or licences × requests per licence.
#[component]
fn AllowanceModes(by_licence: RwSignal<bool>) -> impl IntoView {
    view! {
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
    }
}

/// The fields of the chosen mode.
#[component]
fn AllowanceFields(inputs: AllowanceInputs) -> impl IntoView {
    view! {
        <Show
            when=move || inputs.by_licence.get()
            fallback=move || view! { <NumberField label="Requests per month" id="allowance-requests" value=inputs.requests/> }
        >
            <div class="dates">
                <NumberField label="Licences" id="allowance-licences" value=inputs.licences/>
                <NumberField label="Requests per licence per month" id="allowance-per-licence" value=inputs.per_licence/>
            </div>
        </Show>
    }
}

/// A labelled field for a whole number, typed as text (so `1,000,000` is
/// accepted as it is read).
#[component]
fn NumberField(label: &'static str, id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input type="text" inputmode="numeric" data-testid=id prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

/// What the rules editor says: an error (`true`) or a confirmation.
type Said = RwSignal<Option<(bool, String)>>;

/// Keeps a rule set: in `localStorage` and in the overview.
fn keep_rules(ov: OverviewCtx, rules: Vec<Rule>) {
    save_rules(&rules);
    ov.rules.set(rules);
}

/// Applies one edited field to rule `i`, keeping the set only when it is valid.
fn apply_edit(ov: OverviewCtx, said: Said, i: usize, edit: Result<RuleEdit, String>) {
    match edit.and_then(|e| ov.rules.with_untracked(|rules| edit_rule(rules, i, e))) {
        Ok(rules) => {
            keep_rules(ov, rules);
            said.set(None);
        }
        Err(m) => said.set(Some((true, m))),
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
    let said: Said = RwSignal::new(None);
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
                        .map(|(i, rule)| view! { <RuleItem i=i rule=rule said=said/> })
                        .collect_view()
                }}
            </ul>
            {move || said.get().map(|(bad, m)| {
                if bad {
                    view! { <p class="invalid" role="alert" data-testid="rules-error">{m}</p> }.into_any()
                } else {
                    view! { <p class="hint" role="status" data-testid="rules-message">{m}</p> }.into_any()
                }
            })}
            <RulesActions said=said/>
        </section>
    }
}

/// One rule as a sentence: on or off, what it checks, its threshold and,
/// where it means something, its minimum of requests.
#[component]
fn RuleItem(i: usize, rule: Rule, said: Said) -> impl IntoView {
    let ov = use_overview();
    let id = rule.id.clone();
    let (before, after) = kind_words(rule.kind);
    let min = rule.kind.uses_min_requests().then(|| {
        view! {
            <label class="field inline">
                <span>"min. requests"</span>
                {rule_number("1", "min-input", format!("rule-min-{id}"), rule.min_requests.to_string(), move |t| {
                    apply_edit(ov, said, i, RuleEdit::min_requests(&t))
                })}
            </label>
        }
    });
    view! {
        <li class="rule" class:off=!rule.enabled data-testid="rule" data-rule-id=id.clone()>
            <label class="rule-on">
                <input
                    type="checkbox"
                    data-testid=format!("rule-enabled-{id}")
                    prop:checked=rule.enabled
                    on:change=move |ev| apply_edit(ov, said, i, Ok(RuleEdit::Enabled(event_target_checked(&ev))))
                />
                <span class="rule-id">{id.clone()}</span>
            </label>
            <div class="rule-sentence">
            <span class="rule-kind">{before}</span>
            <label class="field inline">
                <span class="sr-only">{threshold_label(&id, rule.kind.unit())}</span>
                {rule_number("any", "threshold-input", format!("rule-threshold-{id}"), rule.threshold.to_string(), move |t| {
                    apply_edit(ov, said, i, RuleEdit::threshold(&t))
                })}
                <span class="rule-unit">{after}</span>
            </label>
            {min}
            </div>
        </li>
    }
}

/// A rule's number field; `on_change` gets what was typed.
fn rule_number(
    step: &'static str,
    class: &'static str,
    test_id: String,
    value: String,
    on_change: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <input
            type="number"
            min="0"
            step=step
            class=class
            data-testid=test_id
            prop:value=value
            on:change=move |ev| on_change(event_target_value(&ev))
        />
    }
}

/// The rules' buttons: export to a file, import one, go back to the defaults.
#[component]
fn RulesActions(said: Said) -> impl IntoView {
    let ov = use_overview();
    // Reading a chosen file is a run of its own: unmounting stops it.
    let reading = Runner::<()>::new();
    let export = move |_| {
        let text = ov.rules.with_untracked(serde_json::to_string_pretty);
        let outcome = text
            .map_err(|_| "The rules could not be written as JSON.".to_string())
            .and_then(|t| browser::download(RULES_FILE, "application/json", &t));
        if let Err(m) = outcome {
            said.set(Some((true, m)));
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
            let outcome = file_text(&input).await.and_then(|t| import_rules(&t));
            input.set_value("");
            match outcome {
                Ok(rules) => {
                    let n = rules.len();
                    keep_rules(ov, rules);
                    said.set(Some((false, imported_words(n))));
                }
                Err(m) => said.set(Some((true, m))),
            }
        });
    };
    let reset = move |_| {
        keep_rules(ov, default_rules());
        said.set(Some((false, "The rules are back to the defaults.".into())));
    };
    view! {
        <div class="actions">
            <button type="button" data-testid="rules-export" on:click=export>"Export JSON"</button>
            <label class="file-button">
                <input type="file" accept="application/json,.json" data-testid="rules-import" on:change=import/>
                <span>"Import JSON…"</span>
            </label>
            <button type="button" data-testid="rules-reset" on:click=reset>"Reset to defaults"</button>
        </div>
    }
}
