//! Rules that flag trouble, as data: each is a kind, a threshold and an id,
//! evaluated on an [`Overview`]. A fired rule says what, who, by how much and
//! what to do.
//!
//! | kind | fires when | threshold |
//! |---|---|---|
//! | `share429` | a client's 429s are above the threshold share of its requests (clients with at least `minRequests`) | % |
//! | `monthAllowance` | the month's projected total is above the threshold share of the allowance | % |
//! | `spike` | a client's requests on the last day are above threshold × its median day of the 28 before (and at least `minRequests`) | × |
//! | `unitsQuota` | projected cloud or enterprise units are above the threshold share of the quota (or what the contract includes) | % |
//! | `groupQuota` | an account group's projected units are above the threshold share of its quota | % |

use serde::{Deserialize, Serialize};

use super::format::{fixed, group_digits};
use super::outlook::{Overview, UnitsFigure};
use crate::error::{Error, Result};

/// The longest rule id.
pub const MAX_ID_LEN: usize = 64;
/// The most rules in a set.
pub const MAX_RULES: usize = 100;

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum RuleKind {
    /// A client's share of 429 answers, in %.
    #[serde(rename = "share429")]
    Share429,
    /// The projected month total against the allowance, in %.
    MonthAllowance,
    /// A client's last day against its usual day, as a factor.
    Spike,
    /// Projected units against the organization's quota, in %.
    UnitsQuota,
    /// An account group's projected units against its quota, in %.
    GroupQuota,
}

impl RuleKind {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Share429 => "share429",
            RuleKind::MonthAllowance => "monthAllowance",
            RuleKind::Spike => "spike",
            RuleKind::UnitsQuota => "unitsQuota",
            RuleKind::GroupQuota => "groupQuota",
        }
    }

    /// The threshold's unit, for people.
    pub fn unit(self) -> &'static str {
        match self {
            RuleKind::Spike => "×",
            _ => "%",
        }
    }

    /// Whether `minRequests` means anything for this kind.
    pub fn uses_min_requests(self) -> bool {
        matches!(self, RuleKind::Share429 | RuleKind::Spike)
    }
}

fn enabled_by_default() -> bool {
    true
}

/// One rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct Rule {
    /// A name of the user's choice, unique in its set.
    pub id: String,
    /// What it looks at.
    pub kind: RuleKind,
    /// Where it fires: a percentage, or a factor for `spike`.
    pub threshold: f64,
    /// Whether it is evaluated (default true).
    #[serde(default = "enabled_by_default")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub enabled: bool,
    /// Clients with fewer requests (over the days, or on the last day for
    /// `spike`) are left out (default 0).
    #[serde(default)]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub min_requests: i64,
}

impl Rule {
    fn new(id: &str, kind: RuleKind, threshold: f64, min_requests: i64) -> Rule {
        Rule {
            id: id.to_string(),
            kind,
            threshold,
            enabled: true,
            min_requests,
        }
    }
}

/// The rules a new user starts with.
pub fn default_rules() -> Vec<Rule> {
    vec![
        Rule::new("429-share", RuleKind::Share429, 2.0, 1_000),
        Rule::new("month-allowance", RuleKind::MonthAllowance, 90.0, 0),
        Rule::new("spike", RuleKind::Spike, 3.0, 1_000),
        Rule::new("units-quota", RuleKind::UnitsQuota, 90.0, 0),
        Rule::new("group-quota", RuleKind::GroupQuota, 100.0, 0),
    ]
}

