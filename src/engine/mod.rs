//! The vendor-neutral engine: one request with retries and a rate budget
//! ([`Run::send`]), and the two drivers every vendor flow runs through: the
//! poll loop ([`Run::poll_until_done`], [`poll`]) and the page walk
//! ([`Run::follow_pages`], [`page`]).
//!
//! Everything takes the transport and the clock as arguments, so every timing
//! rule is tested natively on a virtual clock.

pub mod budget;
pub mod client;
pub mod page;
pub mod parts;
pub mod poll;
pub mod retry;
pub mod token;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::error::{snippet, Error, ErrorKind, Result, Vendor};
use crate::http::{path_of, Clock, HttpRequest, HttpResponse, Transport, TransportError};

pub use budget::{BudgetHint, RateBudget};
pub use client::Client;
pub(crate) use page::paged;
pub use page::{Paged, Pager, PagerStep, WalkEnd};
pub use parts::{PARTS_AT_ONCE, PARTS_AT_ONCE_RANGE};
pub use poll::{Check, PollSchedule};
pub use retry::RetryPolicy;
pub use token::{TokenSource, TokenStep};

/// What a run is doing right now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub enum Phase {
    /// Sending the query.
    #[default]
    Submitting,
    /// Waiting for the vendor to finish the query (polling).
    Waiting,
    /// Fetching pages of results.
    Paging,
    /// Waiting before a retry (rate limit, server error or network failure).
    Retrying,
    /// Finished.
    Done,
}

/// A progress report, sent to `onProgress` whenever something changes.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct Progress {
    /// What is happening.
    pub phase: Phase,
    /// Status checks sent so far.
    pub polls: u32,
    /// Result pages received so far.
    pub pages: u32,
    /// Rows received so far.
    pub rows: u64,
    /// Requests sent so far, retries included.
    pub requests: u32,
    /// Retries so far.
    pub retries: u32,
    /// Milliseconds since the run started.
    pub elapsed_ms: u64,
    /// When the next status check is due, in milliseconds from now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_poll_in_ms: Option<u64>,
    /// When a retry is due, as Unix milliseconds (shown as a clock time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_at_ms: Option<u64>,
    /// Why the run is retrying, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_reason: Option<String>,
    /// For a query run in parts (a search split to stay under the vendor's
    /// record cap, a jobs interval longer than one job): parts finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts_done: Option<u32>,
    /// For a query run in parts: parts in all (a split search's grows as
    /// parts are split further).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts_total: Option<u32>,
    /// Set when the vendor's record cap was reached and rows may be missing.
    pub capped: bool,
}

/// A progress callback.
pub type ProgressFn = Rc<dyn Fn(&Progress)>;

/// Rows per page a caller may ask for, where the vendor lets it choose.
pub const PAGE_SIZE: std::ops::RangeInclusive<u32> = 1..=1000;

/// The time limit a caller may set, in milliseconds: up to a day.
pub const TIMEOUT_MS: std::ops::RangeInclusive<u32> = 1..=86_400_000;

