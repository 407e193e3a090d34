//! A bearer that renews itself: the engine asks a [`TokenSource`] for the
//! `Authorization` value before each request, fetches a token when the source
//! says so, and asks for a new one once when an API call answers 401.
//!
//! The source decides (pure, on the time it is given); [`super::Run::send`]
//! only carries the decision out.

use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};

/// What a token source wants done before the next request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenStep {
    /// Send the request with this `Authorization` header value.
    Use(String),
    /// Send this token request first (fetch number `.1`), then read its
    /// answer with [`TokenSource::read`].
    Fetch(HttpRequest, u64),
    /// Another request is fetching, or the token endpoint asked for a
    /// pause: ask again after this many milliseconds.
    Wait(u64),
}

/// Where bearer tokens come from when they are not pasted once.
pub trait TokenSource {
    /// What to do before a request sent at `now_ms`.
    fn step(&self, now_ms: u64) -> TokenStep;
    /// Reads the answer to fetch number `fetch`: keeps the token and
    /// returns its `Authorization` value (the request that fetched it uses
    /// it, however short its life), or schedules the next attempt (`None`),
    /// or gives the final error.
    fn read(&self, fetch: u64, response: &HttpResponse, now_ms: u64) -> Result<Option<String>>;
    /// Fetch number `fetch` got no answer (dropped, aborted): let another
    /// request fetch.
    fn abandon(&self, fetch: u64);
    /// An API call sent with `authorization` answered 401: forget that token
    /// (unless a newer one has replaced it already).
    fn forget(&self, authorization: &str);
    /// Whether its tokens are client-credentials tokens (they have their own
    /// rate limit).
    fn is_client_credentials(&self) -> bool;
}

/// Lets another request fetch when a fetch is dropped before its answer.
pub(crate) struct FetchGuard<'a> {
    pub(crate) source: &'a dyn TokenSource,
    pub(crate) fetch: u64,
}

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        self.source.abandon(self.fetch);
    }
}

/// The request with its `Authorization` header set to `value`.
pub fn with_authorization(request: &HttpRequest, value: &str) -> HttpRequest {
    let mut r = request.clone();
    r.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    r.headers
        .insert(0, ("Authorization".to_string(), value.to_string()));
    r
}
