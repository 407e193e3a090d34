//! Client credentials for unattended jobs (Node and native only; never in a
//! web page): the token request and its answer as pure values, and a token
//! source that keeps the token until shortly before it expires, fetches a new
//! one once when an API call answers 401, and waits out a 429 from the token
//! endpoint.
//!
//! # Example
//! ```no_run
//! # async fn demo() -> usage_lens::Result<()> {
//! use usage_lens::genesys::{Client, ClientCredentials};
//! # use usage_lens::transport::fake::{FakeTransport, VirtualClock};
//! # let clock = VirtualClock::new(0);
//! # let transport = FakeTransport::new(clock.clone(), |_, _| Ok(usage_lens::http::HttpResponse::new(200, "{}")));
//! let credentials = ClientCredentials::new("client-id", "client-secret", None)?;
//! let client = Client::with_client_credentials("mypurecloud.com", &credentials, transport, clock)?;
//! # Ok(()) }
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use crate::encoding::base64_std;
use crate::engine::{TokenSource, TokenStep};
use crate::error::{Error, ErrorKind, Result, Vendor};
use crate::http::{AccessToken, Clock, HttpRequest, HttpResponse, Method, Transport};

use super::auth::bases_for;
use super::rules::{GenesysRules, REQUESTS_PER_MINUTE};
use super::Client;

/// A token is renewed this long before it expires, at most (a tenth of its
/// lifetime for shorter tokens).
pub const RENEW_BEFORE_MS: u64 = 60_000;
/// Token requests answered 429 or 5xx are tried this many times in all.
pub const TOKEN_ATTEMPTS: u32 = 6;
/// The first wait after a 429 without `Retry-After`; it doubles each time.
pub const TOKEN_BACKOFF_MS: u64 = 5_000;
/// The longest wait between token requests.
pub const TOKEN_BACKOFF_CAP_MS: u64 = 60_000;
/// How often a request waiting for another's token fetch looks again.
const FETCH_WAIT_MS: u64 = 100;
/// The placeholder a client-credentials client is built with; every request
/// carries the source's bearer instead.
const PLACEHOLDER: &str = "client-credentials";

/// An OAuth client's id and secret, and where its tokens come from.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: String,
    login_url: Option<String>,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("login_url", &self.login_url)
            .finish()
    }
}

fn cc_error(kind: ErrorKind, message: impl Into<String>) -> Error {
    Error::new(kind, message).with_vendor(Vendor::Genesys)
}

impl ClientCredentials {
    /// Checks an id and a secret (not empty, no spaces or control
    /// characters; the secret is never quoted). `login_url` is the login
    /// host when it is not derived from the API base.
    pub fn new(client_id: &str, client_secret: &str, login_url: Option<&str>) -> Result<Self> {
        let bad = |s: &str| {
            s.is_empty() || s.len() > 1024 || s.chars().any(|c| c.is_whitespace() || c.is_control())
        };
        let id = client_id.trim();
        if bad(id) {
            return Err(cc_error(ErrorKind::InvalidInput, "Genesys Cloud: the OAuth client id is empty or has spaces; give the id of a client with the client-credentials grant."));
        }
        if bad(client_secret.trim()) {
            return Err(cc_error(
                ErrorKind::InvalidInput,
                "Genesys Cloud: the client secret is empty or has spaces or control characters.",
            ));
        }
        let login_url = match login_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => Some(super::resolve_base(u)?),
            None => None,
        };
        Ok(ClientCredentials {
            client_id: id.to_string(),
            client_secret: client_secret.trim().to_string(),
            login_url,
        })
    }

    /// The OAuth client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The token URL for the API at `region_or_base`: `https://login.{domain}`
    /// for a region, the same base for a custom one, unless a login URL was given.
    pub fn token_url(&self, region_or_base: &str) -> Result<String> {
        let login = match &self.login_url {
            Some(u) => u.clone(),
            None => bases_for(region_or_base)?.0,
        };
        Ok(format!("{login}/oauth/token"))
    }

    /// `POST {token_url}` with Basic `id:secret` and
    /// `grant_type=client_credentials`, nothing else.
    pub fn token_request(&self, token_url: &str) -> HttpRequest {
        let basic = base64_std(format!("{}:{}", self.client_id, self.client_secret).as_bytes());
        let mut req = HttpRequest::new(Method::Post, token_url)
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
        req.body = Some("grant_type=client_credentials".to_string());
        req
    }
}

/// What the token endpoint's answer means.
#[derive(Clone, Debug)]
pub enum TokenAnswer {
    /// A token (the `Authorization` value) good for `expires_in_s` seconds.
    Token {
        /// `Bearer …`.
        authorization: String,
        /// Lifetime in seconds (a day when the answer does not say).
        expires_in_s: u64,
    },
    /// Try again after this many milliseconds (429 or a server error).
    Retry(u64),
    /// The credentials were refused, or the answer is unusable.
    Refused(Error),
}