/// Checks a rule set: ids present, short and unique; thresholds above 0
/// (and at most 10,000 %); `minRequests` not negative.
///
/// # Errors
///
/// `invalidInput` naming the first rule that is wrong and why.
pub fn check_rules(rules: &[Rule]) -> Result<()> {
    if rules.len() > MAX_RULES {
        return Err(Error::invalid_input(format!(
            "at most {MAX_RULES} rules (got {})",
            rules.len()
        )));
    }
    for (i, r) in rules.iter().enumerate() {
        let at = format!("rule {} (`{}`)", i + 1, r.id);
        if r.id.trim().is_empty() || r.id.chars().count() > MAX_ID_LEN {
            return Err(Error::invalid_input(format!(
                "rule {}: the id must be 1 to {MAX_ID_LEN} characters",
                i + 1
            )));
        }
        if rules[..i].iter().any(|o| o.id == r.id) {
            return Err(Error::invalid_input(format!("{at}: the id is used twice")));
        }
        let top = if r.kind == RuleKind::Spike {
            1_000.0
        } else {
            10_000.0
        };
        if !r.threshold.is_finite() || r.threshold <= 0.0 || r.threshold > top {
            return Err(Error::invalid_input(format!(
                "{at}: the threshold must be above 0 and at most {top} {}",
                r.kind.unit()
            )));
        }
        if r.min_requests < 0 {
            return Err(Error::invalid_input(format!(
                "{at}: minRequests must not be negative"
            )));
        }
    }
    Ok(())
}

/// Reads and checks a rule set from JSON (an array of rules).
///
/// # Errors
///
/// `invalidInput` for text that is not such an array (with serde's line and
/// column) or a set [`check_rules`] refuses.
pub fn rules_from_json(text: &str) -> Result<Vec<Rule>> {
    let rules: Vec<Rule> = serde_json::from_str(text)
        .map_err(|e| Error::invalid_input(format!("the rules are not valid: {e}")))?;
    check_rules(&rules)?;
    Ok(rules)
}

/// How bad a fired rule is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum Severity {
    /// Past the threshold.
    Warning,
    /// Past twice the threshold, or over the allowance or quota itself.
    Critical,
}

impl Severity {
    /// The wire name (`warning`, `critical`), as in JSON and in metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// A rule that fired.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct Fired {
    /// The rule's id.
    pub rule_id: String,
    /// The rule's kind.
    pub kind: RuleKind,
    /// How bad.
    pub severity: Severity,
    /// `genesys` or `thousandeyes`.
    pub vendor: String,
    /// The client, account group or organization.
    pub who: String,
    /// What happened, in a sentence.
    pub what: String,
    /// The measured value, in the threshold's unit.
    pub value: f64,
    /// The rule's threshold.
    pub threshold: f64,
    /// By how much, in words ("141.9 % of the quota").
    pub by: String,
    /// What to do about it.
    pub advice: String,
}

fn pct(share: f64) -> String {
    format!("{} %", fixed(share * 100.0, 1))
}

fn count(v: f64) -> String {
    group_digits(v.round() as i64)
}

/// The rules of `rules` that fire on `overview`, most severe first (then by
/// how far past their threshold). Disabled rules are skipped.
pub fn evaluate_rules(overview: &Overview, rules: &[Rule]) -> Vec<Fired> {
    let mut out = Vec::new();
    for rule in rules.iter().filter(|r| r.enabled) {
        match rule.kind {
            RuleKind::Share429 => share429(overview, rule, &mut out),
            RuleKind::MonthAllowance => month_allowance(overview, rule, &mut out),
            RuleKind::Spike => spike(overview, rule, &mut out),
            RuleKind::UnitsQuota => units_quota(overview, rule, &mut out),
            RuleKind::GroupQuota => group_quota(overview, rule, &mut out),
        }
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| (b.value / b.threshold).total_cmp(&(a.value / a.threshold)))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.who.cmp(&b.who))
    });
    out
}

struct Firing<'a> {
    rule: &'a Rule,
    vendor: &'static str,
    who: String,
    value: f64,
    critical: bool,
    what: String,
    by: String,
    advice: String,
}

