//! The browser transport: the global `fetch` (so it works in a page, a Web
//! Worker and Node 20 alike), one `AbortController` per run that follows the
//! caller's `AbortSignal` and the run's time limit, and timers that stop the
//! moment the signal aborts.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Request, RequestInit, Response};

use crate::http::{Clock, HttpRequest, HttpResponse, Method, Transport, TransportError};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &Request) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// How long one request may go without an answer before it counts as a
/// dropped connection (and is retried like one). A usage page is small; a
/// silent minute means the connection stalled.
/// An `AbortController` that follows a parent signal and aborts by itself
/// after a time limit (remembering that it was the limit). Dropping it removes
/// the listener and clears the timer. The run and each request have one.
struct LinkedAbort {
    controller: AbortController,
    /// Abort when dropped (a request given up on before its answer was read).
    abort_on_drop: bool,
    timed_out: Rc<Cell<bool>>,
    parent: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    timer: Option<(JsValue, Closure<dyn FnMut()>)>,
}

impl LinkedAbort {
    fn new(parent: Option<AbortSignal>, timeout_ms: Option<u64>) -> Result<Self, TransportError> {
        let controller = AbortController::new()
            .map_err(|_| TransportError::Network("AbortController is not available".into()))?;
        let timed_out = Rc::new(Cell::new(false));
        let mut linked = None;
        if let Some(parent) = parent {
            if parent.aborted() {
                controller.abort();
            } else {
                let ours = controller.clone();
                let cb = Closure::<dyn FnMut()>::new(move || ours.abort());
                let _ =
                    parent.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
                linked = Some((parent, cb));
            }
        }
        let mut timer = None;
        if let Some(ms) = timeout_ms {
            let (ours, flag) = (controller.clone(), timed_out.clone());
            let cb = Closure::<dyn FnMut()>::new(move || {
                flag.set(true);
                ours.abort();
            });
            let id = set_timeout(cb.as_ref().unchecked_ref(), ms as f64);
            timer = Some((id, cb));
        }
        Ok(LinkedAbort {
            controller,
            abort_on_drop: false,
            timed_out,
            parent: linked,
            timer,
        })
    }

    fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Whether the time limit (not the parent) aborted it.
    fn timed_out(&self) -> bool {
        self.timed_out.get()
    }
}

impl Drop for LinkedAbort {
    fn drop(&mut self) {
        if self.abort_on_drop {
            self.controller.abort();
        }
        if let Some((signal, cb)) = &self.parent {
            let _ =
                signal.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
        if let Some((id, _)) = &self.timer {
            clear_timeout(id);
        }
    }
}

/// Sends requests with `fetch` and waits with `setTimeout`, both cancelled by
/// one abort signal. Implements [`Transport`] and [`Clock`].
pub struct FetchTransport {
    run: LinkedAbort,
}

impl FetchTransport {
    /// A transport for one run: it aborts when `signal` aborts, and after
    /// `timeout_ms` (reported as a timeout).
    pub fn new(
        signal: Option<AbortSignal>,
        timeout_ms: Option<u64>,
    ) -> Result<Self, TransportError> {
        Ok(FetchTransport {
            run: LinkedAbort::new(signal, timeout_ms)?,
        })
    }

    /// The signal every request and wait of this run listens to.
    pub fn signal(&self) -> AbortSignal {
        self.run.signal()
    }

    fn stopped(&self) -> TransportError {
        if self.run.timed_out() {
            TransportError::Timeout
        } else {
            TransportError::Aborted
        }
    }

    fn classify(&self, err: JsValue) -> TransportError {
        if self.signal().aborted() {
            return self.stopped();
        }
        let text = err
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| err.as_string())
            .unwrap_or_else(|| "fetch failed".to_string());
        TransportError::Network(text)
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.signal().aborted() {
            return Err(self.stopped());
        }
        // This request's own controller: it follows the run's signal, and
        // aborts the fetch when the engine gives up on the request (a stall)
        // and drops this future before the answer is read.
        let mut guard = LinkedAbort::new(Some(self.signal()), None)?;
        guard.abort_on_drop = true;
        let signal = guard.signal();
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_signal(Some(&signal));
        let headers = web_sys::Headers::new().map_err(|e| self.classify(e))?;
        for (name, value) in &request.headers {
            headers.append(name, value).map_err(|_| {
                TransportError::Network(format!("the header `{name}` is not allowed"))
            })?;
        }
        init.set_headers(&headers);
        if let (Method::Post, Some(body)) = (request.method, &request.body) {
            init.set_body(&JsValue::from_str(body));
        }
        let req =
            Request::new_with_str_and_init(&request.url, &init).map_err(|e| self.classify(e))?;
        let response: Response = JsFuture::from(global_fetch(&req))
            .await
            .map_err(|e| self.classify(e))?
            .dyn_into()
            .map_err(|_| TransportError::Network("fetch did not return a Response".into()))?;
        let mut header_list = Vec::new();
        if let Ok(Some(iter)) = js_sys::try_iter(&response.headers()) {
            for entry in iter.flatten() {
                let pair: js_sys::Array = entry.unchecked_into();
                if let (Some(n), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    header_list.push((n, v));
                }
            }
        }
        let text = response.text().map_err(|e| self.classify(e))?;
        let body = JsFuture::from(text)
            .await
            .map_err(|e| self.classify(e))?
            .as_string()
            .unwrap_or_default();
        guard.abort_on_drop = false;
        Ok(HttpResponse {
            status: response.status(),
            headers: header_list,
            body,
        })
    }
}

impl Clock for FetchTransport {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    async fn sleep(&self, ms: u64) -> Result<(), TransportError> {
        let signal = self.signal();
        if signal.aborted() {
            return Err(self.stopped());
        }
        let outcome = Sleep::start(ms, signal).await;
        match outcome {
            SleepEnd::Elapsed => Ok(()),
            SleepEnd::Aborted => Err(self.stopped()),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SleepEnd {
    Elapsed,
    Aborted,
}

#[derive(Default)]
struct SleepState {
    end: Option<SleepEnd>,
    waker: Option<Waker>,
}

/// A `setTimeout` that also ends on abort; dropping it clears the timer and
/// the listener.
struct Sleep {
    state: Rc<RefCell<SleepState>>,
    timer: JsValue,
    _on_time: Closure<dyn FnMut()>,
    signal: AbortSignal,
    on_abort: Closure<dyn FnMut()>,
}

impl Sleep {
    fn start(ms: u64, signal: AbortSignal) -> Sleep {
        let state = Rc::new(RefCell::new(SleepState::default()));
        let finish = |state: Rc<RefCell<SleepState>>, end: SleepEnd| {
            move || {
                let waker = {
                    let mut s = state.borrow_mut();
                    if s.end.is_none() {
                        s.end = Some(end);
                    }
                    s.waker.take()
                };
                if let Some(w) = waker {
                    w.wake();
                }
            }
        };
        let on_time = Closure::<dyn FnMut()>::new(finish(state.clone(), SleepEnd::Elapsed));
        let on_abort = Closure::<dyn FnMut()>::new(finish(state.clone(), SleepEnd::Aborted));
        let _ = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        let timer = set_timeout(
            on_time.as_ref().unchecked_ref(),
            ms.min(i32::MAX as u64) as f64,
        );
        Sleep {
            state,
            timer,
            _on_time: on_time,
            signal,
            on_abort,
        }
    }
}

impl Future for Sleep {
    type Output = SleepEnd;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SleepEnd> {
        let mut s = self.state.borrow_mut();
        match s.end {
            Some(end) => Poll::Ready(end),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.on_abort.as_ref().unchecked_ref());
    }
}
