//! How often and how long to retry.

/// Bounds for retries. Rate-limit waits come from the vendor's rules; this
/// policy bounds how many there may be and backs off server and network
/// failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after 429 before giving up with `rateLimited`.
    pub max_rate_limit_retries: u32,
    /// A 429 asking to wait longer than this is not waited out.
    pub max_rate_limit_wait_ms: u64,
    /// Retries after 500/502/503/504 or a network failure.
    pub max_failure_retries: u32,
    /// First backoff after a failure; doubles each time.
    pub failure_base_ms: u64,
    /// Longest backoff after a failure.
    pub failure_cap_ms: u64,
    /// A request with no answer after this long is given up on and counts
    /// as a dropped connection (retried like one).
    pub stall_ms: u64,
    /// Add up to 10% random jitter to every wait.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_rate_limit_retries: 10,
            max_rate_limit_wait_ms: 180_000,
            max_failure_retries: 4,
            failure_base_ms: 1_000,
            failure_cap_ms: 30_000,
            stall_ms: 60_000,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The backoff before failure retry number `n` (0-based).
    pub fn failure_backoff_ms(&self, n: u32) -> u64 {
        exponential(self.failure_base_ms, n, self.failure_cap_ms)
    }

    /// The same policy without jitter, for exact tests.
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }
}

/// `base · 2^n`, capped.
pub fn exponential(base_ms: u64, n: u32, cap_ms: u64) -> u64 {
    base_ms
        .saturating_mul(1u64.checked_shl(n.min(40)).unwrap_or(u64::MAX))
        .min(cap_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy::default();
        let waits: Vec<u64> = (0..7).map(|n| p.failure_backoff_ms(n)).collect();
        assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
        assert_eq!(exponential(5_000, 100, 60_000), 60_000);
    }
}
