//! When to check on a running query.
//!
//! One check right after submission reads an answer the server already has
//! (a small query, a warm cache, the simulator) without waiting at all. Later
//! checks fall on a geometric grid measured from submission: the first after
//! `first_ms`, each later one `factor` times further out, with the gap between
//! checks capped. A query that finishes at time T is therefore seen at most
//! `factor − 1` of T late (about 30% at worst, 14% on average over log-uniform
//! completion times) with far fewer requests than a fixed interval; see
//! `make bench`.
//!
//! [`Run::poll_until_done`] is the one loop that waits and checks: a vendor
//! supplies only the check.

use super::{Phase, Run};
use crate::error::Result;
use crate::http::{Clock, Transport};

/// A poll schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollSchedule {
    /// Whether to check once as soon as the submission is answered, before
    /// the grid starts.
    pub at_once: bool,
    /// The first check on the grid, in ms after submission.
    pub first_ms: u64,
    /// Each later check is this many times further from submission.
    pub factor: f64,
    /// The longest gap between two checks.
    pub cap_ms: u64,
    /// The shortest gap between two checks.
    pub min_gap_ms: u64,
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule {
            at_once: true,
            first_ms: 1_500,
            factor: 1.3,
            cap_ms: 45_000,
            min_gap_ms: 250,
        }
    }
}

/// What one status check found.
#[derive(Clone, Debug, PartialEq)]
pub enum Check<T> {
    /// The query is still running (or its status is one this version does
    /// not know): check again on the schedule.
    Running,
    /// The query is done, with this answer.
    Done(T),
}

impl PollSchedule {
    /// The grid of check times (ms after submission) that follow `elapsed_ms`:
    /// the first grid point at least `min_gap_ms` later.
    pub fn next_check_at(&self, elapsed_ms: u64) -> u64 {
        let earliest = elapsed_ms.saturating_add(self.min_gap_ms.max(1));
        let factor = if self.factor.is_finite() && self.factor > 1.0 {
            self.factor
        } else {
            1.3
        };
        let mut t = self.first_ms.max(1) as f64;
        // Bounded: the grid grows geometrically until the cap, then linearly.
        for _ in 0..10_000 {
            if t >= earliest as f64 {
                return t.round() as u64;
            }
            let gap = (t * (factor - 1.0)).min(self.cap_ms as f64);
            if gap >= self.cap_ms as f64 {
                // Linear from here on: jump straight to the right step.
                let steps = ((earliest as f64 - t) / gap).ceil().max(1.0);
                return (t + steps * gap).round() as u64;
            }
            t += gap;
        }
        earliest.max(self.first_ms)
    }

    /// How long to wait before the next check, now that `checks_done` checks
    /// have been made and `elapsed_ms` have passed since submission.
    pub fn delay_ms(&self, checks_done: u32, elapsed_ms: u64) -> u64 {
        if self.at_once && checks_done == 0 {
            return 0;
        }
        self.next_check_at(elapsed_ms) - elapsed_ms
    }
}

impl<T: Transport, C: Clock> Run<'_, T, C> {
    /// Checks a query submitted just now on `schedule` until `check` finds
    /// it done, showing every wait as progress (`waiting`, `nextPollInMs`,
    /// `polls`). Waits never run past the run's time limit, and cancelling
    /// the run ends them.
    pub async fn poll_until_done<R>(
        &self,
        schedule: &PollSchedule,
        mut check: impl AsyncFnMut() -> Result<Check<R>>,
    ) -> Result<R> {
        let submitted = self.elapsed_ms();
        let mut checks = 0u32;
        loop {
            let since = self.elapsed_ms().saturating_sub(submitted);
            let delay = schedule.delay_ms(checks, since);
            self.update(|p| {
                p.phase = Phase::Waiting;
                p.next_poll_in_ms = Some(delay);
            });
            self.sleep(delay).await?;
            self.update(|p| {
                p.polls += 1;
                p.next_poll_in_ms = None;
            });
            checks = checks.saturating_add(1);
            if let Check::Done(answer) = check().await? {
                return Ok(answer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_start_soon_and_spread_out_up_to_the_cap() {
        let s = PollSchedule::default();
        let mut t = 0;
        let mut grid = Vec::new();
        while t < 600_000 {
            t = s.next_check_at(t);
            grid.push(t);
        }
        assert_eq!(&grid[..4], &[1_500, 1_950, 2_535, 3_296]);
        let gaps: Vec<u64> = grid.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "{gaps:?}");
        assert!(gaps.iter().all(|&g| g <= 45_000));
        assert_eq!(*gaps.last().unwrap(), 45_000);
        assert!(grid.len() < 35, "{} checks in 10 minutes", grid.len());
    }

    #[test]
    fn a_late_answer_never_causes_a_burst() {
        let s = PollSchedule::default();
        // The previous check took long: the next one is still min_gap later.
        assert!(s.delay_ms(1, 1_490) >= 250);
        assert_eq!(s.delay_ms(1, 0), 1_500);
    }

    #[test]
    fn the_first_check_is_at_once_unless_turned_off() {
        let s = PollSchedule::default();
        assert_eq!(s.delay_ms(0, 0), 0);
        assert_eq!(s.delay_ms(0, 40), 0);
        assert_eq!(s.delay_ms(1, 40), 1_460);
        let s = PollSchedule {
            at_once: false,
            ..PollSchedule::default()
        };
        assert_eq!(s.delay_ms(0, 0), 1_500);
    }

    #[test]
    fn odd_settings_do_not_loop_forever() {
        let s = PollSchedule {
            at_once: false,
            first_ms: 0,
            factor: f64::NAN,
            cap_ms: 0,
            min_gap_ms: 0,
        };
        let _ = s.next_check_at(10_000);
        let s = PollSchedule {
            factor: 1.0000001,
            ..PollSchedule::default()
        };
        assert!(s.next_check_at(u64::MAX / 4) >= u64::MAX / 4);
    }
}
