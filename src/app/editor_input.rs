//! What the overview's editors read from what is typed, decided without
//! Leptos: the monthly allowance from its form, and a rule from one edited
//! field, each checked by `crate::analysis` before it is kept. The
//! components in `overview/editors.rs` render these.
//!
//! The allowance the administrator types is one source among others to come
//! (the billing contract's API charge): [`AllowanceForm`] is only what was
//! typed, so a line read from the contract can sit beside it, with the typed
//! one as the override.

use crate::analysis::format::group_digits;
use crate::analysis::rules::{check_rules, rules_from_json};
use crate::analysis::{Allowance, Rule, RuleKind};

/// The name of the file the rules are exported to.
pub const RULES_FILE: &str = "usage-lens-rules.json";

/// A whole number as people type it: `1,000,000`, `1 000 000` and
/// `1_000_000` all read as one million.
pub fn whole_number(text: &str) -> Option<i64> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{202f}'))
        .collect();
    digits.parse().ok()
}

/// The allowance editor's fields, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowanceForm {
    /// Given as licences × requests per licence (else as a number).
    pub by_licence: bool,
    /// Requests per month.
    pub requests: String,
    /// Licences.
    pub licences: String,
    /// Requests per licence per month.
    pub per_licence: String,
}

impl AllowanceForm {
    /// The fields showing a saved allowance (empty without one).
    pub fn from_saved(saved: Option<&Allowance>) -> AllowanceForm {
        match saved {
            Some(Allowance::Requests { requests }) => AllowanceForm {
                requests: requests.to_string(),
                ..AllowanceForm::default()
            },
            Some(Allowance::Licences {
                licences,
                per_licence,
            }) => AllowanceForm {
                by_licence: true,
                licences: licences.to_string(),
                per_licence: per_licence.to_string(),
                ..AllowanceForm::default()
            },
            None => AllowanceForm::default(),
        }
    }

    /// The allowance the fields give, or what to fix, in words.
    ///
    /// # Errors
    ///
    /// A sentence for the form when a field is not a whole number or the
    /// allowance is not valid (`Allowance::total`).
    pub fn read(&self) -> Result<Allowance, String> {
        let a = if self.by_licence {
            match (
                whole_number(&self.licences),
                whole_number(&self.per_licence),
            ) {
                (Some(licences), Some(per_licence)) => Allowance::Licences {
                    licences,
                    per_licence,
                },
                _ => {
                    return Err(
                        "Enter the licences and the requests per licence as whole numbers.".into(),
                    )
                }
            }
        } else {
            match whole_number(&self.requests) {
                Some(requests) => Allowance::Requests { requests },
                None => {
                    return Err("Enter the monthly allowance as a whole number of requests.".into())
                }
            }
        };
        match a.total() {
            Ok(_) => Ok(a),
            Err(e) => Err(format!("The allowance is not valid: {}.", e.message)),
        }
    }
}

/// What the editor says is saved.
pub fn saved_words(saved: Option<&Allowance>) -> String {
    match saved.and_then(|a| a.total().ok()) {
        Some(t) => format!("Saved: {} requests per month.", group_digits(t)),
        None => "No allowance saved.".to_string(),
    }
}

/// What a rule checks, in words before and after its threshold.
pub fn kind_words(k: RuleKind) -> (&'static str, &'static str) {
    match k {
        RuleKind::Share429 => ("A client's 429s above", "% of its requests"),
        RuleKind::MonthAllowance => ("Projected month total above", "% of the allowance"),
        RuleKind::Spike => ("A client's last day above", "× its usual day"),
        RuleKind::UnitsQuota => ("Projected ThousandEyes units above", "% of the quota"),
        RuleKind::GroupQuota => ("An account group's projected units above", "% of its quota"),
    }
}

/// The threshold field's name for screen readers.
pub fn threshold_label(id: &str, unit: &str) -> String {
    format!("Threshold of {id} ({unit})")
}

/// One field of one rule, as edited.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RuleEdit {
    /// The rule is switched on or off.
    Enabled(bool),
    /// A new threshold.
    Threshold(f64),
    /// A new minimum of requests.
    MinRequests(i64),
}

impl RuleEdit {
    /// A typed threshold.
    ///
    /// # Errors
    ///
    /// The editor's message when it is not a number.
    pub fn threshold(text: &str) -> Result<RuleEdit, String> {
        text.trim()
            .parse()
            .map(RuleEdit::Threshold)
            .map_err(|_| "Not saved: the threshold must be a number.".into())
    }

    /// A typed minimum of requests.
    ///
    /// # Errors
    ///
    /// The editor's message when it is not a whole number.
    pub fn min_requests(text: &str) -> Result<RuleEdit, String> {
        text.trim()
            .parse()
            .map(RuleEdit::MinRequests)
            .map_err(|_| "Not saved: min. requests must be a whole number.".into())
    }

    fn apply(self, rule: &mut Rule) {
        match self {
            RuleEdit::Enabled(on) => rule.enabled = on,
            RuleEdit::Threshold(v) => rule.threshold = v,
            RuleEdit::MinRequests(v) => rule.min_requests = v,
        }
    }
}

/// The rules with rule `i` edited, if the set is still valid.
///
/// # Errors
///
/// The editor's message naming what is wrong; nothing is kept then.
pub fn edit_rule(rules: &[Rule], i: usize, edit: RuleEdit) -> Result<Vec<Rule>, String> {
    let mut rules = rules.to_vec();
    if let Some(r) = rules.get_mut(i) {
        edit.apply(r);
    }
    check_rules(&rules).map_err(|e| format!("Not saved: {}.", e.message))?;
    Ok(rules)
}

