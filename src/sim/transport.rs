//! The simulator as a [`Transport`], in process: for the app's Demo and for
//! native tests on a virtual clock.

use std::cell::RefCell;
use std::rc::Rc;

use crate::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};

use super::Sim;

/// A header on a response whose delivery the transport (or the server) must
/// hold back this many milliseconds (`stall=`); it is removed before delivery.
pub const STALL_HEADER: &str = "x-sim-stall-ms";

/// The status of a response that stands for "no response at all": a dropped
/// connection. [`SimTransport`] turns it into a network error, and the server
/// answers without CORS headers, which a browser reports the same way.
pub const DROPPED: u16 = 0;

/// An in-process [`Transport`] over a shared [`Sim`]: reads the clock,
/// optionally waits a simulated latency with [`Clock::sleep`], then answers
/// with [`Sim::handle`] at the clock's time.
///
/// # Example
///
/// ```no_run
/// # use std::{cell::RefCell, rc::Rc};
/// # use usage_lens::sim::{Sim, SimTransport};
/// # fn demo<C: usage_lens::http::Clock>(clock: C) {
/// let sim = Rc::new(RefCell::new(Sim::new(1)));
/// let transport = SimTransport::new(sim, clock).with_latency_ms(40);
/// # }
/// ```
#[derive(Debug)]
pub struct SimTransport<C: Clock> {
    sim: Rc<RefCell<Sim>>,
    clock: C,
    latency_ms: u64,
}

impl<C: Clock> SimTransport<C> {
    /// A transport answering from `sim` at `clock`'s time, with no latency.
    pub fn new(sim: Rc<RefCell<Sim>>, clock: C) -> Self {
        SimTransport {
            sim,
            clock,
            latency_ms: 0,
        }
    }

    /// Waits this many ms (on the clock) before each answer.
    pub fn with_latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = ms;
        self
    }
}

impl<C: Clock> Transport for SimTransport<C> {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.latency_ms > 0 {
            self.clock.sleep(self.latency_ms).await?;
        }
        let now = self.clock.now_ms();
        let mut response = {
            let mut sim = self
                .sim
                .try_borrow_mut()
                .map_err(|_| TransportError::Network("the simulator is busy".to_string()))?;
            sim.handle(request, now)
        };
        if let Some(ms) = take_stall(&mut response) {
            self.clock.sleep(ms).await?;
        }
        if response.status == DROPPED {
            return Err(TransportError::Network(
                "the connection was dropped".to_string(),
            ));
        }
        Ok(response)
    }
}

/// Removes the stall marker from a response and says how long to hold it back.
pub fn take_stall(response: &mut HttpResponse) -> Option<u64> {
    let i = response
        .headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(STALL_HEADER))?;
    let (_, v) = response.headers.remove(i);
    v.parse().ok()
}
