//! The shell every vendor client shares: where its requests go, whom they act
//! as, its connection (transport, clock, rules, rate budget, retry policy) and
//! its poll schedule. Each vendor adds `new` and its flows in its own module
//! (`genesys::Client`, `thousandeyes::Client`).

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use super::poll::PollSchedule;
use super::{Connection, RateBudget, RetryPolicy, VendorRules};
use crate::http::{AccessToken, Clock, Transport};

/// A usage client of the vendor whose rules are `R`.
pub struct Client<R: 'static, T: Transport, C: Clock> {
    pub(crate) base: String,
    pub(crate) token: AccessToken,
    pub(crate) conn: Connection<T, C>,
    pub(crate) schedule: PollSchedule,
    rules: PhantomData<&'static R>,
}

impl<R: VendorRules + 'static, T: Transport, C: Clock> Client<R, T, C> {
    /// A client of `base` (already checked) with `token`, allowing itself
    /// `requests_per_minute` under the vendor's `rules`.
    pub(crate) fn assemble(
        base: String,
        token: AccessToken,
        rules: &'static R,
        requests_per_minute: u64,
        transport: T,
        clock: C,
    ) -> Self {
        Client {
            base,
            token,
            conn: Connection::new(transport, clock, rules, requests_per_minute),
            schedule: PollSchedule::default(),
            rules: PhantomData,
        }
    }

    /// Shares a rate budget with other clients of the same token (Genesys
    /// Cloud) or organization (ThousandEyes).
    pub fn with_budget(mut self, budget: Rc<RefCell<RateBudget>>) -> Self {
        self.conn = self.conn.with_budget(budget);
        self
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &T {
        self.conn.transport()
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.conn = self.conn.with_retry_policy(policy);
        self
    }

    /// Replaces the poll schedule (for the flows that poll).
    pub fn with_poll_schedule(mut self, schedule: PollSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// The API base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base
    }
}