/// The rules of an imported file.
///
/// # Errors
///
/// The editor's message saying that nothing was changed, and why.
pub fn import_rules(text: &str) -> Result<Vec<Rule>, String> {
    rules_from_json(text).map_err(|e| format!("Nothing was changed: {}.", e.message))
}

/// What the editor says after an import.
pub fn imported_words(n: usize) -> String {
    format!("Imported {n} rules.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::default_rules;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(whole_number("1,000,000"), Some(1_000_000));
        assert_eq!(whole_number(" 2 500_000\u{202f}0"), Some(25_000_000));
        assert_eq!(
            whole_number("-3"),
            Some(-3),
            "the sign is kept for the allowance's own check"
        );
        assert_eq!(whole_number("1.5"), None);
        assert_eq!(whole_number(""), None);
    }

    #[test]
    fn the_allowance_is_read_from_the_chosen_fields() {
        let form = AllowanceForm {
            requests: "2,500,000".into(),
            licences: "junk".into(),
            ..AllowanceForm::default()
        };
        assert_eq!(
            form.read(),
            Ok(Allowance::Requests {
                requests: 2_500_000
            })
        );
        let form = AllowanceForm {
            by_licence: true,
            requests: "junk".into(),
            licences: "250".into(),
            per_licence: "40 000".into(),
        };
        assert_eq!(
            form.read(),
            Ok(Allowance::Licences {
                licences: 250,
                per_licence: 40_000
            })
        );
    }

    #[test]
    fn a_wrong_allowance_says_what_to_fix() {
        let empty = AllowanceForm::default();
        assert_eq!(
            empty.read(),
            Err("Enter the monthly allowance as a whole number of requests.".into())
        );
        let half = AllowanceForm {
            by_licence: true,
            licences: "250".into(),
            ..AllowanceForm::default()
        };
        assert_eq!(
            half.read(),
            Err("Enter the licences and the requests per licence as whole numbers.".into())
        );
        let negative = AllowanceForm {
            by_licence: true,
            licences: "-3".into(),
            per_licence: "40000".into(),
            ..AllowanceForm::default()
        };
        let message = negative.read().err().unwrap_or_default();
        assert!(
            message.starts_with("The allowance is not valid: ") && message.contains("above 0"),
            "{message}"
        );
    }

    #[test]
    fn a_saved_allowance_fills_its_fields_and_is_said_back() {
        let a = Allowance::Licences {
            licences: 250,
            per_licence: 40_000,
        };
        let form = AllowanceForm::from_saved(Some(&a));
        assert!(form.by_licence);
        assert_eq!(
            (form.licences.as_str(), form.per_licence.as_str()),
            ("250", "40000")
        );
        assert_eq!(
            form.read(),
            Ok(a.clone()),
            "what is shown reads back the same"
        );
        assert_eq!(
            saved_words(Some(&a)),
            "Saved: 10,000,000 requests per month."
        );
        let r = Allowance::Requests { requests: 123_456 };
        assert_eq!(AllowanceForm::from_saved(Some(&r)).requests, "123456");
        assert!(!AllowanceForm::from_saved(Some(&r)).by_licence);
        assert_eq!(AllowanceForm::from_saved(None), AllowanceForm::default());
        assert_eq!(saved_words(None), "No allowance saved.");
        assert_eq!(
            saved_words(Some(&Allowance::Requests { requests: 0 })),
            "No allowance saved."
        );
    }

    #[test]
    fn a_rule_edit_is_kept_only_when_the_set_stays_valid() {
        let rules = default_rules();
        let edited = edit_rule(
            &rules,
            0,
            RuleEdit::threshold(" 5 ").unwrap_or(RuleEdit::Enabled(true)),
        );
        assert_eq!(edited.map(|r| r[0].threshold), Ok(5.0));
        let off = edit_rule(&rules, 2, RuleEdit::Enabled(false)).unwrap_or_default();
        assert!(!off[2].enabled && off[0].enabled);
        let min = edit_rule(
            &rules,
            0,
            RuleEdit::min_requests("10").unwrap_or(RuleEdit::Enabled(true)),
        );
        assert_eq!(min.map(|r| r[0].min_requests), Ok(10));
        let zero = edit_rule(&rules, 0, RuleEdit::Threshold(0.0))
            .err()
            .unwrap_or_default();
        assert!(zero.starts_with("Not saved: "), "{zero}");
        assert!(edit_rule(&rules, 0, RuleEdit::MinRequests(-1)).is_err());
        assert_eq!(
            RuleEdit::threshold("two"),
            Err("Not saved: the threshold must be a number.".into())
        );
        assert_eq!(
            RuleEdit::min_requests("1.5"),
            Err("Not saved: min. requests must be a whole number.".into())
        );
    }

    #[test]
    fn imports_replace_the_rules_or_change_nothing() {
        let text = serde_json::to_string(&default_rules()).unwrap_or_default();
        assert_eq!(import_rules(&text).map(|r| r.len()), Ok(5));
        assert_eq!(imported_words(5), "Imported 5 rules.");
        let bad = import_rules("[{\"id\": \"x\"}]").err().unwrap_or_default();
        assert!(bad.starts_with("Nothing was changed: "), "{bad}");
    }

    #[test]
    fn every_rule_kind_is_said_in_words() {
        assert_eq!(
            kind_words(RuleKind::Spike),
            ("A client's last day above", "× its usual day")
        );
        assert_eq!(kind_words(RuleKind::Share429).1, "% of its requests");
        assert_eq!(
            threshold_label("429-share", "%"),
            "Threshold of 429-share (%)"
        );
    }
}
