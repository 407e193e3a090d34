//! What Demo's History shows on first use: the simulator's usage answers of
//! the past billing periods, as snapshots. Pure over the simulator: tested
//! natively.

use super::conn::DEMO_BASE;
use crate::analysis::history::Snapshot;
use crate::error::{decode_json, Vendor};
use crate::http::AccessToken;
use crate::sim::Sim;
use crate::thousandeyes::{requests::Builder, resolve_base, Usage, UsageParams};
use crate::time::DAY;

/// Past billing periods the simulator offers in Demo, each seen whole.
pub const DEMO_PAST_PERIODS: usize = 6;

/// The seed of Demo's simulator: the same organizations on every visit.
pub const DEMO_SEED: u64 = 20_260_701;

/// The simulator's usage answer at noon of every day (and at `now_secs`
/// for today) of the last [`DEMO_PAST_PERIODS`] periods and the current
/// one, as snapshots, oldest first. Older days are asked too, then dropped,
/// so that the oldest period kept is seen from its first day.
///
/// It asks a simulator of its own (Demo's seed, so the same data): going
/// back in time on Demo's, after the overview's requests of today, would
/// run into its per-minute rate window and lose the latest days.
pub fn demo_snapshots(now_secs: i64) -> Vec<Snapshot> {
    let mut sim = Sim::new(DEMO_SEED);
    let (Ok(base), Ok(token)) = (resolve_base(Some(DEMO_BASE)), AccessToken::new("demo")) else {
        return Vec::new();
    };
    let Ok(request) = Builder::new(&base, &token).usage(&UsageParams::default()) else {
        return Vec::new();
    };
    let today = now_secs.div_euclid(DAY);
    // A period is at most 31 days long: one more than needed, and a margin.
    let first = today - (DEMO_PAST_PERIODS as i64 + 2) * 31;
    let all: Vec<Snapshot> = (first..=today)
        .filter_map(|day| {
            let at = (day * DAY + DAY / 2).min(now_secs);
            let response = sim.handle(&request, (at.max(0) * 1000) as u64);
            let usage: Usage = decode_json(&response.body, Vendor::ThousandEyes, "usage").ok()?;
            Snapshot::of(&usage, None, at)
        })
        .collect();
    let mut starts: Vec<&str> = all.iter().map(|s| s.period_start.as_str()).collect();
    starts.dedup();
    let oldest = starts
        .len()
        .checked_sub(DEMO_PAST_PERIODS + 1)
        .and_then(|i| starts.get(i))
        .map(|s| s.to_string())
        .unwrap_or_default();
    all.into_iter()
        .filter(|s| s.period_start >= oldest)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::history::periods;
    use crate::time::{days_from_civil, DAY};

    /// The seconds of `y-m-d` at `hour` UTC.
    fn at(y: i64, m: u32, d: u32, hour: i64) -> i64 {
        days_from_civil(y, m, d) * DAY + hour * 3600
    }

    #[test]
    fn demo_offers_exactly_six_past_periods_each_seen_whole_and_the_current_one() {
        // Around the simulator's period start (the 5th, 08:00 UTC), at the
        // ends of short and long months and of the year.
        let nows = [
            at(2026, 12, 7, 21),
            at(2026, 12, 5, 5),
            at(2026, 12, 5, 9),
            at(2026, 12, 4, 23),
            at(2027, 1, 1, 0),
            at(2027, 3, 1, 12),
            at(2027, 3, 31, 12),
            at(2028, 2, 29, 12),
        ];
        for now in nows {
            let all = periods(&demo_snapshots(now), None);
            let (current, past) = all.split_last().expect("a current period");
            assert_eq!(past.len(), 6, "past periods at {now}: {all:#?}");
            for p in past {
                assert_eq!(p.state_words(), "final", "{} at {now}", p.start);
                assert_eq!(p.by_day.len() as i64, p.days, "{} seen whole", p.start);
            }
            assert_eq!(
                current.by_day.last().map(|d| d.day.clone()),
                Some(crate::time::format_date(now)),
                "today's answer is the current period's latest"
            );
        }
    }
}