/// Reads a token answer; `attempt` (0-based) sets the wait after a 429
/// without `Retry-After` (5 s doubling to 60 s). The secret is never quoted.
pub fn read_token_answer(response: &HttpResponse, attempt: u32) -> TokenAnswer {
    // Read as a JSON value: the answer is small, and its fields are few.
    let body: serde_json::Value = serde_json::from_str(&response.body).unwrap_or_default();
    let field = |k: &str| body.get(k).and_then(serde_json::Value::as_str);
    if response.status == 429 || response.status >= 500 {
        let wait = response
            .header("retry-after")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| (s * 1000.0).ceil() as u64);
        let backoff =
            crate::engine::retry::exponential(TOKEN_BACKOFF_MS, attempt, TOKEN_BACKOFF_CAP_MS);
        return TokenAnswer::Retry(wait.unwrap_or(backoff));
    }
    match field("access_token").map(AccessToken::new) {
        Some(Ok(t)) if response.is_success() => TokenAnswer::Token {
            authorization: t.bearer(),
            expires_in_s: body
                .get("expires_in")
                .and_then(serde_json::Value::as_f64)
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map_or(86_400, |s| s as u64),
        },
        _ => {
            let why = field("error_description")
                .or_else(|| field("description"))
                .or_else(|| field("error"))
                .map(|w| {
                    format!(
                        " Genesys Cloud said: \"{}\".",
                        crate::error::snippet(w, 200)
                    )
                })
                .unwrap_or_default();
            TokenAnswer::Refused(
                cc_error(
                    ErrorKind::Unauthorized,
                    format!("Genesys Cloud refused the client credentials (HTTP {}): the client secret or the region is wrong (Genesys Cloud answers both the same way), or the OAuth client lacks the client-credentials grant.{why}", response.status),
                )
                .with_status(response.status),
            )
        }
    }
}

#[derive(Debug, Default)]
struct SourceState {
    authorization: Option<String>,
    renew_at_ms: u64,
    in_flight: Option<u64>,
    fetches: u64,
    attempt: u32,
    retry_at_ms: u64,
}

/// The token source of one OAuth client: shared by every request of a
/// client (and of clients it is handed to).
pub struct CredentialsSource {
    credentials: ClientCredentials,
    token_url: String,
    state: RefCell<SourceState>,
}

impl std::fmt::Debug for CredentialsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsSource")
            .field("client_id", &self.credentials.client_id)
            .field("token_url", &self.token_url)
            .field("fetches", &self.state.borrow().fetches)
            .finish()
    }
}

impl CredentialsSource {
    /// A source of tokens from `token_url`.
    pub fn new(credentials: ClientCredentials, token_url: String) -> Self {
        CredentialsSource {
            credentials,
            token_url,
            state: RefCell::default(),
        }
    }

    /// Token requests sent so far.
    pub fn fetches(&self) -> u64 {
        self.state.borrow().fetches
    }
}

/// When a token that lives `expires_in_s` seconds from `now_ms` is renewed.
pub fn renew_at_ms(now_ms: u64, expires_in_s: u64) -> u64 {
    let life = expires_in_s.saturating_mul(1000);
    now_ms.saturating_add(life.saturating_sub(RENEW_BEFORE_MS.min(life / 10)))
}

impl TokenSource for CredentialsSource {
    fn step(&self, now_ms: u64) -> TokenStep {
        let mut s = self.state.borrow_mut();
        if let Some(a) = s.authorization.as_ref().filter(|_| now_ms < s.renew_at_ms) {
            return TokenStep::Use(a.clone());
        }
        if s.in_flight.is_some() {
            return TokenStep::Wait(FETCH_WAIT_MS);
        }
        if s.retry_at_ms > now_ms {
            return TokenStep::Wait(s.retry_at_ms - now_ms);
        }
        s.fetches += 1;
        s.in_flight = Some(s.fetches);
        TokenStep::Fetch(self.credentials.token_request(&self.token_url), s.fetches)
    }

    fn read(&self, fetch: u64, response: &HttpResponse, now_ms: u64) -> Result<Option<String>> {
        let mut s = self.state.borrow_mut();
        if s.in_flight == Some(fetch) {
            s.in_flight = None;
        }
        match read_token_answer(response, s.attempt) {
            TokenAnswer::Token {
                authorization,
                expires_in_s,
            } => {
                s.authorization = Some(authorization.clone());
                s.renew_at_ms = renew_at_ms(now_ms, expires_in_s);
                s.attempt = 0;
                Ok(Some(authorization))
            }
            TokenAnswer::Retry(wait) if s.attempt + 1 < TOKEN_ATTEMPTS => {
                s.attempt += 1;
                s.retry_at_ms = now_ms.saturating_add(wait);
                Ok(None)
            }
            TokenAnswer::Retry(wait) => {
                s.attempt = 0;
                let mut e = cc_error(
                    if response.status == 429 { ErrorKind::RateLimited } else { ErrorKind::Server },
                    format!("The Genesys Cloud login host answered HTTP {} to {TOKEN_ATTEMPTS} token requests in a row. Try again in a few minutes.", response.status),
                )
                .with_status(response.status);
                e.retry_after_ms = Some(wait);
                Err(e)
            }
            TokenAnswer::Refused(e) => {
                s.attempt = 0;
                Err(e)
            }
        }
    }