/// Options for one call.
#[derive(Clone, Default)]
pub struct RunOptions {
    /// Give up (error kind `timeout`) after this many milliseconds.
    pub timeout_ms: Option<u64>,
    /// Rows per page where the vendor lets the client choose (1..=1000).
    pub page_size: Option<u32>,
    /// Genesys simple search: when a search reaches the 20,000-record cap,
    /// split the interval in halves until every part is under the cap.
    pub split_on_cap: bool,
    /// A query the vendor answers in parts (a Genesys jobs interval longer
    /// than one job allows): how many parts run at once (default
    /// [`PARTS_AT_ONCE`]; 1 runs them one after another).
    pub parts_at_once: Option<u32>,
    /// Called on every change of progress.
    pub on_progress: Option<ProgressFn>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("timeout_ms", &self.timeout_ms)
            .field("page_size", &self.page_size)
            .field("split_on_cap", &self.split_on_cap)
            .field("parts_at_once", &self.parts_at_once)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

impl RunOptions {
    /// Checks the options: page size 1..=1000, a positive timeout of at most a
    /// day, parts at once within [`PARTS_AT_ONCE_RANGE`].
    pub fn validate(&self) -> Result<()> {
        if let Some(p) = self.page_size {
            if !PAGE_SIZE.contains(&p) {
                return Err(Error::invalid_input(format!(
                    "pageSize must be between {} and {}, not {p}",
                    PAGE_SIZE.start(),
                    PAGE_SIZE.end()
                )));
            }
        }
        if let Some(t) = self.timeout_ms {
            if !(u64::from(*TIMEOUT_MS.start())..=u64::from(*TIMEOUT_MS.end())).contains(&t) {
                return Err(Error::invalid_input(format!(
                    "timeoutMs must be between {} and {} milliseconds (a day), not {t}",
                    TIMEOUT_MS.start(),
                    TIMEOUT_MS.end()
                )));
            }
        }
        if let Some(n) = self.parts_at_once {
            if !PARTS_AT_ONCE_RANGE.contains(&n) {
                return Err(Error::invalid_input(format!(
                    "partsAtOnce must be between {} and {}, not {n}",
                    PARTS_AT_ONCE_RANGE.start(),
                    PARTS_AT_ONCE_RANGE.end()
                )));
            }
        }
        Ok(())
    }
}

/// What a vendor's error body says: its message, its error code and the
/// correlation id it carries (when the response has no header for it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Said {
    /// The vendor's own words.
    pub message: Option<String>,
    /// The vendor's error code.
    pub code: Option<String>,
    /// The id that finds the request in the vendor's logs.
    pub correlation_id: Option<String>,
    /// The rate limit a 429 body names (requests per window), when it names one.
    pub limit: Option<u64>,
}

/// The vendor-specific rules the engine consults: how to read rate-limit
/// signals and how to turn a final non-2xx response into an [`Error`].
pub trait VendorRules {
    /// Which vendor.
    fn vendor(&self) -> Vendor;
    /// How long to wait after a 429 on the given attempt (0-based), and why.
    fn rate_limit_wait_ms(&self, response: &HttpResponse, attempt: u32, now_ms: u64) -> u64;
    /// Rate-limit headers of any response, for the budget.
    fn budget_hint(&self, response: &HttpResponse, now_ms: u64) -> BudgetHint;
    /// What an error body says.
    fn said(&self, body: &str) -> Said;
    /// The response header with the correlation id.
    fn correlation_header(&self) -> &'static str;
    /// What a final status means and what to do about it, for a request to
    /// `path` (one or two sentences, without the vendor's own words).
    fn advice(&self, status: u16, path: &str, said: &Said) -> String;
    /// What to check when the vendor cannot be reached at all.
    fn unreachable_advice(&self) -> &'static str;

    /// The error for a response that will not be retried: the advice, then
    /// the vendor's own words, with the correlation id. `known_limit` is the
    /// rate limit read from the vendor, for a body that names none.
    fn error_for(
        &self,
        response: &HttpResponse,
        request: &HttpRequest,
        known_limit: Option<u64>,
    ) -> Error {
        let mut said = self.said(&response.body);
        said.limit = said.limit.or(known_limit);
        let quote = said
            .message
            .as_deref()
            .map(|m| format!(" {} said: \"{}\"", self.vendor(), snippet(m, 300)))
            .unwrap_or_default();
        let advice = self.advice(response.status, path_of(&request.url), &said);
        let correlation_id = response
            .header(self.correlation_header())
            .map(str::to_string)
            .or(said.correlation_id);
        Error::from_response(
            self.vendor(),
            response.status,
            &response.body,
            format!("{advice}{quote}"),
            correlation_id,
        )
    }

    /// The error for a request that got no response at all.
    fn network_error(&self, detail: &str) -> Error {
        Error::new(
            ErrorKind::Network,
            format!(
                "Could not reach {} ({detail}). {}",
                self.vendor(),
                self.unreachable_advice()
            ),
        )
        .with_vendor(self.vendor())
    }
}

/// What every call of one client shares: the transport, the clock, the
/// vendor's rules, the rate budget (which clients of one token or
/// organization may share) and the retry policy.
pub struct Connection<T: Transport, C: Clock> {
    transport: T,
    clock: C,
    rules: &'static dyn VendorRules,
    budget: Rc<RefCell<RateBudget>>,
    policy: RetryPolicy,
    tokens: Option<Rc<dyn TokenSource>>,
}

