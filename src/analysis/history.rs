//! ThousandEyes history: `/v7/usage` answers for the current billing period
//! only, so every answer is kept as a snapshot (per account group, per
//! period, the latest per day), and the periods are read back from them:
//! units used and projected per period and day by day, against each
//! period's quota. Snapshots travel as JSON (export and import).

use serde::{Deserialize, Serialize};

use crate::thousandeyes::Usage;
use crate::time::{format_date, format_timestamp, parse_instant, DAY};

/// The format's name and version in an export.
const FORMAT: &str = "usage-lens ThousandEyes snapshots";
const VERSION: u32 = 1;
/// The most snapshots an import takes (twenty years of days, five groups).
pub const IMPORT_MAX: usize = 40_000;
/// A period's figure is final when a snapshot came on its end day or
/// later, or on its last day after at least this many days of it were seen:
/// one reading is not a period followed to its end.
pub const FINAL_MIN_DAYS: usize = 7;

/// What one usage answer said about its billing period, on the day it came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// The account group asked about (`aid`); absent: the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_group: Option<String>,
    /// First day of the billing period, `YYYY-MM-DD`.
    pub period_start: String,
    /// First day after the period, `YYYY-MM-DD`.
    pub period_end: String,
    /// The day the answer came, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// When it came, `YYYY-MM-DDTHH:MM:SSZ`.
    pub taken_at: String,
    /// Cloud units used so far in the period.
    pub cloud_used: i64,
    /// ThousandEyes' projection of the period's cloud units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_projected: Option<i64>,
    /// Cloud units the period includes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_quota: Option<i64>,
    /// Enterprise units used so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_used: Option<i64>,
    /// ThousandEyes' projection of the period's enterprise units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_projected: Option<i64>,
}

impl Snapshot {
    /// The snapshot of a usage answer that came at `now_secs`, for the
    /// account group `aid` (`None`: the organization). `None` when the
    /// answer names no billing period.
    pub fn of(usage: &Usage, aid: Option<&str>, now_secs: i64) -> Option<Snapshot> {
        let u = usage.usage.as_ref()?;
        let quota = u.quota.as_ref()?;
        let day_of = |text: &Option<String>| -> Option<String> {
            Some(format_date(parse_instant(text.as_deref()?).ok()?.secs))
        };
        Some(Snapshot {
            account_group: aid.map(str::to_string).filter(|a| !a.is_empty()),
            period_start: day_of(&quota.month_start)?,
            period_end: day_of(&quota.month_end)?,
            day: format_date(now_secs),
            taken_at: format_timestamp(now_secs),
            cloud_used: u.cloud_units_used.unwrap_or(0),
            cloud_projected: u.cloud_units_projected,
            cloud_quota: quota.cloud_units_included,
            enterprise_used: u.enterprise_units_used,
            enterprise_projected: u.enterprise_units_projected,
        })
    }

    /// What makes two snapshots the same slot: group, period and day.
    fn slot(&self) -> (&Option<String>, &str, &str) {
        (&self.account_group, &self.period_start, &self.day)
    }

    /// Why the snapshot cannot be true, if it cannot.
    fn check(&self) -> Result<(), String> {
        let day = |what: &str, text: &str| {
            parse_instant(text)
                .map(|i| i.secs.div_euclid(DAY))
                .map_err(|m| format!("{what}: {m}"))
        };
        let start = day("periodStart", &self.period_start)?;
        let end = day("periodEnd", &self.period_end)?;
        day("day", &self.day)?;
        parse_instant(&self.taken_at).map_err(|m| format!("takenAt: {m}"))?;
        if end <= start {
            return Err(format!(
                "the period {} – {} ends before it starts",
                self.period_start, self.period_end
            ));
        }
        let counts = [
            Some(self.cloud_used),
            self.cloud_projected,
            self.cloud_quota,
            self.enterprise_used,
            self.enterprise_projected,
        ];
        if counts.iter().flatten().any(|n| *n < 0) {
            return Err(format!("a negative count on {}", self.day));
        }
        Ok(())
    }
}

/// Adds `new` snapshots to `kept`: one per group, period and day, the later
/// one winning. Returns how many slots were new or changed.
pub fn merge(kept: &mut Vec<Snapshot>, new: impl IntoIterator<Item = Snapshot>) -> usize {
    let mut changed = 0;
    for s in new {
        match kept.iter_mut().find(|k| k.slot() == s.slot()) {
            Some(k) if k.taken_at < s.taken_at => {
                *k = s;
                changed += 1;
            }
            Some(_) => {}
            None => {
                kept.push(s);
                changed += 1;
            }
        }
    }
    kept.sort_by(|a, b| {
        (&a.account_group, &a.period_start, &a.day).cmp(&(
            &b.account_group,
            &b.period_start,
            &b.day,
        ))
    });
    changed
}

/// One day of a period, as seen that day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodDay {
    /// Days since the period started (0: its first day).
    pub index: i64,
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Cloud units used by then.
    pub used: i64,
    /// The projection that day.
    pub projected: Option<i64>,
}

