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

    /// Attaches the rows fetched so far, unless a deeper layer already did.
    pub fn with_partial<T: serde::Serialize>(mut self, partial: &T) -> Self {
        if self.partial.is_none() {
            if let Ok(value) = serde_json::to_value(partial) {
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
    let de = &mut serde_json::Deserializer::from_str(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let snippet = snippet(body, 200);
        let looks_html = body.trim_start().starts_with('<');
        let hint = if looks_html {
            " The body is HTML, not JSON: a proxy or a sign-in page answered instead of the API. Check the base URL and sign in again."
        } else {
            ""
        };
        let at = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        Error::new(
            ErrorKind::Decode,
            format!("{vendor} sent a {what} that could not be read{at}: {inner}.{hint} Body starts: {snippet}"),
        )
        .with_vendor(vendor)
    })
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
