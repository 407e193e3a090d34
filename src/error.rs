//! The one error type of the crate.
//!
//! Every failure says what kind it is ([`ErrorKind`]), which vendor answered,
//! the HTTP status and the vendor's own error body when there was one, and a
//! message a person can act on. It is `Send + Sync` and holds no JavaScript
//! values, so it crosses into the app's error boundaries and the JS façade alike.

use std::fmt;
use std::sync::Arc;

/// Which service a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Vendor {
    /// Genesys Cloud Platform API.
    Genesys,
    /// ThousandEyes API v7.
    #[serde(rename = "thousandeyes")]
    ThousandEyes,
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vendor::Genesys => "Genesys Cloud",
            Vendor::ThousandEyes => "ThousandEyes",
        })
    }
}

/// What went wrong, in the words of the JavaScript contract (`error.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The input was rejected before any request was sent.
    InvalidInput,
    /// 401: the token is missing, invalid or expired.
    Unauthorized,
    /// 403: the token lacks a permission.
    Forbidden,
    /// 404: the resource (execution, job, client) does not exist.
    NotFound,
    /// 429, and retrying did not get through in the allowed number of tries.
    RateLimited,
    /// 5xx, and retrying did not help.
    Server,
    /// Any other non-2xx status.
    Http,
    /// No response: connection failure, or a browser blocking a cross-origin call.
    Network,
    /// The overall time limit ran out.
    Timeout,
    /// The caller's signal aborted the run.
    Aborted,
    /// The vendor ran the query and reported that it failed or was cancelled.
    QueryFailed,
    /// A response could not be read as the documented shape.
    Decode,
}

impl ErrorKind {
    /// The name used in JavaScript (`error.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalidInput",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "notFound",
            ErrorKind::RateLimited => "rateLimited",
            ErrorKind::Server => "server",
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::QueryFailed => "queryFailed",
            ErrorKind::Decode => "decode",
        }
    }
}

impl ErrorKind {
    /// The kind of a final (not retried) non-2xx status.
    pub fn for_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            s if s >= 500 => ErrorKind::Server,
            _ => ErrorKind::Http,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed call.
///
/// `partial` holds what was already fetched when a run failed part-way (the
/// same shape as the full result, with the rows read so far), so nothing
/// already paid for in requests is lost.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// A sentence a person can act on. Never contains a token.
    pub message: String,
    /// The vendor, when a request was involved.
    pub vendor: Option<Vendor>,
    /// The HTTP status of the last response, if there was one.
    pub status: Option<u16>,
    /// `ININ-Correlation-Id` (Genesys) or the problem `instance`, for support.
    pub correlation_id: Option<String>,
    /// How long the vendor asked to wait, for rate limits.
    pub retry_after_ms: Option<u64>,
    /// The vendor's error body, parsed as JSON when it was JSON.
    pub details: Option<Arc<serde_json::Value>>,
    /// The rows fetched before the failure, in the shape of the full result.
    pub partial: Option<Arc<serde_json::Value>>,
}

