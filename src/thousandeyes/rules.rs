//! The ThousandEyes rules for the engine: the request budget, 429 waits,
//! rate-limit headers, and what each error means.

use super::models::Problem;
use crate::engine::{BudgetHint, Said, VendorRules};
use crate::error::Vendor;
use crate::http::HttpResponse;

/// Requests per minute ThousandEyes allows one organization, shared by every
/// integration of it.
pub const ORGANIZATION_RATE_LIMIT: u64 = 240;

/// Requests per minute the client allows itself: under the organization's
/// 240, which every integration of the organization shares.
pub const REQUESTS_PER_MINUTE: u64 = ORGANIZATION_RATE_LIMIT - 40;

/// The ThousandEyes rules for the engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThousandEyesRules;

impl VendorRules for ThousandEyesRules {
    fn vendor(&self) -> Vendor {
        Vendor::ThousandEyes
    }

    fn rate_limit_wait_ms(&self, response: &HttpResponse, attempt: u32, now_ms: u64) -> u64 {
        if let Some(reset) = response.header_u64("x-organization-rate-limit-reset") {
            // Wait until the window rolls over, plus a little so we land after it.
            return reset
                .saturating_mul(1000)
                .saturating_sub(now_ms)
                .saturating_add(250);
        }
        if let Some(secs) = response.header_u64("retry-after") {
            return secs.saturating_mul(1000);
        }
        crate::engine::retry::exponential(1_000, attempt, 60_000)
    }

    fn budget_hint(&self, response: &HttpResponse, _now_ms: u64) -> BudgetHint {
        BudgetHint {
            limit: response.header_u64("x-organization-rate-limit-limit"),
            remaining: response.header_u64("x-organization-rate-limit-remaining"),
            reset_at_ms: response
                .header_u64("x-organization-rate-limit-reset")
                .map(|s| s.saturating_mul(1000)),
        }
    }

    fn said(&self, body: &str) -> Said {
        let problem: Option<Problem> = serde_json::from_str(body).ok();
        Said {
            message: problem.as_ref().and_then(Problem::summary),
            code: problem.as_ref().and_then(|p| p.error.clone()),
            correlation_id: problem.and_then(|p| p.instance),
            limit: None,
        }
    }

    fn correlation_header(&self) -> &'static str {
        "x-request-id"
    }

    fn advice(&self, status: u16, path: &str, _said: &Said) -> String {
        let permission = if path.contains("/quotas") {
            "Edit organization and account group quotas"
        } else {
            "View organization usage"
        };
        match status {
            401 => "ThousandEyes did not accept the token: it is invalid or expired, or the account is locked. Create a new one under Manage > Account Settings > Users and Roles > Profile > User API Tokens.".into(),
            403 => format!("Your ThousandEyes role lacks the permission \"{permission}\" (and \"API access\"). Ask an administrator to add it."),
            404 => "ThousandEyes did not find this resource; check the base URL (it should end before /v7).".into(),
            429 => format!("ThousandEyes is rate limiting your organization ({ORGANIZATION_RATE_LIMIT} requests a minute, shared by every integration) and retrying did not get through. Wait a minute and try again."),
            400 => "ThousandEyes rejected the request as invalid (400).".into(),
            s if s >= 500 => format!("ThousandEyes had a server error ({s}) and retrying did not help. Try again in a few minutes."),
            s => format!("ThousandEyes answered HTTP {s}."),
        }
    }

    fn unreachable_advice(&self) -> &'static str {
        "From a browser this is most often CORS: the ThousandEyes API may not accept calls from web pages. Set a proxy base URL (see the README) and try again."
    }
}
