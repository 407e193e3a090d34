//! The Genesys Cloud rules for the engine: the request budget, 429 waits,
//! rate-limit headers, and what each error means.

use super::models::ErrorBody;
use crate::engine::{BudgetHint, Said, VendorRules};
use crate::error::Vendor;
use crate::http::HttpResponse;

/// Requests per minute Genesys Cloud allows one token by default (when the
/// organization's limits cannot be read).
pub const TOKEN_RATE_LIMIT: u64 = 300;

/// Requests a minute the client leaves unused under the token's limit, for
/// other tabs and tools.
pub const RATE_MARGIN: u64 = 20;

/// Requests per minute the client allows itself per token: under the
/// documented 300 per token per minute, leaving room for other tabs.
pub const REQUESTS_PER_MINUTE: u64 = TOKEN_RATE_LIMIT - RATE_MARGIN;

/// The limits namespace that holds the request rates.
pub const LIMITS_NAMESPACE: &str = "platform.api";

/// The limit of a token of any grant, requests per minute.
pub const TOKEN_RATE_KEY: &str = "token.rate.per.minute";

/// The limit of a client-credentials token, requests per minute.
pub const CLIENT_CREDENTIALS_RATE_KEY: &str = "client.credentials.token.rate.per.minute";

/// The permission the billing contract endpoints need.
pub const BILLING_PERMISSION: &str = "billing:subscription:view";

/// The monthly API allowance of one billable licence under the fair-use
/// policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FairUse {
    /// The key a user picks it by, such as `cx3-named`.
    pub key: &'static str,
    /// The licence, in words.
    pub licence: &'static str,
    /// API requests per licence per month.
    pub requests: u64,
}

/// The fair-use table: API requests per billable licence per month, named
/// or concurrent (the CX 2 and CX 3 rows hold for their Digital licences
/// too). Hourly licences get 1/111 of the named figure per billable hour.
pub const FAIR_USE: &[FairUse] = &[
    FairUse {
        key: "communicate-named",
        licence: "Communicate, named",
        requests: 10_000,
    },
    FairUse {
        key: "cx1-named",
        licence: "Genesys Cloud CX 1, named",
        requests: 75_000,
    },
    FairUse {
        key: "cx1-concurrent",
        licence: "Genesys Cloud CX 1, concurrent",
        requests: 97_500,
    },
    FairUse {
        key: "cx2-named",
        licence: "Genesys Cloud CX 2, named",
        requests: 110_000,
    },
    FairUse {
        key: "cx2-concurrent",
        licence: "Genesys Cloud CX 2, concurrent",
        requests: 143_000,
    },
    FairUse {
        key: "cx3-named",
        licence: "Genesys Cloud CX 3, named",
        requests: 140_000,
    },
    FairUse {
        key: "cx3-concurrent",
        licence: "Genesys Cloud CX 3, concurrent",
        requests: 182_000,
    },
    FairUse {
        key: "ex-named",
        licence: "Genesys Cloud EX, named",
        requests: 75_000,
    },
];

/// The fair-use row of a licence key (`cx3-named`), ignoring case.
pub fn fair_use(key: &str) -> Option<&'static FairUse> {
    FAIR_USE
        .iter()
        .find(|f| f.key.eq_ignore_ascii_case(key.trim()))
}

/// The Genesys rules for the engine: 429 waits, rate-limit headers, errors.
#[derive(Clone, Copy, Debug, Default)]
pub struct GenesysRules;

/// The permissions the reference names for the endpoint a path belongs to.
pub fn permissions_for(path: &str) -> &'static str {
    if path.contains("/billing/") {
        BILLING_PERMISSION
    } else if path.contains("/usage/aggregates/") {
        "usage:organization:view"
    } else if path.contains("/usage/client/") {
        "usage:client:view"
    } else if path.contains("/oauth/clients/") {
        "oauth:client:view or usage:client:view"
    } else if path.contains("/usage/simplesearch") {
        "oauth:client:view or usage:simpleSearch:view"
    } else {
        "oauth:client:view or usage:organization:view"
    }
}

/// The limit a 429 body names (`limit.value`, the `Limit` it ran into).
pub fn limit_in_body(body: &str) -> Option<u64> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("limit")?
        .get("value")?
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 1.0)
        .map(|n| n as u64)
}

/// The seconds in a 429 message such as "Retry the request in [7] seconds".
pub fn seconds_in_message(message: &str) -> Option<u64> {
    let start = message.find('[')? + 1;
    let end = start + message.get(start..)?.find(']')?;
    message.get(start..end)?.trim().parse().ok()
}

impl VendorRules for GenesysRules {
    fn vendor(&self) -> Vendor {
        Vendor::Genesys
    }

    fn rate_limit_wait_ms(&self, response: &HttpResponse, attempt: u32, _now_ms: u64) -> u64 {
        if let Some(secs) = response
            .header("retry-after")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
        {
            return (secs * 1000.0).ceil() as u64;
        }
        let from_message = serde_json::from_str::<ErrorBody>(&response.body)
            .ok()
            .and_then(|b| b.message)
            .and_then(|m| seconds_in_message(&m));
        match from_message {
            Some(secs) => secs.saturating_mul(1000),
            None => crate::engine::retry::exponential(5_000, attempt, 60_000),
        }
    }

    fn budget_hint(&self, response: &HttpResponse, now_ms: u64) -> BudgetHint {
        let allowed = response.header_u64("inin-ratelimit-allowed");
        let count = response.header_u64("inin-ratelimit-count");
        let reset = response.header_u64("inin-ratelimit-reset");
        BudgetHint {
            limit: allowed,
            remaining: allowed.zip(count).map(|(a, c)| a.saturating_sub(c)),
            reset_at_ms: reset.map(|s| now_ms.saturating_add(s.saturating_mul(1000))),
        }
    }

    fn said(&self, text: &str) -> Said {
        let body: Option<ErrorBody> = serde_json::from_str(text).ok();
        Said {
            message: body.as_ref().and_then(|b| b.message.clone()),
            code: body.as_ref().and_then(|b| b.code.clone()),
            correlation_id: body.and_then(|b| b.context_id),
            limit: limit_in_body(text),
        }
    }

    fn correlation_header(&self) -> &'static str {
        "inin-correlation-id"
    }

    fn advice(&self, status: u16, path: &str, said: &Said) -> String {
        match status {
            401 => format!(
                "Genesys Cloud did not accept the token{}: sign in again.",
                if said.code.as_deref() == Some("credentials.expired") {
                    " because it has expired"
                } else {
                    " (it is missing, invalid or expired)"
                }
            ),
            403 => format!(
                "Your Genesys Cloud role lacks the permission for this query: it needs {}. Ask an administrator to add it, then sign in again.",
                permissions_for(path)
            ),
            404 => "Genesys Cloud did not find this resource: check the OAuth client id, or run the query again (results expire).".into(),
            429 => format!(
                "Genesys Cloud is rate limiting this token{} and retrying did not get through. Wait a minute and run the query again.",
                said.limit
                    .map(|n| format!(" (its limit is {n} requests a minute)"))
                    .unwrap_or_default()
            ),
            400 => "Genesys Cloud rejected the query as invalid (400).".into(),
            s if s >= 500 => format!("Genesys Cloud had a server error ({s}) and retrying did not help. Try again in a few minutes."),
            s => format!("Genesys Cloud answered HTTP {s}."),
        }
    }

    fn unreachable_advice(&self) -> &'static str {
        "Check the network connection and the region; a firewall, VPN or browser extension may be blocking the API host."
    }
}
