//! A scripted transport and a virtual clock, for tests that check every
//! request and every wait without waiting.
//!
//! # Example
//! ```
//! use usage_lens::http::{HttpResponse, Method, HttpRequest, Transport, Clock};
//! use usage_lens::transport::fake::{block_on, FakeTransport, VirtualClock};
//!
//! let clock = VirtualClock::new(1_000);
//! let fake = FakeTransport::new(clock.clone(), |_req, _now| Ok(HttpResponse::new(200, "{}")));
//! let res = block_on(fake.send(&HttpRequest::new(Method::Get, "https://x.test/a"))).unwrap();
//! assert_eq!(res.status, 200);
//! block_on(clock.sleep(500)).unwrap();
//! assert_eq!(clock.now_ms(), 1_500);
//! assert_eq!(fake.requests().len(), 1);
//! ```

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::engine::{Progress, RunOptions};
use crate::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};

/// Run options whose `on_progress` records every progress report, and the
/// list it records into.
pub fn progress_recorder() -> (RunOptions, Rc<RefCell<Vec<Progress>>>) {
    let events: Rc<RefCell<Vec<Progress>>> = Rc::default();
    let sink = events.clone();
    let opts = RunOptions {
        on_progress: Some(Rc::new(move |p: &Progress| {
            sink.borrow_mut().push(p.clone())
        })),
        ..Default::default()
    };
    (opts, events)
}

/// A clock whose time moves only when every task is waiting on it.
///
/// A sleep is a timer that stays pending until the clock reaches its end;
/// [`block_on`] moves the clock to the earliest timer whenever the future it
/// runs can make no progress. One future therefore sees exactly the waits it
/// asked for, and several futures joined together genuinely interleave in
/// virtual time, as they would on a browser's event loop. Clones share time.
#[derive(Clone, Debug)]
pub struct VirtualClock {
    state: Rc<RefCell<ClockState>>,
}

#[derive(Debug, Default)]
struct ClockState {
    now: u64,
    sleeps: Vec<u64>,
    abort_at: Option<u64>,
    next_id: u64,
    /// Pending timers: id -> (due time, who to wake).
    timers: Vec<(u64, u64, Waker)>,
}

thread_local! {
    /// The clocks with pending timers on this thread, for [`block_on`].
    static CLOCKS: RefCell<Vec<std::rc::Weak<RefCell<ClockState>>>> = const { RefCell::new(Vec::new()) };
}

impl VirtualClock {
    /// A clock that reads `start_ms`.
    pub fn new(start_ms: u64) -> Self {
        let state = Rc::new(RefCell::new(ClockState {
            now: start_ms,
            ..ClockState::default()
        }));
        CLOCKS.with(|c| {
            let mut c = c.borrow_mut();
            c.retain(|w| w.strong_count() > 0);
            c.push(Rc::downgrade(&state));
        });
        VirtualClock { state }
    }

    /// Moves time forward at once (time spent working, not waiting).
    pub fn advance(&self, ms: u64) {
        let mut s = self.state.borrow_mut();
        s.now = s.now.saturating_add(ms);
    }

    /// Every sleep asked for so far, in ms, in the order asked.
    pub fn sleeps(&self) -> Vec<u64> {
        self.state.borrow().sleeps.clone()
    }

    /// Simulates a caller's abort signal firing at `at_ms`: every timer still
    /// pending then (a wait, a request in flight) ends there with `Aborted`,
    /// and so does any sleep or request begun after it.
    pub fn abort_at(&self, at_ms: u64) {
        self.state.borrow_mut().abort_at = Some(at_ms);
    }

    /// Whether the simulated signal has fired.
    pub fn is_aborted(&self) -> bool {
        let s = self.state.borrow();
        s.abort_at.is_some_and(|a| s.now >= a)
    }

    /// A pending timer of `ms` that is not listed in [`Self::sleeps`]: time a
    /// request spends in flight, or a limit that runs beside it.
    pub fn delay(&self, ms: u64) -> VirtualSleep {
        let due = self.state.borrow().now.saturating_add(ms);
        VirtualSleep {
            state: self.state.clone(),
            due,
            id: None,
        }
    }

    /// Moves to the earliest pending timer (or the abort, if sooner) and
    /// wakes every timer then due. False when no timer is pending.
    fn step(state: &Rc<RefCell<ClockState>>) -> bool {
        let wake: Vec<Waker> = {
            let mut s = state.borrow_mut();
            let Some(mut next) = s.timers.iter().map(|(_, due, _)| *due).min() else {
                return false;
            };
            if let Some(a) = s.abort_at.filter(|&a| a > s.now) {
                next = next.min(a);
            }
            s.now = s.now.max(next);
            let now = s.now;
            let aborted = s.abort_at.is_some_and(|a| now >= a);
            let (due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut s.timers)
                .into_iter()
                .partition(|(_, d, _)| *d <= now || aborted);
            s.timers = rest;
            due.into_iter().map(|(_, _, w)| w).collect()
        };
        wake.into_iter().for_each(Waker::wake);
        true
    }
}

