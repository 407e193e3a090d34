//! Genesys errors: the `ErrorBody` every failure answers with, and the
//! refusals of the gate every request passes first (authentication,
//! permissions, the rate limit and injected faults).

use serde_json::{json, Value};

use crate::http::HttpResponse;

use super::super::json_response;

/// A failure, answered with an `ErrorBody`.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    status: u16,
    code: &'static str,
    message: String,
    field: Option<&'static str>,
}

impl ApiError {
    /// An error without a field.
    pub(super) fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A 400 `bad.request`.
    pub(super) fn bad(message: impl Into<String>, field: Option<&'static str>) -> ApiError {
        ApiError {
            field,
            ..ApiError::new(400, "bad.request", message)
        }
    }

    /// A 400 `invalid.value`: `value` is not one of `allowed`.
    pub(super) fn invalid_value(
        value: &str,
        type_name: &str,
        allowed: &[&str],
        field: &'static str,
    ) -> ApiError {
        ApiError::invalid_field(
            format!(
                "Value [{}] is not valid for field type [{type_name}]. Allowable values are: {}",
                shorten(value),
                allowed.join(", ")
            ),
            field,
        )
    }

    /// A 400 `invalid.value` with its own message.
    pub(super) fn invalid_field(message: String, field: &'static str) -> ApiError {
        ApiError {
            field: Some(field),
            ..ApiError::new(400, "invalid.value", message)
        }
    }

    /// A 404 `not.found`.
    pub(super) fn not_found(message: &str) -> ApiError {
        ApiError::new(404, "not.found", message)
    }

    /// A 401: no token, a bad one, or an expired one.
    pub(super) fn unauthorized(code: &'static str) -> ApiError {
        let message = match code {
            "authentication.required" => {
                "No authentication bearer token specified in authorization header."
            }
            "bad.credentials" => "Invalid login credentials.",
            _ => "The supplied credentials are expired and cannot be used.",
        };
        ApiError::new(401, code, message)
    }

    /// A 403 naming the permissions the endpoint needs: any one of them, or all.
    pub(super) fn forbidden(permissions: &[&str], any: bool) -> ApiError {
        let names = permissions.join(", ");
        if any {
            ApiError::new(
                403,
                "missing.any.permissions",
                format!("Unable to perform the requested action. You must have at least one of the following permissions assigned: [{names}]"),
            )
        } else {
            ApiError::new(
                403,
                "missing.permissions",
                format!("Unable to perform the requested action. You are missing the following permission(s): [{names}]"),
            )
        }
    }

    /// An injected 5xx with the vendor's code and message for that status.
    pub(super) fn server(status: u16) -> ApiError {
        let (code, message) = match status {
            500 => ("internal.server.error", "The server encountered an unexpected condition which prevented it from fulfilling the request."),
            502 => ("bad.gateway", "The server received an invalid response from an upstream server."),
            504 => ("request.timeout", "The request timed out."),
            _ => ("service.unavailable", "Service is currently unavailable, please try again later."),
        };
        ApiError::new(status, code, message)
    }

    /// The `ErrorBody` of this error.
    pub(super) fn body(&self, context_id: &str) -> Value {
        error_body(
            self.status,
            self.code,
            &self.message,
            context_id,
            self.field,
        )
    }

    /// The response carrying this error.
    pub(super) fn response(&self, context_id: &str) -> HttpResponse {
        json_response(self.status, "application/json", &self.body(context_id))
    }
}

/// At most 80 characters of a value quoted in a message.
pub(super) fn shorten(s: &str) -> String {
    s.chars().take(80).collect()
}

/// A Genesys `ErrorBody`.
pub(super) fn error_body(
    status: u16,
    code: &str,
    message: &str,
    context_id: &str,
    field: Option<&str>,
) -> Value {
    let details: Vec<Value> = field
        .map(|f| json!({ "fieldName": f }))
        .into_iter()
        .collect();
    json!({
        "message": message,
        "code": code,
        "status": status,
        "messageParams": {},
        "contextId": context_id,
        "details": details,
        "errors": [],
    })
}

/// A 429: the message names the seconds to wait, the body the limit, and
/// `Retry-After` is sent only when the scenario asks for it (`ra=1`).
pub(super) fn rate_limited(wait_s: u64, limit: u64, retry_after: bool, cid: &str) -> HttpResponse {
    let mut body = ApiError::new(
        429,
        "too.many.requests",
        format!("Rate limit exceeded the maximum. Retry the request in [{wait_s}] seconds"),
    )
    .body(cid);
    if let Some(m) = body.as_object_mut() {
        m.insert(
            "limit".into(),
            json!({ "key": "token.rate.per.minute", "namespace": "platform.api", "value": limit }),
        );
    }
    let resp = json_response(429, "application/json", &body);
    if retry_after {
        resp.with_header("Retry-After", wait_s.to_string())
    } else {
        resp
    }
}