/// A billing period, from its snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// First day after it.
    pub end: String,
    /// Its length in days.
    pub days: i64,
    /// Cloud units used, as of the latest snapshot.
    pub used: i64,
    /// The projection of the latest snapshot.
    pub projected: Option<i64>,
    /// The period's quota.
    pub quota: Option<i64>,
    /// Whether its figure is final: a snapshot came on its end day or
    /// later, or on its last day after [`FINAL_MIN_DAYS`] days seen.
    pub complete: bool,
    /// Whether it is over: final, or a later period has snapshots.
    pub ended: bool,
    /// Every day with a snapshot, in order.
    pub by_day: Vec<PeriodDay>,
}

/// The periods of one account group (`None`: the organization), oldest first.
pub fn periods(snapshots: &[Snapshot], group: Option<&str>) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    let day_number = |t: &str| parse_instant(t).map(|i| i.secs.div_euclid(DAY)).ok();
    let mut mine: Vec<&Snapshot> = snapshots
        .iter()
        .filter(|s| s.account_group.as_deref() == group)
        .collect();
    mine.sort_by(|a, b| (&a.period_start, &a.day).cmp(&(&b.period_start, &b.day)));
    for s in mine {
        let (Some(start), Some(end), Some(day)) = (
            day_number(&s.period_start),
            day_number(&s.period_end),
            day_number(&s.day),
        ) else {
            continue;
        };
        if out.last().map(|p| p.start.as_str()) != Some(s.period_start.as_str()) {
            out.push(Period {
                start: s.period_start.clone(),
                end: s.period_end.clone(),
                days: end - start,
                used: 0,
                projected: None,
                quota: None,
                complete: false,
                ended: false,
                by_day: Vec::new(),
            });
        }
        if let Some(p) = out.last_mut() {
            p.used = s.cloud_used;
            p.projected = s.cloud_projected;
            p.quota = s.cloud_quota.or(p.quota);
            p.by_day.push(PeriodDay {
                index: day - start,
                day: s.day.clone(),
                used: s.cloud_used,
                projected: s.cloud_projected,
            });
            p.complete = day >= end || (day == end - 1 && p.by_day.len() >= FINAL_MIN_DAYS);
        }
    }
    let later = out.len().saturating_sub(1);
    for (i, p) in out.iter_mut().enumerate() {
        p.ended = p.complete || i < later;
    }
    out
}

impl Period {
    /// Its state in words: `final`, `in progress`, or for a period that is
    /// over without a final figure, how much of it was seen.
    pub fn state_words(&self) -> String {
        if self.complete {
            "final".into()
        } else if self.ended {
            format!("ended, {} of {} days seen", self.by_day.len(), self.days)
        } else {
            "in progress".into()
        }
    }
}