impl Error {
    /// A new error with only a kind and a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            vendor: None,
            status: None,
            correlation_id: None,
            retry_after_ms: None,
            details: None,
            partial: None,
        }
    }

    /// Input rejected before any request.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// Sets the vendor.
    pub fn with_vendor(mut self, vendor: Vendor) -> Self {
        self.vendor = Some(vendor);
        self
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The error for a final non-2xx response: its kind from the status, the
    /// vendor's message, and the body (as JSON, when it is JSON) in `details`.
    pub fn from_response(
        vendor: Vendor,
        status: u16,
        body: &str,
        message: String,
        correlation_id: Option<String>,
    ) -> Self {
        let mut err = Error::new(ErrorKind::for_status(status), message)
            .with_vendor(vendor)
            .with_status(status);
        err.correlation_id = correlation_id;
        err.details = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .map(Arc::new);
        err
    }

    /// Attaches the rows fetched so far, unless a deeper layer already did.
    pub fn with_partial<T: serde::Serialize>(mut self, partial: &T) -> Self {
        if self.partial.is_none() {
            if let Ok(value) = crate::models::json_value(partial) {
                self.partial = Some(Arc::new(value));
            }
        }
        self
    }

    /// Whether the error kind is `kind`.
    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == kind
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Decodes JSON into `T`, and on failure says which field failed and quotes the
/// start of the body (never more than 200 characters).
pub fn decode_json<T: serde::de::DeserializeOwned>(
    body: &str,
    vendor: Vendor,
    what: &str,
) -> Result<T> {
    serde_json::from_str(body).map_err(|e| {
        let path = json_path_at(body, e.line(), e.column());
        let snippet = snippet(body, 200);
        let looks_html = body.trim_start().starts_with('<');
        let hint = if looks_html {
            " The body is HTML, not JSON: a proxy or a sign-in page answered instead of the API. Check the base URL and sign in again."
        } else {
            ""
        };
        let at = if path.is_empty() {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        Error::new(
            ErrorKind::Decode,
            format!("{vendor} sent a {what} that could not be read{at}: {e}.{hint} Body starts: {snippet}"),
        )
        .with_vendor(vendor)
    })
}

/// [`decode_json`], then `check` on the value: what `check` refuses is a
/// `decode` error too, worded the same way.
pub fn decode_checked<T: serde::de::DeserializeOwned>(
    body: &str,
    vendor: Vendor,
    what: &str,
    check: impl Fn(&T) -> std::result::Result<(), String>,
) -> Result<T> {
    let value: T = decode_json(body, vendor, what)?;
    check(&value).map_err(|m| {
        Error::new(
            ErrorKind::Decode,
            format!(
                "{vendor} sent a {what} that could not be read: {m}. Body starts: {}",
                snippet(body, 200)
            ),
        )
        .with_vendor(vendor)
    })?;
    Ok(value)
}

/// The path (`rows[1].count`) of the value at a 1-based line and column of a
/// JSON text, found by scanning the text up to that point. One small generic
/// function instead of a path-tracking deserializer per type.
pub fn json_path_at(text: &str, line: usize, column: usize) -> String {
    // Byte offset of (line, column).
    let mut offset = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            offset += column.saturating_sub(1).min(l.len());
            break;
        }
        offset += l.len() + 1;
    }
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut last_string: Option<String> = None;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                last_string = text.get(start..i.min(bytes.len())).map(str::to_string);
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = last_string.take();
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => {
                path.push('[');
                path.push_str(&n.to_string());
                path.push(']');
            }
        }
    }
    path
}

/// At most `max` characters of `s`, on a character boundary, with `…` if cut.
pub fn snippet(s: &str, max: usize) -> String {
    let trimmed = s.trim();
    match trimmed.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &trimmed[..i]),
        None => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Row {
        count: i64,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        rows: Vec<Row>,
    }

    #[test]
    fn decode_errors_name_the_failing_field_and_quote_the_body() {
        let err = decode_json::<Body>(
            r#"{"rows":[{"count":1},{"count":"x"}]}"#,
            Vendor::Genesys,
            "result",
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Decode);
        assert!(err.message.contains("rows[1].count"), "{}", err.message);
        assert!(err.message.contains(r#"{"rows""#));
    }

    #[test]
    fn paths_are_found_from_positions() {
        let text = "{\"a\": [1, {\"b\": \"x\"}], \"c\": {\"d\": [0, 0, true]}}";
        let at = |needle: &str| {
            let off = text.find(needle).unwrap();
            json_path_at(text, 1, off + needle.len())
        };
        assert_eq!(at("\"x\""), "a[1].b");
        assert_eq!(at("true"), "c.d[2]");
        assert_eq!(
            json_path_at("{\n\"rows\": [\n {\"n\": 1},\n {\"n\": \"x\"}]}", 4, 9),
            "rows[1].n"
        );
        assert_eq!(json_path_at("", 1, 1), "");
    }

    #[test]
    fn html_bodies_are_explained() {
        let err = decode_json::<Body>(
            "<html><body>Sign in</body></html>",
            Vendor::ThousandEyes,
            "page",
        )
        .unwrap_err();
        assert!(err.message.contains("HTML"), "{}", err.message);
    }

    #[test]
    fn snippets_cut_on_char_boundaries() {
        assert_eq!(snippet("ééé", 2), "éé…");
        assert_eq!(snippet("ab", 5), "ab");
    }

    #[test]
    fn error_is_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
