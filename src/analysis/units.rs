//! ThousandEyes units against the contract and the quotas: the vendor's own
//! projection next to ours, the run rate of the billing period so far.
//! Quotas (organization and account group) are compared with cloud units,
//! the units tests consume.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::thousandeyes::{Quotas, TestUsage, Usage};
use crate::time::{parse_instant, DAY};

/// Units of one kind in a [`UnitsOutlook`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct UnitsFigure {
    /// Units used this billing period.
    pub used: i64,
    /// ThousandEyes' projection to the period's end.
    pub vendor_projected: Option<i64>,
    /// Ours: the period's run rate so far (none in its first day).
    pub our_projected: Option<f64>,
    /// Units the contract includes.
    pub included: Option<i64>,
    /// The organization's quota.
    pub quota: Option<i64>,
    /// The larger projection over the quota, or over what is included
    /// when no quota is set.
    pub share: Option<f64>,
}

/// One account group's cloud units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct GroupUnits {
    /// Account group id.
    pub aid: String,
    /// Its name (the id when the name is missing).
    pub name: String,
    /// Units its tests used.
    pub used: i64,
    /// ThousandEyes' projection.
    pub vendor_projected: i64,
    /// Ours (the run rate).
    pub our_projected: Option<f64>,
    /// Its quota, where one is set.
    pub quota: Option<i64>,
    /// The larger projection over the quota.
    pub share_of_quota: Option<f64>,
}

/// The ThousandEyes half of an [`Overview`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct UnitsOutlook {
    /// The billing period's start.
    pub month_start: Option<String>,
    /// Its end.
    pub month_end: Option<String>,
    /// How much of it has passed (0..1).
    pub elapsed_share: Option<f64>,
    /// Cloud units (tests).
    pub cloud: UnitsFigure,
    /// Enterprise agent units.
    pub enterprise: UnitsFigure,
    /// Account groups, most projected units first.
    pub groups: Vec<GroupUnits>,
}

impl UnitsOutlook {
    /// Whether the billing period the answer names is over at the time
    /// asked (then it is not the current one).
    pub fn ended(&self) -> bool {
        self.elapsed_share.is_some_and(|e| e >= 1.0)
    }
}

/// What an account group is called: its name, else its id (a blank name
/// shows as the id, never as an empty cell), else "(none)".
fn group_label(name: Option<&str>, aid: &str) -> String {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let aid = Some(aid.trim()).filter(|a| !a.is_empty());
    name.or(aid).unwrap_or(super::NONE).to_string()
}

/// The run rate of a period: `used` over the share of it that has passed.
fn run_rate(used: i64, elapsed: Option<f64>, min_share: f64) -> Option<f64> {
    elapsed.filter(|e| *e >= min_share).map(|e| used as f64 / e)
}

fn share_of(projections: [Option<f64>; 2], limit: Option<i64>) -> Option<f64> {
    let top = projections.into_iter().flatten().reduce(f64::max)?;
    limit.filter(|l| *l > 0).map(|l| top / l as f64)
}

