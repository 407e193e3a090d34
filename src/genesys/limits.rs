//! The organization's real rate limit, from the `platform.api` limits
//! namespace (`GET /api/v2/organizations/limits/namespaces/platform.api`,
//! which needs no permission): the shared request budget becomes that limit
//! less [`RATE_MARGIN`], or [`REQUESTS_PER_MINUTE`] when it cannot be read.

use serde::Serialize;
use serde_json::Value;

use crate::engine::{Phase, RunOptions};
use crate::error::{decode_json, Result, Vendor};
use crate::http::{Api, Clock, HttpRequest, Transport};

use super::rules::{
    CLIENT_CREDENTIALS_RATE_KEY, LIMITS_NAMESPACE, RATE_MARGIN, TOKEN_RATE_KEY, TOKEN_RATE_LIMIT,
};
use super::Client;

/// The request rate this client keeps to, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
pub struct RateLimit {
    /// Requests per minute Genesys Cloud allows this token.
    pub limit: u64,
    /// Requests per minute the client allows itself (the limit less a margin).
    pub budget: u64,
    /// The limit's key in the `platform.api` namespace.
    pub key: String,
    /// Whether the limit was read from the organization (`false`: the
    /// documented default).
    pub from_organization: bool,
    /// Why the default is used, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub reason: Option<String>,
}

impl RateLimit {
    /// The limit, when it was read from the organization: the number that
    /// advice and error messages may quote (the default is only assumed).
    pub fn read_limit(&self) -> Option<u64> {
        self.from_organization.then_some(self.limit)
    }
}

/// The key that governs a token: the client-credentials one, or any token's.
pub fn rate_key(client_credentials: bool) -> &'static str {
    if client_credentials {
        CLIENT_CREDENTIALS_RATE_KEY
    } else {
        TOKEN_RATE_KEY
    }
}

/// `GET /api/v2/organizations/limits/namespaces/platform.api`.
pub fn limits_request(api: &Api<'_>) -> HttpRequest {
    api.get(&format!(
        "/api/v2/organizations/limits/namespaces/{LIMITS_NAMESPACE}"
    ))
}

/// The default limit, with the reason it is used.
pub fn default_rate_limit(client_credentials: bool, reason: String) -> RateLimit {
    RateLimit {
        limit: TOKEN_RATE_LIMIT,
        budget: TOKEN_RATE_LIMIT - RATE_MARGIN,
        key: rate_key(client_credentials).to_string(),
        from_organization: false,
        reason: Some(reason),
    }
}

/// The rate limit a `LimitsEntityListing` gives a token (its `Limit`s read
/// from the JSON as they come); the default when its key is missing or not a
/// number of at least 1.
pub fn rate_limit_from(listing: &Value, client_credentials: bool) -> RateLimit {
    let key = rate_key(client_credentials);
    let empty = Vec::new();
    let entities = listing
        .get("entities")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let value = entities
        .iter()
        .filter(|l| {
            l.get("namespace")
                .and_then(Value::as_str)
                .is_none_or(|n| n == LIMITS_NAMESPACE)
        })
        .find(|l| l.get("key").and_then(Value::as_str) == Some(key))
        .and_then(|l| l.get("value")?.as_f64())
        .filter(|v| v.is_finite() && *v >= 1.0 && *v <= 1e9);
    match value {
        Some(v) => {
            let limit = v.floor() as u64;
            RateLimit {
                limit,
                budget: limit.saturating_sub(RATE_MARGIN).max(1),
                key: key.to_string(),
                from_organization: true,
                reason: None,
            }
        }
        None => default_rate_limit(
            client_credentials,
            format!("the organization's limits do not list {key}"),
        ),
    }
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// Reads the token's rate limit from the organization and sets the
    /// shared request budget to it, less the margin (call it once per
    /// client). It never fails: when the limits cannot be read, the
    /// documented default is kept and the answer says why.
    pub async fn rate_limit(&self, opts: &RunOptions) -> RateLimit {
        let cc = self
            .conn
            .token_source()
            .is_some_and(|s| s.is_client_credentials());
        let found = self.read_limits(opts).await.map_or_else(
            |e| default_rate_limit(cc, format!("the limits could not be read: {}", e.message)),
            |listing| rate_limit_from(&listing, cc),
        );
        let mut budget = self.conn.budget().borrow_mut();
        match found.read_limit() {
            Some(limit) => budget.set_vendor_limit(limit, found.budget),
            None => budget.set_limit(found.budget),
        }
        drop(budget);
        found
    }

    async fn read_limits(&self, opts: &RunOptions) -> Result<Value> {
        opts.validate()?;
        let run = self.conn.run(opts);
        run.update(|p| p.phase = Phase::Submitting);
        let api = Api::new(&self.base, &self.token, "application/json");
        let response = run.send(&limits_request(&api)).await?;
        let listing = decode_json(&response.body, Vendor::Genesys, "limits")
            .map_err(|e| e.with_status(response.status))?;
        run.update(|p| p.phase = Phase::Done);
        Ok(listing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_key_follows_the_grant_and_the_budget_keeps_the_margin() {
        let l = listing(
            r#"{"entities":[{"key":"token.rate.per.minute","namespace":"platform.api","value":300},
                {"key":"client.credentials.token.rate.per.minute","namespace":"platform.api","value":600},
                {"key":"request.bytes.max","namespace":"platform.api","value":512000}]}"#,
        );
        let cc = rate_limit_from(&l, true);
        assert_eq!(
            (cc.limit, cc.budget, cc.from_organization),
            (600, 580, true)
        );
        assert_eq!(cc.read_limit(), Some(600));
        let user = rate_limit_from(&l, false);
        assert_eq!((user.limit, user.budget), (300, 280));
        assert_eq!(user.key, "token.rate.per.minute");
    }

    #[test]
    fn a_missing_or_odd_value_falls_back_to_280_with_a_reason() {
        for body in [
            r#"{"entities":[]}"#,
            r#"{"entities":[{"key":"token.rate.per.minute","value":-5}]}"#,
            r#"{"entities":[{"key":"token.rate.per.minute","value":0.4}],"extra":1}"#,
            r#"{"entities":[{"key":"token.rate.per.minute","value":"lots"}]}"#,
            r#"{"entities":"none"}"#,
        ] {
            let l = listing(body);
            let r = rate_limit_from(&l, false);
            assert_eq!((r.limit, r.budget, r.from_organization), (300, 280, false));
            assert_eq!(r.read_limit(), None, "the assumed default is not quoted");
            assert!(r.reason.unwrap().contains("token.rate.per.minute"));
        }
    }
}
