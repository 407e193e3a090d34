//! Plain HTTP values and the two seams every client runs through: a [`Transport`]
//! that sends one request, and a [`Clock`] that tells the time and sleeps.
//!
//! Nothing here does I/O. Vendor modules build [`HttpRequest`] values and read
//! [`HttpResponse`] values in pure functions; the engine sends them through a
//! transport (the browser's `fetch`, the in-process simulator, or a fake in
//! tests) and waits through a clock (real timers, or a virtual clock in tests).

use std::fmt;

/// The HTTP methods the usage APIs use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request, as a value: an absolute URL, headers and an optional text body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL, query string included.
    pub url: String,
    /// Header names and values, in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The body, for `POST`.
    pub body: Option<String>,
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Sets a JSON body and its content type.
    pub fn json_body(mut self, body: String) -> Self {
        self.headers
            .push(("Content-Type".to_string(), "application/json".to_string()));
        self.body = Some(body);
        self
    }

    /// The value of a header, matched without regard to case.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The path and query of the URL, without scheme and host.
    pub fn path_and_query(&self) -> &str {
        path_and_query(&self.url)
    }
}

/// One response, as a value. The body is kept as text: decoding is the
/// vendor module's job, so that a decode failure can quote the body.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Header names and values. Names are compared without regard to case.
    pub headers: Vec<(String, String)>,
    /// The body text (empty when there is none).
    pub body: String,
}

impl HttpResponse {
    /// A response with a status and a body and no headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The value of a header, matched without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// A header parsed as a number, if present and well formed.
    pub fn header_u64(&self, name: &str) -> Option<u64> {
        self.header(name).and_then(|v| v.trim().parse().ok())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request produced no response.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The connection failed: DNS, refused, reset, or (in a browser) blocked by CORS,
    /// which the browser reports the same way.
    #[error("network error: {0}")]
    Network(String),
    /// The caller's signal aborted the request or the wait.
    #[error("aborted")]
    Aborted,
    /// The overall time limit ran out while the request was in flight.
    #[error("timed out")]
    Timeout,
}

/// Requests to one API: its base URL, the token they carry, and the media
/// type the vendor answers with. The vendors' request builders start here.
#[derive(Clone, Copy, Debug)]
pub struct Api<'a> {
    base: &'a str,
    token: &'a AccessToken,
    accept: &'static str,
}

impl<'a> Api<'a> {
    /// Requests to `base` (already checked) with `token`, accepting `accept`.
    pub fn new(base: &'a str, token: &'a AccessToken, accept: &'static str) -> Self {
        Api {
            base,
            token,
            accept,
        }
    }

    /// `GET` of a path with its query.
    pub fn get(&self, path_and_query: &str) -> HttpRequest {
        HttpRequest::new(Method::Get, format!("{}{}", self.base, path_and_query))
            .header("Authorization", self.token.bearer())
            .header("Accept", self.accept)
    }

    /// `POST` of a JSON body.
    pub fn post_json(&self, path: &str, json: String) -> HttpRequest {
        HttpRequest::new(Method::Post, format!("{}{}", self.base, path))
            .header("Authorization", self.token.bearer())
            .header("Accept", self.accept)
            .json_body(json)
    }
}

/// Sends one request and returns the response, whatever its status.
///
/// There is no `Send` bound: in the browser, futures hold JavaScript values and
/// run on one thread. A non-2xx status is a response, not an error; the engine
/// decides what it means.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `request`.
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Tells the time and waits. Injected so that every timing rule can be tested
/// on a virtual clock without waiting.
#[allow(async_fn_in_trait)]
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Waits `ms` milliseconds, or returns [`TransportError::Aborted`] as soon
    /// as the caller's signal aborts.
    async fn sleep(&self, ms: u64) -> Result<(), TransportError>;
    /// A timer that runs beside a request (its stall limit), ending like
    /// [`Clock::sleep`]. A virtual clock keeps it out of its list of waits.
    async fn timer(&self, ms: u64) -> Result<(), TransportError> {
        self.sleep(ms).await
    }
}

/// A reference, an `Rc` or a `Box` of a transport is the transport.
impl<P> Transport for P
where
    P: std::ops::Deref,
    P::Target: Transport,
{
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

/// A reference, an `Rc` or a `Box` of a clock is the clock.
impl<P> Clock for P
where
    P: std::ops::Deref,
    P::Target: Clock,
{
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
    async fn sleep(&self, ms: u64) -> Result<(), TransportError> {
        (**self).sleep(ms).await
    }
    async fn timer(&self, ms: u64) -> Result<(), TransportError> {
        (**self).timer(ms).await
    }
}

/// The path and query of an absolute or relative URL.
pub fn path_and_query(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            match rest.find('/') {
                Some(j) => &rest[j..],
                None => "/",
            }
        }
        None => url,
    }
}

/// The path of a URL, without the query string or fragment.
pub fn path_of(url: &str) -> &str {
    let pq = path_and_query(url);
    let end = pq.find(['?', '#']).unwrap_or(pq.len());
    &pq[..end]
}

/// The raw (still percent-encoded) value of the first query parameter named `name`.
pub fn query_param_raw<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let q = url.split_once('?')?.1;
    let q = q.split('#').next().unwrap_or(q);
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then_some(v)
    })
}

