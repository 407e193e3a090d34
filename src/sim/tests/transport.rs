//! `SimTransport`: latency and stalls on the caller's clock.

use std::cell::RefCell;
use std::rc::Rc;

use crate::http::{Clock, HttpRequest, Method};
use crate::sim::tests::support::*;
use crate::sim::*;

struct FakeClock(std::cell::Cell<u64>);

impl crate::http::Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
    async fn sleep(&self, ms: u64) -> Result<(), crate::http::TransportError> {
        self.0.set(self.0.get() + ms);
        Ok(())
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn sim_transport_waits_the_latency_on_the_clock() {
    use crate::http::Transport;
    let sim = Rc::new(RefCell::new(sim()));
    let clock = FakeClock(std::cell::Cell::new(NOW));
    let t = SimTransport::new(sim.clone(), &clock).with_latency_ms(250);
    let req = HttpRequest::new(Method::Get, "https://demo.invalid/_s/id=tr/v7/quotas")
        .header("Authorization", TOKEN);
    let resp = block_on(t.send(&req)).unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(clock.now_ms(), NOW + 250);
    assert_eq!(
        resp.header_u64("X-Organization-Rate-Limit-Reset"),
        Some((NOW + 250 + 60_000).div_ceil(1000))
    );
    assert_eq!(sim.borrow().stats("tr").requests, 1);
}