/// A pending wait on a [`VirtualClock`]; see [`VirtualClock::delay`].
#[derive(Debug)]
pub struct VirtualSleep {
    state: Rc<RefCell<ClockState>>,
    due: u64,
    id: Option<u64>,
}

impl Future for VirtualSleep {
    type Output = Result<(), TransportError>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let due = self.due;
        let mut s = self.state.borrow_mut();
        if s.abort_at.is_some_and(|a| s.now >= a) {
            return Poll::Ready(Err(TransportError::Aborted));
        }
        if s.now >= due {
            return Poll::Ready(Ok(()));
        }
        let id = match self.id {
            Some(id) => id,
            None => {
                s.next_id += 1;
                s.next_id
            }
        };
        s.timers.retain(|(i, _, _)| *i != id);
        s.timers.push((id, due, cx.waker().clone()));
        drop(s);
        self.id = Some(id);
        Poll::Pending
    }
}

impl Drop for VirtualSleep {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            if let Ok(mut s) = self.state.try_borrow_mut() {
                s.timers.retain(|(i, _, _)| *i != id);
            }
        }
    }
}

impl Clock for VirtualClock {
    fn now_ms(&self) -> u64 {
        self.state.borrow().now
    }

    async fn sleep(&self, ms: u64) -> Result<(), TransportError> {
        self.state.borrow_mut().sleeps.push(ms);
        self.delay(ms).await
    }

    async fn timer(&self, ms: u64) -> Result<(), TransportError> {
        self.delay(ms).await
    }
}

type Responder = dyn Fn(&HttpRequest, u64) -> Result<HttpResponse, TransportError>;

/// A transport that answers with a closure of (request, now) and records
/// every request with the time it was sent.
pub struct FakeTransport {
    clock: VirtualClock,
    respond: Box<Responder>,
    log: RefCell<Vec<(u64, HttpRequest)>>,
    latency_ms: u64,
}

impl FakeTransport {
    /// A fake answering with `respond`.
    pub fn new(
        clock: VirtualClock,
        respond: impl Fn(&HttpRequest, u64) -> Result<HttpResponse, TransportError> + 'static,
    ) -> Self {
        FakeTransport {
            clock,
            respond: Box::new(respond),
            log: RefCell::new(Vec::new()),
            latency_ms: 0,
        }
    }

    /// Each request takes this long on the virtual clock.
    pub fn with_latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = ms;
        self
    }

    /// The requests sent so far, with their send times.
    pub fn requests(&self) -> Vec<(u64, HttpRequest)> {
        self.log.borrow().clone()
    }

    /// The URLs requested so far, in order.
    pub fn urls(&self) -> Vec<String> {
        self.log
            .borrow()
            .iter()
            .map(|(_, r)| r.url.clone())
            .collect()
    }
}

impl Transport for FakeTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        // Logged first, so that a request sent after an abort is seen.
        let now = self.clock.now_ms();
        self.log.borrow_mut().push((now, request.clone()));
        if self.clock.is_aborted() {
            return Err(TransportError::Aborted);
        }
        self.clock.delay(self.latency_ms).await?;
        (self.respond)(request, now)
    }
}

/// Runs a future to completion on virtual time: whenever it can make no
/// progress, the [`VirtualClock`] with the earliest pending timer moves to
/// it. Meant for futures whose every wait is on a virtual clock; one that
/// waits on anything else is polled again and again until it is ready.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        let earliest = CLOCKS.with(|c| {
            let mut c = c.borrow_mut();
            c.retain(|w| w.strong_count() > 0);
            c.iter()
                .filter_map(std::rc::Weak::upgrade)
                .filter_map(|s| {
                    let due = s.borrow().timers.iter().map(|(_, d, _)| *d).min()?;
                    Some((due, s))
                })
                .min_by_key(|(due, _)| *due)
                .map(|(_, s)| s)
        });
        if let Some(state) = earliest {
            VirtualClock::step(&state);
        }
    }
}

/// Runs futures together on one thread, as a browser tab would, and returns
/// their outputs in order. With [`block_on`] and a [`VirtualClock`], their
/// waits interleave in virtual time.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (slot, f) in out.iter_mut().zip(futures.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *slot = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(out.iter_mut().filter_map(Option::take).collect())
        }
    })
    .await
}