    fn abandon(&self, fetch: u64) {
        let mut s = self.state.borrow_mut();
        if s.in_flight == Some(fetch) {
            s.in_flight = None;
        }
    }

    fn forget(&self, authorization: &str) {
        let mut s = self.state.borrow_mut();
        if s.authorization.as_deref() == Some(authorization) {
            s.authorization = None;
        }
    }

    fn is_client_credentials(&self) -> bool {
        true
    }
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// A client that signs in with client credentials: it fetches a token
    /// from the login host of `base_url` (or the credentials' login URL)
    /// before its first request and whenever the token is about to expire.
    pub fn with_client_credentials(
        base_url: &str,
        credentials: &ClientCredentials,
        transport: T,
        clock: C,
    ) -> Result<Self> {
        let token_url = credentials.token_url(base_url)?;
        let source = Rc::new(CredentialsSource::new(credentials.clone(), token_url));
        Self::with_token_source(base_url, source, transport, clock)
    }

    /// A client whose bearer comes from `source` (shared with other clients
    /// of the same OAuth client, so they fetch one token between them).
    pub fn with_token_source(
        base_url: &str,
        source: Rc<dyn TokenSource>,
        transport: T,
        clock: C,
    ) -> Result<Self> {
        let base = super::resolve_base(base_url)?;
        let token = AccessToken::new(PLACEHOLDER).map_err(Error::invalid_input)?;
        let mut client = Client::assemble(
            base,
            token,
            &GenesysRules,
            REQUESTS_PER_MINUTE,
            transport,
            clock,
        );
        client.conn = client.conn.with_token_source(source);
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_request_is_basic_auth_and_the_grant_only() {
        let c = ClientCredentials::new(" id-1 ", "s3cret", None).unwrap();
        let r = c.token_request("https://login.mypurecloud.ie/oauth/token");
        assert_eq!(
            r.header_value("authorization"),
            Some("Basic aWQtMTpzM2NyZXQ=")
        );
        assert_eq!(r.body.as_deref(), Some("grant_type=client_credentials"));
        assert!(!r.url.contains("s3cret"));
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(ClientCredentials::new("id", " ", None).is_err());
        assert!(ClientCredentials::new("has space", "s", None).is_err());
    }

    #[test]
    fn the_token_url_follows_the_region_or_the_base_unless_given() {
        let c = ClientCredentials::new("id", "s", None).unwrap();
        assert_eq!(
            c.token_url("us-east-1").unwrap(),
            "https://login.mypurecloud.com/oauth/token"
        );
        assert_eq!(
            c.token_url("mypurecloud.ie").unwrap(),
            "https://login.mypurecloud.ie/oauth/token"
        );
        assert_eq!(
            c.token_url("http://127.0.0.1:8787/_s/a").unwrap(),
            "http://127.0.0.1:8787/_s/a/oauth/token"
        );
        let given = ClientCredentials::new("id", "s", Some("https://login.example")).unwrap();
        assert_eq!(
            given.token_url("us-east-1").unwrap(),
            "https://login.example/oauth/token"
        );
    }

    #[test]
    fn token_answers_are_read_and_waits_double_to_a_minute() {
        let ok = HttpResponse::new(
            200,
            r#"{"access_token":"t","token_type":"bearer","expires_in":3600}"#,
        );
        assert!(matches!(
            read_token_answer(&ok, 0),
            TokenAnswer::Token {
                expires_in_s: 3600,
                ..
            }
        ));
        let waits: Vec<u64> = (0..6)
            .map(
                |n| match read_token_answer(&HttpResponse::new(429, ""), n) {
                    TokenAnswer::Retry(ms) => ms,
                    other => panic!("{other:?}"),
                },
            )
            .collect();
        assert_eq!(waits, [5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
        let told = HttpResponse::new(429, "").with_header("Retry-After", "3");
        assert!(matches!(
            read_token_answer(&told, 4),
            TokenAnswer::Retry(3_000)
        ));
        let refused = HttpResponse::new(
            401,
            r#"{"error":"invalid_client","description":"authentication failed","error_description":"authentication failed"}"#,
        );
        match read_token_answer(&refused, 0) {
            TokenAnswer::Refused(e) => {
                assert_eq!(e.kind, ErrorKind::Unauthorized);
                assert!(e.message.contains("secret or the region is wrong"));
                assert!(e.message.contains("authentication failed"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_token_is_renewed_a_minute_early_or_a_tenth_of_a_short_life() {
        assert_eq!(renew_at_ms(0, 3600), 3_540_000);
        assert_eq!(renew_at_ms(0, 300), 270_000);
        assert_eq!(renew_at_ms(5, 0), 5);
    }
}
