//! The simulator behind a transport that watches what is sent: every
//! request counted, the requests in flight at once, every submit's interval,
//! and a way to refuse the submits whose interval starts with a given text.
//! Shared by the long-jobs and promise tests.

use std::cell::{Cell, RefCell};

use usage_lens::http::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use usage_lens::sim::SimTransport;
use usage_lens::transport::fake::VirtualClock;

pub struct Watched {
    inner: SimTransport<VirtualClock>,
    /// Requests sent.
    pub sent: Cell<u32>,
    /// Requests waiting for their answer now.
    pub in_flight: Cell<u32>,
    /// The most requests that waited at once.
    pub most_in_flight: Cell<u32>,
    /// The interval of every submit (a job, or a legacy execution), in order.
    pub submits: RefCell<Vec<String>>,
    refuse: Option<&'static str>,
}

impl Watched {
    pub fn new(inner: SimTransport<VirtualClock>, refuse: Option<&'static str>) -> Watched {
        Watched {
            inner,
            sent: Cell::new(0),
            in_flight: Cell::new(0),
            most_in_flight: Cell::new(0),
            submits: RefCell::default(),
            refuse,
        }
    }
}

impl Transport for Watched {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.set(self.sent.get() + 1);
        // A submit: a job, or a legacy execution (both carry the interval).
        let interval = (request.method == Method::Post)
            .then(|| serde_json::from_str::<serde_json::Value>(request.body.as_deref()?).ok())
            .flatten()
            .and_then(|v| v["interval"].as_str().map(str::to_string));
        if let Some(interval) = interval {
            self.submits.borrow_mut().push(interval.clone());
            if self.refuse.is_some_and(|r| interval.starts_with(r)) {
                return Ok(HttpResponse::new(
                    400,
                    r#"{"message":"refused for the test","code":"bad.request","status":400}"#,
                ));
            }
        }
        self.in_flight.set(self.in_flight.get() + 1);
        let most = self.most_in_flight.get().max(self.in_flight.get());
        self.most_in_flight.set(most);
        // The simulated latency: every request sent at once waits here together.
        let answer = self.inner.send(request).await;
        self.in_flight.set(self.in_flight.get() - 1);
        answer
    }
}