/// The account groups with snapshots (`None`: the organization), organization first.
pub fn groups(snapshots: &[Snapshot]) -> Vec<Option<String>> {
    let mut all: Vec<Option<String>> = snapshots.iter().map(|s| s.account_group.clone()).collect();
    all.sort();
    all.dedup();
    all
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Export {
    format: String,
    version: u32,
    snapshots: Vec<Snapshot>,
}

/// The snapshots as a JSON document to keep or share (no token is ever in one).
pub fn export(snapshots: &[Snapshot]) -> String {
    serde_json::to_string(&Export {
        format: FORMAT.into(),
        version: VERSION,
        snapshots: snapshots.to_vec(),
    })
    .unwrap_or_default()
}

/// Reads an [`export`]: every snapshot checked, or why the file is not one.
pub fn import(text: &str) -> Result<Vec<Snapshot>, String> {
    let doc: Export = serde_json::from_str(text)
        .map_err(|e| format!("This is not a usage-lens snapshots file ({e})."))?;
    if doc.format != FORMAT {
        return Err(format!(
            "This file holds `{}`, not usage-lens ThousandEyes snapshots.",
            crate::error::snippet(&doc.format, 60)
        ));
    }
    if doc.version != VERSION {
        return Err(format!(
            "This file is version {} of the snapshots format; this usage-lens reads version {VERSION}.",
            doc.version
        ));
    }
    if doc.snapshots.len() > IMPORT_MAX {
        return Err(format!(
            "This file holds {} snapshots; at most {IMPORT_MAX} are taken at once.",
            doc.snapshots.len()
        ));
    }
    for (i, s) in doc.snapshots.iter().enumerate() {
        s.check()
            .map_err(|m| format!("Snapshot {} of the file is not valid: {m}.", i + 1))?;
    }
    Ok(doc.snapshots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(start: &str, end: &str, used: i64, projected: i64) -> Usage {
        serde_json::from_value(serde_json::json!({
            "usage": {
                "quota": { "monthStart": start, "monthEnd": end, "cloudUnitsIncluded": 1000 },
                "cloudUnitsUsed": used,
                "cloudUnitsProjected": projected,
                "enterpriseUnitsUsed": 5
            }
        }))
        .unwrap()
    }

    const DAY1: i64 = 1_780_272_000; // 2026-06-01T00:00:00Z

    fn snap(day: i64, used: i64) -> Snapshot {
        let (start, end) = if day < 30 {
            ("2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z")
        } else {
            ("2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z")
        };
        Snapshot::of(
            &usage(start, end, used, used * 2),
            None,
            DAY1 + day * DAY + 3600,
        )
        .unwrap()
    }

    #[test]
    fn an_answer_becomes_a_snapshot_of_its_period_and_day() {
        let s = Snapshot::of(
            &usage("2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z", 120, 900),
            Some("1234"),
            DAY1 + 4 * DAY + 60,
        )
        .unwrap();
        assert_eq!(s.period_start, "2026-06-01");
        assert_eq!(s.period_end, "2026-07-01");
        assert_eq!(s.day, "2026-06-05");
        assert_eq!(s.taken_at, "2026-06-05T00:01:00Z");
        assert_eq!(
            (s.cloud_used, s.cloud_projected, s.cloud_quota),
            (120, Some(900), Some(1000))
        );
        assert_eq!(s.account_group.as_deref(), Some("1234"));
        assert_eq!(
            Snapshot::of(&Usage::default(), None, DAY1),
            None,
            "no period, no snapshot"
        );
    }

    #[test]
    fn the_latest_answer_of_a_day_wins_and_days_add_up_to_periods() {
        let mut kept = Vec::new();
        assert_eq!(merge(&mut kept, [snap(0, 10), snap(1, 20), snap(31, 5)]), 3);
        let mut later = snap(1, 25);
        later.taken_at = "2026-06-02T23:00:00Z".into();
        assert_eq!(
            merge(&mut kept, [later, snap(0, 10)]),
            1,
            "an older or equal answer changes nothing"
        );
        let p = periods(&kept, None);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].start.as_str(), p[0].days, p[0].used),
            ("2026-06-01", 30, 25)
        );
        assert_eq!(
            p[0].by_day
                .iter()
                .map(|d| (d.index, d.used))
                .collect::<Vec<_>>(),
            [(0, 10), (1, 25)]
        );
        assert_eq!(
            (p[1].start.as_str(), p[1].used, p[1].quota),
            ("2026-07-01", 5, Some(1000))
        );
        assert!(!p[0].complete);
        assert!(
            periods(&kept, Some("1234")).is_empty(),
            "groups are kept apart"
        );
    }

    #[test]
    fn a_period_is_final_only_when_followed_to_its_end() {
        // One day seen, its last: it has ended, but one reading is not final.
        let p = periods(&[snap(29, 900), snap(31, 5)], None);
        assert!(!p[0].complete && p[0].ended);
        assert_eq!(p[0].state_words(), "ended, 1 of 30 days seen");
        assert_eq!(p[1].state_words(), "in progress");
        // Six days up to the last: still not final; seven: final.
        let six: Vec<Snapshot> = (24..30).map(|d| snap(d, d * 10)).collect();
        assert_eq!(periods(&six, None)[0].state_words(), "in progress");
        let seven: Vec<Snapshot> = (23..30).map(|d| snap(d, d * 10)).collect();
        let p = periods(&seven, None);
        assert!(p[0].complete, "{p:?}");
        assert_eq!(p[0].state_words(), "final");
        // Seven days that stop before the last one: over once July is seen.
        let early: Vec<Snapshot> = (0..7).map(|d| snap(d, d)).chain([snap(40, 1)]).collect();
        let p = periods(&early, None);
        assert_eq!(p[0].state_words(), "ended, 7 of 30 days seen");
        // A snapshot on the end day itself (an import, a late answer): final.
        let mut at_end = snap(29, 900);
        at_end.day = "2026-07-01".into();
        assert_eq!(periods(&[at_end], None)[0].state_words(), "final");
    }

    #[test]
    fn snapshots_round_trip_through_an_export() {
        let mut kept = Vec::new();
        merge(&mut kept, (0..40).map(|d| snap(d, d * 7)));
        let text = export(&kept);
        assert_eq!(import(&text).unwrap(), kept);
        assert!(!text.contains("token"));
    }

    #[test]
    fn a_file_that_is_not_an_export_is_refused_in_words() {
        assert!(import("not json")
            .unwrap_err()
            .contains("not a usage-lens snapshots file"));
        assert!(import(r#"{"format":"x","version":1,"snapshots":[]}"#)
            .unwrap_err()
            .contains("`x`"));
        let v2 = export(&[]).replace("\"version\":1", "\"version\":2");
        assert!(import(&v2).unwrap_err().contains("version 2"));
        let mut bad = snap(0, 10);
        bad.cloud_used = -1;
        assert!(import(&export(&[bad])).unwrap_err().contains("Snapshot 1"));
        let mut backwards = snap(0, 10);
        backwards.period_end = "2026-05-01".into();
        assert!(import(&export(&[backwards]))
            .unwrap_err()
            .contains("ends before it starts"));
    }
}
