//! A per-client request budget: at most `limit` requests in any sliding
//! window, and a pause until the vendor's window resets when its headers say
//! the allowance is nearly spent.
//!
//! One budget is shared by every query a client runs, so twenty queries
//! started at once still stay under the vendor's per-token (Genesys) or
//! per-organization (ThousandEyes) limit.

use std::collections::VecDeque;

/// What a response's rate-limit headers said, when the browser could read them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BudgetHint {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets, Unix milliseconds.
    pub reset_at_ms: Option<u64>,
}

/// The sliding-window budget.
#[derive(Clone, Debug)]
pub struct RateBudget {
    limit: u64,
    window_ms: u64,
    reserve: u64,
    sent: VecDeque<u64>,
    blocked_until_ms: u64,
    vendor_limit: Option<u64>,
}

impl RateBudget {
    /// At most `limit` requests per `window_ms`; when the vendor reports at
    /// most `reserve` requests left, wait for its reset.
    pub fn new(limit: u64, window_ms: u64, reserve: u64) -> Self {
        RateBudget {
            limit: limit.max(1),
            window_ms,
            reserve,
            sent: VecDeque::new(),
            blocked_until_ms: 0,
            vendor_limit: None,
        }
    }

    /// A budget of `limit` requests a minute, two of them kept in reserve,
    /// ready to share between the clients of one token or organization.
    pub fn shared_per_minute(limit: u64) -> std::rc::Rc<std::cell::RefCell<RateBudget>> {
        std::rc::Rc::new(std::cell::RefCell::new(RateBudget::new(limit, 60_000, 2)))
    }

    /// The current limit per window.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the limit per window (what the vendor says this token gets,
    /// less a margin).
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit.max(1);
    }

    /// Keeps `vendor_limit`, what the vendor says the token gets, and keeps
    /// `budget` requests per window under it.
    pub fn set_vendor_limit(&mut self, vendor_limit: u64, budget: u64) {
        self.vendor_limit = Some(vendor_limit);
        self.set_limit(budget);
    }

    /// What the vendor said the token gets per window, when it was read.
    pub fn vendor_limit(&self) -> Option<u64> {
        self.vendor_limit
    }

    fn forget_old(&mut self, now_ms: u64) {
        while let Some(&t) = self.sent.front() {
            if t.saturating_add(self.window_ms) <= now_ms {
                self.sent.pop_front();
            } else {
                break;
            }
        }
    }

    /// How long to wait before the next request may go out.
    pub fn wait_ms(&self, now_ms: u64) -> u64 {
        let blocked = self.blocked_until_ms.saturating_sub(now_ms);
        let in_window: Vec<u64> = self
            .sent
            .iter()
            .copied()
            .filter(|&t| t.saturating_add(self.window_ms) > now_ms)
            .collect();
        let full = if in_window.len() as u64 >= self.limit {
            // The oldest request that must leave the window before one more fits.
            let idx = in_window.len() - self.limit as usize;
            in_window.get(idx).map_or(0, |&t| {
                t.saturating_add(self.window_ms).saturating_sub(now_ms)
            })
        } else {
            0
        };
        blocked.max(full)
    }

    /// Books one request sent at `now_ms`.
    pub fn record(&mut self, now_ms: u64) {
        self.forget_old(now_ms);
        self.sent.push_back(now_ms);
    }

    /// Learns from the vendor's headers: a lower limit, or a nearly spent window.
    pub fn observe(&mut self, hint: &BudgetHint, now_ms: u64) {
        if let Some(limit) = hint.limit {
            if limit > 0 && limit < self.limit {
                self.limit = limit;
            }
        }
        if let (Some(remaining), Some(reset)) = (hint.remaining, hint.reset_at_ms) {
            // Never wait longer than one window on the word of a header.
            let reset = reset.min(now_ms.saturating_add(self.window_ms));
            if remaining <= self.reserve && reset > now_ms {
                self.blocked_until_ms = self.blocked_until_ms.max(reset);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_never_holds_more_than_the_limit() {
        let mut b = RateBudget::new(3, 60_000, 0);
        let mut now = 0;
        let mut sent = Vec::new();
        for _ in 0..10 {
            let w = b.wait_ms(now);
            now += w;
            b.record(now);
            sent.push(now);
        }
        for (i, &t) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().filter(|&&u| u < t + 60_000).count();
            assert!(in_window <= 3, "{sent:?}");
        }
        assert_eq!(&sent[..4], &[0, 0, 0, 60_000]);
    }

    #[test]
    fn a_nearly_spent_window_waits_for_the_reset() {
        let mut b = RateBudget::new(100, 60_000, 2);
        b.observe(
            &BudgetHint {
                limit: None,
                remaining: Some(1),
                reset_at_ms: Some(5_000),
            },
            1_000,
        );
        assert_eq!(b.wait_ms(1_000), 4_000);
        assert_eq!(b.wait_ms(5_000), 0);
    }

    #[test]
    fn a_reported_limit_lowers_the_budget_and_absurd_resets_are_capped() {
        let mut b = RateBudget::new(280, 60_000, 2);
        b.observe(
            &BudgetHint {
                limit: Some(180),
                remaining: Some(0),
                reset_at_ms: Some(u64::MAX),
            },
            0,
        );
        assert_eq!(b.limit(), 180);
        assert_eq!(b.wait_ms(0), 60_000);
    }
}