impl<T: Transport, C: Clock> Connection<T, C> {
    /// A connection with its own budget of `requests_per_minute` and the
    /// default retry policy.
    pub fn new(
        transport: T,
        clock: C,
        rules: &'static dyn VendorRules,
        requests_per_minute: u64,
    ) -> Self {
        Connection {
            transport,
            clock,
            rules,
            budget: RateBudget::shared_per_minute(requests_per_minute),
            policy: RetryPolicy::default(),
            tokens: None,
        }
    }

    /// Takes the bearer of every request from `source` (which renews it).
    pub fn with_token_source(mut self, source: Rc<dyn TokenSource>) -> Self {
        self.tokens = Some(source);
        self
    }

    /// The token source, when the bearer renews itself.
    pub fn token_source(&self) -> Option<&Rc<dyn TokenSource>> {
        self.tokens.as_ref()
    }

    /// The shared rate budget.
    pub fn budget(&self) -> &Rc<RefCell<RateBudget>> {
        &self.budget
    }

    /// Shares a rate budget with other connections.
    pub fn with_budget(mut self, budget: Rc<RefCell<RateBudget>>) -> Self {
        self.budget = budget;
        self
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The current time, Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// Starts a call.
    pub fn run<'a>(&'a self, opts: &'a RunOptions) -> Run<'a, T, C> {
        Run::new(self, opts)
    }
}

/// One call in progress: the connection it runs on, the caller's options and
/// the progress so far.
pub struct Run<'a, T: Transport, C: Clock> {
    conn: &'a Connection<T, C>,
    opts: &'a RunOptions,
    started_ms: u64,
    progress: RefCell<Progress>,
    rng: Cell<u64>,
}

impl<'a, T: Transport, C: Clock> Run<'a, T, C> {
    /// Starts a run now.
    pub fn new(conn: &'a Connection<T, C>, opts: &'a RunOptions) -> Self {
        let started_ms = conn.clock.now_ms();
        Run {
            conn,
            opts,
            started_ms,
            progress: RefCell::new(Progress::default()),
            rng: Cell::new(started_ms ^ 0x9E37_79B9_7F4A_7C15),
        }
    }

    /// The caller's options.
    pub fn options(&self) -> &RunOptions {
        self.opts
    }

    /// The current time, Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.conn.clock.now_ms()
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> u64 {
        self.now_ms().saturating_sub(self.started_ms)
    }

    /// A copy of the progress so far.
    pub fn progress(&self) -> Progress {
        self.progress.borrow().clone()
    }

    /// Changes the progress and tells the caller.
    pub fn update(&self, f: impl FnOnce(&mut Progress)) {
        let snapshot = {
            let mut p = self.progress.borrow_mut();
            f(&mut p);
            p.elapsed_ms = self.now_ms().saturating_sub(self.started_ms);
            p.clone()
        };
        if let Some(cb) = &self.opts.on_progress {
            cb(&snapshot);
        }
    }

    /// A pseudo-random number in `0..n` for jitter (deterministic per run start).
    pub fn jitter(&self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // xorshift64*
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }

    fn deadline_ms(&self) -> Option<u64> {
        self.opts
            .timeout_ms
            .map(|t| self.started_ms.saturating_add(t))
    }

    /// The error for a run past its time limit.
    pub fn timeout_error(&self) -> Error {
        let limit = self.opts.timeout_ms.unwrap_or(0);
        Error::new(
            ErrorKind::Timeout,
            format!(
                "{} did not finish within the time limit of {} s. Try a shorter interval, fewer groupings, or a longer timeout.",
                self.conn.rules.vendor(),
                limit / 1000
            ),
        )
        .with_vendor(self.conn.rules.vendor())
    }

    fn aborted_error(&self) -> Error {
        Error::new(ErrorKind::Aborted, "The run was cancelled.")
            .with_vendor(self.conn.rules.vendor())
    }

    fn map_transport(&self, e: TransportError) -> Error {
        match e {
            TransportError::Aborted => self.aborted_error(),
            TransportError::Timeout => self.timeout_error(),
            TransportError::Network(d) => self.conn.rules.network_error(&d),
        }
    }