/// The decoded value of the first query parameter named `name`.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    query_param_raw(url, name).map(percent_decode)
}

/// Every query parameter of a URL, decoded, in order.
pub fn query_params(url: &str) -> Vec<(String, String)> {
    let Some((_, q)) = url.split_once('?') else {
        return Vec::new();
    };
    let q = q.split('#').next().unwrap_or(q);
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Percent-encodes everything but the unreserved characters of RFC 3986, so the
/// result is safe as one path segment or one query value: it can never add a
/// `/`, `?`, `#`, `&` or `..` step to a URL.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Decodes `%XX` escapes and `+` (as a space, as in form encoding). Malformed
/// escapes are kept as they are; invalid UTF-8 is replaced.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Builds a query string (`?a=1&b=2`, or empty) from pairs, encoding each value.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// Checks and normalises a base URL: `http(s)://host[:port][/path]`, no query,
/// no fragment, no trailing slash. Plain `http` is accepted only for loopback
/// hosts and for same-origin paths.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("the base URL is empty".into());
    }
    if url.starts_with('/') {
        // A same-origin path such as `/te-proxy` (a proxy in front of the API).
        if url.contains(['?', '#', '\\']) || url.contains("//") {
            return Err(format!(
                "the base path `{url}` may not contain `?`, `#`, `\\` or `//`"
            ));
        }
        return Ok(url.trim_end_matches('/').to_string());
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("the base URL `{url}` must start with https://"))?;
    let host = rest.split('/').next().unwrap_or("");
    let host_name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let loopback = matches!(host_name, "127.0.0.1" | "localhost" | "[::1]");
    match scheme {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(format!(
                "the base URL `{url}` must use https:// (plain http is only for 127.0.0.1 and localhost)"
            ))
        }
    }
    if host.is_empty() || host.contains(['@', ' ']) {
        return Err(format!("the base URL `{url}` has no valid host"));
    }
    if url.contains(['?', '#', '\\']) {
        return Err(format!(
            "the base URL `{url}` may not contain `?`, `#` or `\\`"
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_a_value_inside_its_segment() {
        assert_eq!(percent_encode("a/../b?c#d&e"), "a%2F..%2Fb%3Fc%23d%26e");
        assert_eq!(percent_encode("3f1c-2a9e_x.y~"), "3f1c-2a9e_x.y~");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_decode(&percent_encode("a b/é%")), "a b/é%");
    }

    #[test]
    fn percent_decoding_tolerates_malformed_escapes() {
        assert_eq!(percent_decode("abc%"), "abc%");
        assert_eq!(percent_decode("abc%4"), "abc%4");
        assert_eq!(percent_decode("%zz%3D"), "%zz=");
        assert_eq!(percent_decode("eyJvZmZzZXQiOjN9%3D"), "eyJvZmZzZXQiOjN9=");
    }

    #[test]
    fn query_parameters_are_found_by_exact_name() {
        let url = "https://api.thousandeyes.com/v7/usage/units/tests?aid=1234&xcursor=no&cursor=abc%3D#frag";
        assert_eq!(query_param(url, "cursor").as_deref(), Some("abc="));
        assert_eq!(query_param(url, "aid").as_deref(), Some("1234"));
        assert_eq!(query_param(url, "missing"), None);
        assert_eq!(path_of(url), "/v7/usage/units/tests");
        assert_eq!(path_and_query("/a/b?c=1"), "/a/b?c=1");
        assert_eq!(query_params("/x?a=1&b=%2F").len(), 2);
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            normalize_base_url("https://api.mypurecloud.com/").as_deref(),
            Ok("https://api.mypurecloud.com")
        );
        assert!(normalize_base_url("http://127.0.0.1:8787").is_ok());
        assert!(normalize_base_url("/te-proxy/").is_ok());
        assert!(normalize_base_url("http://evil.example").is_err());
        assert!(normalize_base_url("https://a.example?x=1").is_err());
        assert!(normalize_base_url("ftp://a.example").is_err());
        assert!(normalize_base_url("").is_err());
        assert!(normalize_base_url("https://user@a.example").is_err());
    }

    #[test]
    fn headers_match_without_case() {
        let r = HttpResponse::new(429, "").with_header("Retry-After", "7");
        assert_eq!(r.header("retry-after"), Some("7"));
        assert_eq!(r.header_u64("RETRY-AFTER"), Some(7));
    }
}

/// A bearer token. It is never printed: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Checks and wraps a token: not empty, and nothing that could break out
    /// of the `Authorization` header (whitespace inside, control characters).
    pub fn new(token: &str) -> Result<AccessToken, String> {
        let t = token.trim();
        let t = t
            .strip_prefix("Bearer ")
            .or_else(|| t.strip_prefix("bearer "))
            .unwrap_or(t)
            .trim();
        if t.is_empty() {
            return Err("the access token is empty: paste a token or sign in".into());
        }
        if t.len() > 8192 {
            return Err("the access token is too long to be a real token".into());
        }
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the access token contains spaces or control characters: paste only the token itself".into());
        }
        Ok(AccessToken(t.to_string()))
    }

    /// The `Authorization` header value.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// The raw token, for code that must hand it on (the JS façade keeps it
    /// in memory only).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}
