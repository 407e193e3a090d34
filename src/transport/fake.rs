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

use std::cell::{Cell, RefCell};
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

/// A clock whose time moves only when someone sleeps on it. Clones share time.
#[derive(Clone, Debug)]
pub struct VirtualClock {
    now: Rc<Cell<u64>>,
    sleeps: Rc<RefCell<Vec<u64>>>,
    abort_at: Rc<Cell<Option<u64>>>,
}

impl VirtualClock {
    /// A clock that reads `start_ms`.
    pub fn new(start_ms: u64) -> Self {
        VirtualClock {
            now: Rc::new(Cell::new(start_ms)),
            sleeps: Rc::new(RefCell::new(Vec::new())),
            abort_at: Rc::new(Cell::new(None)),
        }
    }

    /// Moves time forward.
    pub fn advance(&self, ms: u64) {
        self.now.set(self.now.get().saturating_add(ms));
    }

    /// Every sleep so far, in ms.
    pub fn sleeps(&self) -> Vec<u64> {
        self.sleeps.borrow().clone()
    }

    /// Simulates a caller's abort signal firing at `at_ms`: a sleep that would
    /// pass it ends there with `Aborted`, and so does any request sent after it.
    pub fn abort_at(&self, at_ms: u64) {
        self.abort_at.set(Some(at_ms));
    }

    /// Whether the simulated signal has fired.
    pub fn is_aborted(&self) -> bool {
        self.abort_at.get().is_some_and(|a| self.now.get() >= a)
    }
}

impl Clock for VirtualClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }

    async fn sleep(&self, ms: u64) -> Result<(), TransportError> {
        self.sleeps.borrow_mut().push(ms);
        let target = self.now.get().saturating_add(ms);
        if let Some(at) = self.abort_at.get() {
            if target >= at {
                self.now.set(at.max(self.now.get()));
                return Err(TransportError::Aborted);
            }
        }
        self.now.set(target);
        Ok(())
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
        if self.clock.is_aborted() {
            return Err(TransportError::Aborted);
        }
        let now = self.clock.now_ms();
        self.log.borrow_mut().push((now, request.clone()));
        self.clock.advance(self.latency_ms);
        (self.respond)(request, now)
    }
}

/// Runs a future to completion by polling it in a loop. Meant for futures
/// whose every wait is on a [`VirtualClock`], which are never really pending.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}