    /// Waits `ms`, but never past the time limit: if the wait would end after
    /// it, waits until the limit and returns a `timeout` error.
    pub async fn sleep(&self, ms: u64) -> Result<()> {
        if ms == 0 {
            return Ok(());
        }
        match self.deadline_ms() {
            Some(deadline) => {
                let now = self.now_ms();
                if now.saturating_add(ms) > deadline {
                    let rest = deadline.saturating_sub(now);
                    self.conn
                        .clock
                        .sleep(rest)
                        .await
                        .map_err(|e| self.map_transport(e))?;
                    return Err(self.timeout_error());
                }
                self.conn
                    .clock
                    .sleep(ms)
                    .await
                    .map_err(|e| self.map_transport(e))
            }
            None => self
                .conn
                .clock
                .sleep(ms)
                .await
                .map_err(|e| self.map_transport(e)),
        }
    }

    /// Sends one request, giving up when no answer comes within the stall
    /// limit (a network failure, retried like a dropped connection) or
    /// before the run's time limit (a timeout). Giving up drops the request
    /// future, which cancels the request in flight.
    async fn send_once(
        &self,
        request: &HttpRequest,
    ) -> std::result::Result<HttpResponse, TransportError> {
        let stall = self.conn.policy.stall_ms.max(1);
        let left = self.deadline_ms().map(|d| d.saturating_sub(self.now_ms()));
        let limit = left.map_or(stall, |l| l.min(stall));
        match first_of(
            self.conn.transport.send(request),
            self.conn.clock.timer(limit),
        )
        .await
        {
            Either::First(outcome) => outcome,
            Either::Second(Err(e)) => Err(e),
            Either::Second(Ok(())) if left.is_some_and(|l| l <= stall) => {
                Err(TransportError::Timeout)
            }
            Either::Second(Ok(())) => Err(TransportError::Network(format!(
                "no answer within {} s",
                stall / 1000
            ))),
        }
    }

    /// The rate limit the vendor said this token gets, when it was read.
    fn known_limit(&self) -> Option<u64> {
        self.conn.budget.borrow().vendor_limit()
    }

    /// Waits until the rate budget allows one more request, and books it.
    async fn take_budget(&self) -> Result<()> {
        loop {
            let now = self.now_ms();
            let wait = self.conn.budget.borrow().wait_ms(now);
            if wait == 0 {
                self.conn.budget.borrow_mut().record(now);
                return Ok(());
            }
            self.sleep(wait).await?;
        }
    }

    /// The request with the token source's bearer (fetching a token first
    /// when it has none that is still good), or `None` without a source. A
    /// token request that gets no answer is tried again as an API call would
    /// be (the retry policy's failure backoff).
    async fn authorize(&self, request: &HttpRequest) -> Result<Option<HttpRequest>> {
        let Some(source) = self.conn.tokens.as_deref() else {
            return Ok(None);
        };
        let mut failed = 0u32;
        loop {
            match source.step(self.now_ms()) {
                TokenStep::Use(value) => {
                    return Ok(Some(token::with_authorization(request, &value)))
                }
                TokenStep::Wait(ms) => self.sleep(ms.max(1)).await?,
                TokenStep::Fetch(token_request, fetch) => {
                    let guard = token::FetchGuard { source, fetch };
                    let outcome = self.send_once(&token_request).await;
                    drop(guard);
                    match outcome {
                        Ok(response) => {
                            if let Some(value) = source.read(fetch, &response, self.now_ms())? {
                                return Ok(Some(token::with_authorization(request, &value)));
                            }
                        }
                        Err(TransportError::Network(detail)) => {
                            if failed >= self.conn.policy.max_failure_retries {
                                return Err(self.conn.rules.network_error(&detail));
                            }
                            failed += 1;
                            self.sleep(self.conn.policy.failure_backoff_ms(failed - 1))
                                .await?;
                        }
                        Err(e) => return Err(self.map_transport(e)),
                    }
                }
            }
        }
    }