impl Firing<'_> {
    fn push(self, out: &mut Vec<Fired>) {
        out.push(Fired {
            rule_id: self.rule.id.clone(),
            kind: self.rule.kind,
            severity: if self.critical || self.value >= 2.0 * self.rule.threshold {
                Severity::Critical
            } else {
                Severity::Warning
            },
            vendor: self.vendor.to_string(),
            who: self.who,
            what: self.what,
            value: self.value,
            threshold: self.rule.threshold,
            by: self.by,
            advice: self.advice,
        });
    }
}

fn share429(overview: &Overview, rule: &Rule, out: &mut Vec<Fired>) {
    let Some(g) = &overview.genesys else { return };
    for c in &g.clients {
        let value = c.share429 * 100.0;
        if c.requests < rule.min_requests.max(1) || value <= rule.threshold {
            continue;
        }
        Firing {
            rule,
            vendor: "genesys",
            who: c.client.clone(),
            value,
            critical: false,
            what: format!(
                "{} of its {} requests were refused with 429",
                group_digits(c.status429),
                group_digits(c.requests)
            ),
            by: format!(
                "{} of requests (limit {} %)",
                pct(c.share429),
                fixed(rule.threshold, 1)
            ),
            advice: share429_advice(g.rate_limit),
        }
        .push(out);
    }
}

/// What to do about a client's 429s, with the token's real limit when the
/// organization's limits were read.
fn share429_advice(limit: Option<u64>) -> String {
    let per_minute = limit
        .map(|n| format!(" (the token gets {} a minute)", group_digits(n as i64)))
        .unwrap_or_default();
    format!(
        "Slow this client down: honour Retry-After, spread its calls over the minute{per_minute}, \
         and give it its own OAuth client if it shares one."
    )
}

fn month_allowance(overview: &Overview, rule: &Rule, out: &mut Vec<Fired>) {
    let Some(g) = &overview.genesys else { return };
    let m = &g.month;
    let (Some(allowance), Some(share)) = (m.allowance, m.share_of_allowance) else {
        return;
    };
    let value = share * 100.0;
    if value <= rule.threshold {
        return;
    }
    let top = m
        .contributors
        .first()
        .map(|c| format!(" {} contributes most ({}).", c.client, pct(c.share)))
        .unwrap_or_default();
    Firing {
        rule,
        vendor: "genesys",
        who: "organization".into(),
        value,
        critical: m.projected > allowance as f64,
        what: format!(
            "{} is projected to end at {} requests against an allowance of {}",
            m.month,
            count(m.projected),
            group_digits(allowance)
        ),
        by: format!(
            "{} of the allowance, {} over",
            pct(share),
            count(m.overage.unwrap_or(0.0))
        ),
        advice: format!(
            "Find what drives the growth before the month ends, or raise the allowance.{top}"
        ),
    }
    .push(out);
}

fn spike(overview: &Overview, rule: &Rule, out: &mut Vec<Fired>) {
    let Some(g) = &overview.genesys else { return };
    let day = g.last_day.clone().unwrap_or_default();
    for c in &g.clients {
        let Some(median) = c.median_previous else {
            continue;
        };
        let last = c.last_day_requests as f64;
        if c.last_day_requests < rule.min_requests.max(1) || last <= rule.threshold * median {
            continue;
        }
        let value = if median > 0.0 {
            last / median
        } else {
            f64::INFINITY
        };
        let (what, by) = spike_words(c.last_day_requests, median, &day, rule.threshold);
        Firing {
            rule,
            vendor: "genesys",
            who: c.client.clone(),
            value: if value.is_finite() { value } else { 1_000.0 },
            critical: false,
            what,
            by,
            advice: "Check what changed in this integration that day: a deployment, a retry loop, \
                     a new schedule."
                .into(),
        }
        .push(out);
    }
}

/// `n request(s)`, grouped.
fn requests(n: i64) -> String {
    format!(
        "{} request{}",
        group_digits(n),
        if n == 1 { "" } else { "s" }
    )
}