/// The tests' cloud units summed per account group, each with its quota.
fn account_groups(tests: &[TestUsage], quotas: Option<&Quotas>) -> Vec<GroupUnits> {
    let group_quota: HashMap<&str, i64> = quotas
        .map(|q| {
            q.quotas
                .iter()
                .flat_map(|q| &q.account_group_quotas)
                .filter_map(|g| Some((g.aid.as_deref()?, g.value?)))
                .collect()
        })
        .unwrap_or_default();
    let mut groups: Vec<GroupUnits> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for t in tests {
        let aid = t.aid.clone().unwrap_or_default();
        let named = t.account_group_name.as_deref();
        let i = *index.entry(aid.clone()).or_insert_with(|| {
            groups.push(GroupUnits {
                name: group_label(named, &aid),
                aid: aid.clone(),
                used: 0,
                vendor_projected: 0,
                our_projected: None,
                quota: group_quota.get(aid.as_str()).copied(),
                share_of_quota: None,
            });
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(i) {
            // A later row may name a group the first row left blank.
            if g.name == group_label(None, &g.aid) {
                g.name = group_label(named, &g.aid);
            }
            g.used += t.cloud_units_used.unwrap_or(0);
            g.vendor_projected += t.cloud_units_projected.unwrap_or(0);
        }
    }
    groups
}

/// ThousandEyes units against the contract and the quotas, at `now` (a date
/// or date-time); `usage` is `GET /v7/usage` with `expand=test`.
///
/// # Errors
///
/// `invalidInput` for a `now` that is not a date or time.
pub fn units_outlook(usage: &Usage, quotas: Option<&Quotas>, now: &str) -> Result<UnitsOutlook> {
    let now = parse_instant(now).map_err(Error::invalid_input)?.secs;
    let Some(details) = usage.usage.as_ref() else {
        return Ok(UnitsOutlook::default());
    };
    let quota = details.quota.as_ref();
    let start = quota.and_then(|q| q.month_start.clone());
    let end = quota.and_then(|q| q.month_end.clone());
    let bound = |t: &Option<String>| t.as_deref().and_then(|t| parse_instant(t).ok());
    let (elapsed, min_share) = match (bound(&start), bound(&end)) {
        (Some(s), Some(e)) if e.secs > s.secs => {
            let len = (e.secs - s.secs) as f64;
            (
                Some(((now - s.secs) as f64 / len).clamp(0.0, 1.0)),
                DAY as f64 / len,
            )
        }
        _ => (None, 1.0),
    };
    let org_quota = quotas
        .and_then(|q| q.quotas.iter().find_map(|q| q.organization_quota.as_ref()))
        .and_then(|q| q.value);
    let figure = |used: Option<i64>, projected: Option<i64>, included: Option<i64>, quota| {
        let used = used.unwrap_or(0);
        let ours = run_rate(used, elapsed, min_share);
        UnitsFigure {
            used,
            vendor_projected: projected,
            our_projected: ours,
            included,
            quota,
            share: share_of([projected.map(|p| p as f64), ours], quota.or(included)),
        }
    };
    let cloud = figure(
        details.cloud_units_used,
        details.cloud_units_projected,
        quota.and_then(|q| q.cloud_units_included),
        org_quota,
    );
    let enterprise = figure(
        details.enterprise_units_used,
        details.enterprise_units_projected,
        None,
        None,
    );
    let mut groups = account_groups(&details.tests, quotas);
    for g in &mut groups {
        g.our_projected = run_rate(g.used, elapsed, min_share);
        g.share_of_quota = share_of([Some(g.vendor_projected as f64), g.our_projected], g.quota);
    }
    groups.sort_by(|a, b| {
        b.vendor_projected
            .cmp(&a.vendor_projected)
            .then_with(|| a.aid.cmp(&b.aid))
    });
    Ok(UnitsOutlook {
        month_start: start,
        month_end: end,
        elapsed_share: elapsed,
        cloud,
        enterprise,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_projected_both_ways_and_summed_per_account_group() {
        let usage: Usage = serde_json::from_str(
            r#"{"usage": {
                "quota": {"monthStart": "2026-06-01T00:00:00Z", "monthEnd": "2026-07-01T00:00:00Z",
                          "cloudUnitsIncluded": 10000},
                "cloudUnitsUsed": 3000, "cloudUnitsProjected": 8800,
                "enterpriseUnitsUsed": 100, "enterpriseUnitsProjected": 310,
                "tests": [
                    {"aid": "1", "accountGroupName": "Ops", "cloudUnitsUsed": 1000, "cloudUnitsProjected": 3000},
                    {"aid": "1", "accountGroupName": "Ops", "cloudUnitsUsed": 500, "cloudUnitsProjected": 1500},
                    {"aid": "2", "cloudUnitsUsed": 1500, "cloudUnitsProjected": 4300}
                ]}}"#,
        )
        .unwrap();
        let quotas: Quotas = serde_json::from_str(
            r#"{"quotas": [{"organizationQuota": {"orgId": "9", "value": 9000},
                             "accountGroupQuotas": [{"aid": "1", "value": 4000}]}]}"#,
        )
        .unwrap();
        // A third of June has passed at the start of the 11th.
        let u = units_outlook(&usage, Some(&quotas), "2026-06-11T00:00:00Z").unwrap();
        assert!((u.elapsed_share.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(u.cloud.used, 3000);
        assert_eq!(u.cloud.vendor_projected, Some(8800));
        assert!((u.cloud.our_projected.unwrap() - 9000.0).abs() < 1e-6);
        assert_eq!(
            (u.cloud.included, u.cloud.quota),
            (Some(10_000), Some(9000))
        );
        assert!((u.cloud.share.unwrap() - 1.0).abs() < 1e-9); // 9,000 of the 9,000 quota
        assert_eq!(u.enterprise.included, None);
        assert_eq!(u.enterprise.share, None);
        let ops = &u.groups[0];
        assert_eq!((ops.aid.as_str(), ops.name.as_str()), ("1", "Ops"));
        assert_eq!(
            (ops.used, ops.vendor_projected, ops.quota),
            (1500, 4500, Some(4000))
        );
        assert!((ops.share_of_quota.unwrap() - 4500.0 / 4000.0).abs() < 1e-9);
        let other = &u.groups[1];
        assert_eq!(
            (other.name.as_str(), other.quota, other.share_of_quota),
            ("2", None, None)
        );
        // In the period's first hours the run rate says nothing yet.
        let early = units_outlook(&usage, None, "2026-06-01T06:00:00Z").unwrap();
        assert_eq!(early.cloud.our_projected, None);
        assert!((early.cloud.share.unwrap() - 0.88).abs() < 1e-9); // against what is included
        assert!(units_outlook(&usage, None, "soon").is_err());
    }

    #[test]
    fn a_group_without_a_name_shows_its_id_and_an_ended_period_says_so() {
        let usage: Usage = serde_json::from_str(
            r#"{"usage": {
                "quota": {"monthStart": "2026-06-01T00:00:00Z", "monthEnd": "2026-07-01T00:00:00Z"},
                "cloudUnitsUsed": 40,
                "tests": [
                    {"aid": "77", "accountGroupName": "", "cloudUnitsUsed": 1, "cloudUnitsProjected": 40},
                    {"aid": "88", "accountGroupName": "  ", "cloudUnitsUsed": 1, "cloudUnitsProjected": 30},
                    {"aid": "99", "cloudUnitsUsed": 1, "cloudUnitsProjected": 20},
                    {"aid": "99", "accountGroupName": "Named later", "cloudUnitsUsed": 1, "cloudUnitsProjected": 0},
                    {"cloudUnitsUsed": 1, "cloudUnitsProjected": 10}
                ]}}"#,
        )
        .unwrap();
        let u = units_outlook(&usage, None, "2026-06-30T23:59:59Z").unwrap();
        let names: Vec<&str> = u.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["77", "88", "Named later", "(none)"]);
        assert!(!u.ended());
        // At the period's end, and long after, it has ended.
        for now in ["2026-07-01T00:00:00Z", "2027-01-01"] {
            let u = units_outlook(&usage, None, now).unwrap();
            assert!(u.ended(), "{now}");
        }
        // No period reported: nothing to say it ended.
        assert!(!UnitsOutlook::default().ended());
    }
}