    /// After a 401: whether a token source forgot the token so that the
    /// request may be sent once more with a new one.
    fn forget_token(&self, request: &HttpRequest) -> bool {
        match (
            self.conn.tokens.as_deref(),
            request.header_value("authorization"),
        ) {
            (Some(source), Some(value)) => {
                source.forget(value);
                true
            }
            _ => false,
        }
    }

    /// Sends one request within the rate budget, retrying 429s, 5xx and
    /// network failures as the retry policy says, and returns the first 2xx
    /// response. Any other status becomes the vendor's error.
    pub async fn send(&self, request: &HttpRequest) -> Result<HttpResponse> {
        let (mut limited, mut failed, mut renewed) = (0u32, 0u32, false);
        loop {
            if let Some(deadline) = self.deadline_ms() {
                if self.now_ms() >= deadline {
                    return Err(self.timeout_error());
                }
            }
            self.take_budget().await?;
            let authorized = self.authorize(request).await?;
            let request = authorized.as_ref().unwrap_or(request);
            let error_for =
                |r: &HttpResponse| self.conn.rules.error_for(r, request, self.known_limit());
            self.update(|p| p.requests += 1);
            let outcome = self.send_once(request).await;
            let now = self.now_ms();
            let (wait, reason, final_err) = match outcome {
                Err(TransportError::Network(detail)) => {
                    if failed >= self.conn.policy.max_failure_retries {
                        return Err(self.conn.rules.network_error(&detail));
                    }
                    failed += 1;
                    (
                        self.conn.policy.failure_backoff_ms(failed - 1),
                        "the connection failed".to_string(),
                        self.conn.rules.network_error(&detail),
                    )
                }
                Err(e) => return Err(self.map_transport(e)),
                Ok(response) => {
                    let hint = self.conn.rules.budget_hint(&response, now);
                    self.conn.budget.borrow_mut().observe(&hint, now);
                    if response.is_success() {
                        return Ok(response);
                    }
                    match response.status {
                        401 if !renewed && self.forget_token(request) => {
                            renewed = true;
                            continue;
                        }
                        429 => {
                            let wait = self.conn.rules.rate_limit_wait_ms(&response, limited, now);
                            let mut err = error_for(&response);
                            err.retry_after_ms = Some(wait);
                            if limited >= self.conn.policy.max_rate_limit_retries
                                || wait > self.conn.policy.max_rate_limit_wait_ms
                            {
                                return Err(err);
                            }
                            limited += 1;
                            (wait, "rate limited".to_string(), err)
                        }
                        500 | 502 | 503 | 504 => {
                            let err = error_for(&response);
                            if failed >= self.conn.policy.max_failure_retries {
                                return Err(err);
                            }
                            failed += 1;
                            (
                                self.conn.policy.failure_backoff_ms(failed - 1),
                                format!("the server answered {}", response.status),
                                err,
                            )
                        }
                        _ => return Err(error_for(&response)),
                    }
                }
            };
            let wait = wait
                + if self.conn.policy.jitter {
                    self.jitter(wait / 10 + 1)
                } else {
                    0
                };
            // A retry that cannot happen before the time limit: report the
            // failure itself now, rather than wait for a timeout.
            if let Some(deadline) = self.deadline_ms() {
                if now.saturating_add(wait) > deadline {
                    return Err(final_err);
                }
            }
            let previous = self.progress.borrow().phase;
            self.update(|p| {
                p.phase = Phase::Retrying;
                p.retries += 1;
                p.retry_at_ms = Some(now + wait);
                p.retry_reason = Some(reason);
            });
            self.sleep(wait).await?;
            self.update(|p| {
                p.phase = previous;
                p.retry_at_ms = None;
                p.retry_reason = None;
            });
        }
    }
}

/// Which of two futures finished first.
enum Either<A, B> {
    First(A),
    Second(B),
}

/// Runs two futures together and returns the output of whichever finishes
/// first; the other is dropped (which cancels it).
async fn first_of<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> Either<A::Output, B::Output> {
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    std::future::poll_fn(move |cx| {
        if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
            return std::task::Poll::Ready(Either::First(v));
        }
        if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
            return std::task::Poll::Ready(Either::Second(v));
        }
        std::task::Poll::Pending
    })
    .await
}