/// A usual day: whole when it is, else with one decimal (a median of an
/// even count of days may end in .5).
fn usual(median: f64) -> String {
    if median.fract() == 0.0 {
        count(median)
    } else {
        fixed(median, 1)
    }
}

/// The spike's sentence and its "by": a client that usually makes none
/// reads so, rather than "a usual 0 a day"; a huge factor is grouped.
fn spike_words(last: i64, median: f64, day: &str, threshold: f64) -> (String, String) {
    let limit = format!("(limit {}×)", fixed(threshold, 1));
    if median <= 0.0 {
        return (
            format!("{} on {day}, where it usually makes none", requests(last)),
            format!("new: its median day had no requests {limit}"),
        );
    }
    let factor = last as f64 / median;
    let factor = if factor >= 1_000.0 {
        count(factor)
    } else {
        fixed(factor, 1)
    };
    (
        format!(
            "{} on {day} against a usual {} a day",
            requests(last),
            usual(median)
        ),
        format!("{factor}× its median day {limit}"),
    )
}

fn units_quota(overview: &Overview, rule: &Rule, out: &mut Vec<Fired>) {
    let Some(t) = &overview.thousandeyes else {
        return;
    };
    for (name, f) in [
        ("cloud units", &t.cloud),
        ("enterprise units", &t.enterprise),
    ] {
        units_figure(rule, name, f, t.ended(), out);
    }
}

/// How a units sentence ends: a period that is over is not "projected".
fn period_tail(ended: bool) -> &'static str {
    if ended {
        " in the billing period that ended"
    } else {
        ""
    }
}

fn units_figure(rule: &Rule, name: &str, f: &UnitsFigure, ended: bool, out: &mut Vec<Fired>) {
    let Some(share) = f.share else { return };
    let value = share * 100.0;
    if value <= rule.threshold {
        return;
    }
    let (limit, against) = match (f.quota, f.included) {
        (Some(q), _) => (q, "quota"),
        (None, Some(i)) => (i, "included units"),
        (None, None) => return,
    };
    let projected = [f.vendor_projected.map(|p| p as f64), f.our_projected]
        .into_iter()
        .flatten()
        .fold(0.0, f64::max);
    Firing {
        rule,
        vendor: "thousandeyes",
        who: "organization".into(),
        value,
        critical: projected > limit as f64,
        what: format!(
            "{name} {} {} against {} {against}{}",
            if ended {
                "reached"
            } else {
                "are projected to reach"
            },
            count(projected),
            group_digits(limit),
            period_tail(ended)
        ),
        by: format!("{} of the {against}", pct(share)),
        advice: "Lower the frequency of the costliest tests, or ask for a larger quota.".into(),
    }
    .push(out);
}

fn group_quota(overview: &Overview, rule: &Rule, out: &mut Vec<Fired>) {
    let Some(t) = &overview.thousandeyes else {
        return;
    };
    for g in &t.groups {
        let (Some(share), Some(quota)) = (g.share_of_quota, g.quota) else {
            continue;
        };
        let value = share * 100.0;
        if value <= rule.threshold {
            continue;
        }
        let projected = share * quota as f64;
        Firing {
            rule,
            vendor: "thousandeyes",
            who: g.name.clone(),
            value,
            critical: projected > quota as f64,
            what: format!(
                "account group {} {} {} units against its quota of {}{}",
                g.name,
                if t.ended() {
                    "used"
                } else {
                    "is projected to use"
                },
                count(projected),
                group_digits(quota),
                period_tail(t.ended())
            ),
            by: format!("{} of its quota", pct(share)),
            advice: "Move or slow this group's tests, or raise its quota before it runs out."
                .into(),
        }
        .push(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::outlook::{
        ClientFigures, GenesysOverview, GroupUnits, MonthOutlook, UnitsOutlook,
    };

    fn client(name: &str, requests: i64, status429: i64) -> ClientFigures {
        ClientFigures {
            client: name.into(),
            requests,
            status429,
            share429: status429 as f64 / requests as f64,
            last_day_requests: 0,
            median_previous: None,
        }
    }

    fn month(projected: f64, allowance: Option<i64>) -> MonthOutlook {
        MonthOutlook {
            month: "2026-06".into(),
            days_in_month: 30,
            days_counted: 10,
            month_to_date: 0,
            days: Vec::new(),
            projected,
            projected_lower: projected,
            projected_upper: projected,
            interval_level: 0.8,
            method: None,
            allowance,
            share_of_allowance: allowance.map(|a| projected / a as f64),
            overage: allowance.map(|a| (projected - a as f64).max(0.0)),
            overage_upper: None,
            contributors: Vec::new(),
        }
    }

    fn genesys(clients: Vec<ClientFigures>, month: MonthOutlook) -> Overview {
        Overview {
            today: "2026-06-11".into(),
            genesys: Some(GenesysOverview {
                first_day: Some("2026-04-09".into()),
                last_day: Some("2026-06-10".into()),
                requests: 0,
                status429: 0,
                month,
                clients,
                rate_limit: None,
            }),
            thousandeyes: None,
        }
    }

    fn only(kind: RuleKind, threshold: f64, min_requests: i64) -> Vec<Rule> {
        vec![Rule::new("r", kind, threshold, min_requests)]
    }

    #[test]
    fn a_429_share_above_the_threshold_fires_for_that_client_only() {
        let o = genesys(
            vec![
                client("Busy", 10_000, 410),
                client("Calm", 10_000, 100),
                client("Tiny", 10, 5),
            ],
            month(0.0, None),
        );
        let fired = evaluate_rules(&o, &only(RuleKind::Share429, 2.0, 1_000));
        assert_eq!(fired.len(), 1, "{fired:?}");
        let f = &fired[0];
        assert_eq!((f.who.as_str(), f.vendor.as_str()), ("Busy", "genesys"));
        assert!((f.value - 4.1).abs() < 1e-9);
        assert_eq!(f.severity, Severity::Critical); // 4.1 ≥ 2 × 2
        assert!(f.by.contains("4.1 %"), "{}", f.by);
        // At 5 % nothing fires; a lower minRequests lets "Tiny" (50 %) in.
        assert!(evaluate_rules(&o, &only(RuleKind::Share429, 5.0, 1_000)).is_empty());
        assert_eq!(
            evaluate_rules(&o, &only(RuleKind::Share429, 5.0, 0)).len(),
            1
        );
    }

    #[test]
    fn the_429_advice_names_the_organizations_limit_when_it_was_read() {
        let mut o = genesys(vec![client("Busy", 10_000, 410)], month(0.0, None));
        let rules = only(RuleKind::Share429, 2.0, 1_000);
        let plain = &evaluate_rules(&o, &rules)[0].advice;
        assert!(!plain.contains("a minute)"), "{plain}");
        if let Some(g) = o.genesys.as_mut() {
            g.rate_limit = Some(1_200);
        }
        let advice = &evaluate_rules(&o, &rules)[0].advice;
        assert!(
            advice.contains("over the minute (the token gets 1,200 a minute)"),
            "{advice}"
        );
    }

    #[test]
    fn the_month_fires_above_its_share_of_the_allowance() {
        let o = genesys(Vec::new(), month(95_000.0, Some(100_000)));
        let fired = evaluate_rules(&o, &only(RuleKind::MonthAllowance, 90.0, 0));
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].severity, Severity::Warning);
        assert!(fired[0].what.contains("95,000"), "{}", fired[0].what);
        let over = genesys(Vec::new(), month(120_000.0, Some(100_000)));
        let fired = evaluate_rules(&over, &only(RuleKind::MonthAllowance, 90.0, 0));
        assert_eq!(fired[0].severity, Severity::Critical);
        assert!(fired[0].by.contains("20,000 over"), "{}", fired[0].by);
        // No allowance, nothing to compare with.
        let none = genesys(Vec::new(), month(120_000.0, None));
        assert!(evaluate_rules(&none, &only(RuleKind::MonthAllowance, 90.0, 0)).is_empty());
    }

    #[test]
    fn a_spike_is_the_last_day_against_the_median_day() {
        let mut c = client("Sync", 1, 0);
        c.last_day_requests = 4_000;
        c.median_previous = Some(1_000.0);
        let o = genesys(vec![c.clone()], month(0.0, None));
        let fired = evaluate_rules(&o, &only(RuleKind::Spike, 3.0, 1_000));
        assert_eq!(fired.len(), 1);
        assert!((fired[0].value - 4.0).abs() < 1e-9);
        assert!(evaluate_rules(&o, &only(RuleKind::Spike, 4.0, 1_000)).is_empty());
        assert!(evaluate_rules(&o, &only(RuleKind::Spike, 3.0, 5_000)).is_empty());
        c.median_previous = None; // too short a history to say
        let o = genesys(vec![c], month(0.0, None));
        assert!(evaluate_rules(&o, &only(RuleKind::Spike, 3.0, 0)).is_empty());
    }

    /// The spike's words for one client, its last day against its usual day.
    fn spike_said(last: i64, median: f64) -> (String, String) {
        let mut c = client("Sync", 1, 0);
        c.last_day_requests = last;
        c.median_previous = Some(median);
        let o = genesys(vec![c], month(0.0, None));
        let fired = evaluate_rules(&o, &only(RuleKind::Spike, 3.0, 0));
        assert_eq!(fired.len(), 1, "{last} against {median}");
        (fired[0].what.clone(), fired[0].by.clone())
    }

    #[test]
    fn a_spike_reads_right_from_nothing_from_one_and_when_huge() {
        // A client that usually makes none: no "usual 0 a day from nothing".
        let (what, by) = spike_said(1_226, 0.0);
        assert_eq!(
            what,
            "1,226 requests on 2026-06-10, where it usually makes none"
        );
        assert_eq!(by, "new: its median day had no requests (limit 3.0×)");
        let (what, _) = spike_said(1, 0.0);
        assert_eq!(what, "1 request on 2026-06-10, where it usually makes none");
        // A usual day of 1, and of a half (an even count of days).
        let (what, by) = spike_said(4, 1.0);
        assert_eq!(what, "4 requests on 2026-06-10 against a usual 1 a day");
        assert_eq!(by, "4.0× its median day (limit 3.0×)");
        let (what, by) = spike_said(2, 0.5);
        assert_eq!(what, "2 requests on 2026-06-10 against a usual 0.5 a day");
        assert_eq!(by, "4.0× its median day (limit 3.0×)");
        // Huge: grouped digits, never an exponent or a run of decimals.
        let (what, by) = spike_said(9_000_000_000, 3.0);
        assert_eq!(
            what,
            "9,000,000,000 requests on 2026-06-10 against a usual 3 a day"
        );
        assert_eq!(by, "3,000,000,000× its median day (limit 3.0×)");
    }

    fn units(groups: Vec<GroupUnits>) -> Overview {
        Overview {
            today: "2026-06-11".into(),
            genesys: None,
            thousandeyes: Some(UnitsOutlook {
                month_start: None,
                month_end: None,
                elapsed_share: Some(0.5),
                cloud: UnitsFigure {
                    used: 500,
                    vendor_projected: Some(950),
                    our_projected: Some(1_000.0),
                    included: Some(2_000),
                    quota: Some(1_000),
                    share: Some(1.0),
                },
                enterprise: UnitsFigure::default(),
                groups,
            }),
        }
    }

    #[test]
    fn units_and_groups_fire_against_their_quotas() {
        let group = |aid: &str, projected: i64, quota: Option<i64>| GroupUnits {
            aid: aid.into(),
            name: format!("Group {aid}"),
            used: projected / 2,
            vendor_projected: projected,
            our_projected: Some(projected as f64),
            quota,
            share_of_quota: quota.map(|q| projected as f64 / q as f64),
        };
        let o = units(vec![
            group("1", 1_255, Some(1_000)),
            group("2", 500, Some(1_000)),
            group("3", 9_999, None),
        ]);
        let fired = evaluate_rules(&o, &only(RuleKind::GroupQuota, 100.0, 0));
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].who, "Group 1");
        assert!(fired[0].by.contains("125.5 %"), "{}", fired[0].by);
        let fired = evaluate_rules(&o, &only(RuleKind::UnitsQuota, 90.0, 0));
        assert_eq!(fired.len(), 1, "{fired:?}");
        assert!(fired[0].what.contains("1,000 quota"), "{}", fired[0].what);
        assert!(fired[0].what.contains("are projected to reach"));
        // A period that has ended is not "projected", and says it is over.
        let mut o = o;
        if let Some(t) = o.thousandeyes.as_mut() {
            t.elapsed_share = Some(1.0);
        }
        let fired = evaluate_rules(&o, &only(RuleKind::GroupQuota, 100.0, 0));
        assert_eq!(
            fired[0].what,
            "account group Group 1 used 1,255 units against its quota of 1,000 \
             in the billing period that ended"
        );
        let fired = evaluate_rules(&o, &only(RuleKind::UnitsQuota, 90.0, 0));
        assert_eq!(
            fired[0].what,
            "cloud units reached 1,000 against 1,000 quota in the billing period that ended"
        );
    }

    #[test]
    fn disabled_rules_are_skipped_and_the_worst_comes_first() {
        let o = genesys(
            vec![client("A", 10_000, 300), client("B", 10_000, 1_000)],
            month(0.0, None),
        );
        let mut rules = only(RuleKind::Share429, 2.0, 0);
        let fired = evaluate_rules(&o, &rules);
        let who: Vec<&str> = fired.iter().map(|f| f.who.as_str()).collect();
        assert_eq!(who, ["B", "A"]);
        rules[0].enabled = false;
        assert!(evaluate_rules(&o, &rules).is_empty());
    }

    #[test]
    fn rules_round_trip_as_json_and_bad_sets_are_refused() {
        let rules = default_rules();
        check_rules(&rules).unwrap();
        let text = serde_json::to_string(&rules).unwrap();
        assert!(text.contains(r#""kind":"share429""#), "{text}");
        assert_eq!(rules_from_json(&text).unwrap(), rules);
        let short = r#"[{"id": "x", "kind": "spike", "threshold": 2}]"#;
        let read = rules_from_json(short).unwrap();
        assert!(read[0].enabled);
        assert_eq!(read[0].min_requests, 0);
        for (bad, says) in [
            ("{", "not valid"),
            (
                r#"[{"id": "x", "kind": "nope", "threshold": 2}]"#,
                "not valid",
            ),
            (
                r#"[{"id": "x", "kind": "spike", "threshold": 2, "extra": 1}]"#,
                "not valid",
            ),
            (r#"[{"id": "", "kind": "spike", "threshold": 2}]"#, "the id"),
            (
                r#"[{"id": "x", "kind": "spike", "threshold": 0}]"#,
                "threshold",
            ),
            (
                r#"[{"id": "x", "kind": "spike", "threshold": 2}, {"id": "x", "kind": "spike", "threshold": 3}]"#,
                "twice",
            ),
            (
                r#"[{"id": "x", "kind": "spike", "threshold": 2, "minRequests": -1}]"#,
                "negative",
            ),
        ] {
            let e = rules_from_json(bad).unwrap_err();
            assert!(e.message.contains(says), "{bad}: {}", e.message);
        }
    }
}
