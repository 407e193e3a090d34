//! The ThousandEyes v7 usage API: usage of the current billing period, units
//! per test and per enterprise agent over a range (every page merged), and
//! quotas — within the organization's rate limit.
//!
//! # Example
//! ```no_run
//! # async fn demo() -> usage_lens::Result<()> {
//! use usage_lens::thousandeyes::{Client, TestsUnitsParams};
//! use usage_lens::engine::RunOptions;
//! # use usage_lens::transport::fake::{FakeTransport, VirtualClock};
//! # let clock = VirtualClock::new(0);
//! # let transport = FakeTransport::new(clock.clone(), |_, _| Ok(usage_lens::http::HttpResponse::new(200, "{}")));
//! let te = Client::new(None, "my-bearer-token", transport, clock)?;
//! let units = te
//!     .tests_units_usage(
//!         &TestsUnitsParams {
//!             start_date: Some("2026-06-01T00:00:00Z".into()),
//!             end_date: Some("2026-06-15T00:00:00Z".into()),
//!             ..Default::default()
//!         },
//!         &RunOptions::default(),
//!     )
//!     .await?;
//! println!("{} tests", units.breakdowns.len());
//! # Ok(()) }
//! ```

pub mod models;
pub mod pages;

use std::cell::RefCell;
use std::rc::Rc;

pub use models::*;
pub use pages::{BreakdownsPage, Document, RawBreakdowns, RawDocument};

use crate::engine::{
    BudgetHint, Connection, Phase, RateBudget, RetryPolicy, Run, RunOptions, VendorRules,
};
use crate::error::{decode_checked, decode_json, snippet, Error, ErrorKind, Result, Vendor};
use crate::http::{
    path_of, query_param, query_string, AccessToken, Clock, HttpRequest, HttpResponse, Method,
    Transport,
};
use crate::time::{format_timestamp, parse_instant, Precision};

/// The only API host ThousandEyes documents.
pub const DEFAULT_BASE_URL: &str = "https://api.thousandeyes.com";

/// Requests per minute the client allows itself: under the organization's
/// 240, which every integration of the organization shares.
pub const REQUESTS_PER_MINUTE: u64 = 200;

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

    fn error_for(&self, response: &HttpResponse, request: &HttpRequest) -> Error {
        let problem: Option<Problem> = serde_json::from_str(&response.body).ok();
        let said = problem
            .as_ref()
            .and_then(Problem::summary)
            .map(|s| format!(" ThousandEyes said: \"{}\"", snippet(&s, 300)))
            .unwrap_or_default();
        let path = path_of(&request.url);
        let permission = if path.contains("/quotas") {
            "Edit organization and account group quotas"
        } else {
            "View organization usage"
        };
        let message = match response.status {
            401 => format!("ThousandEyes did not accept the token: it is invalid or expired, or the account is locked. Create a new one under Manage > Account Settings > Users and Roles > Profile > User API Tokens.{said}"),
            403 => format!("Your ThousandEyes role lacks the permission \"{permission}\" (and \"API access\"). Ask an administrator to add it.{said}"),
            404 => format!("ThousandEyes did not find this resource; check the base URL (it should end before /v7).{said}"),
            429 => format!("ThousandEyes is rate limiting your organization (240 requests a minute, shared by every integration) and retrying did not get through. Wait a minute and try again.{said}"),
            400 => format!("ThousandEyes rejected the request as invalid (400).{said}"),
            s if s >= 500 => format!("ThousandEyes had a server error ({s}) and retrying did not help. Try again in a few minutes.{said}"),
            s => format!("ThousandEyes answered HTTP {s}.{said}"),
        };
        let correlation_id = response
            .header("x-request-id")
            .map(str::to_string)
            .or_else(|| problem.as_ref().and_then(|p| p.instance.clone()));
        Error::from_response(
            Vendor::ThousandEyes,
            response.status,
            &response.body,
            message,
            correlation_id,
        )
    }

    fn network_error(&self, detail: &str) -> Error {
        Error::new(
            ErrorKind::Network,
            format!(
                "Could not reach ThousandEyes ({detail}). From a browser this is most often CORS: the ThousandEyes API may not accept calls from web pages. Set a proxy base URL (see the README) and try again."
            ),
        )
        .with_vendor(Vendor::ThousandEyes)
    }
}

fn invalid(message: String) -> Error {
    Error::invalid_input(message).with_vendor(Vendor::ThousandEyes)
}

/// Checks an account group id: digits only.
pub fn check_aid(aid: &str) -> Result<String> {
    let t = aid.trim();
    if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!(
            "aid `{}` must be a numeric account group id, such as 1234",
            snippet(t, 40)
        )));
    }
    Ok(t.to_string())
}

/// Checks a date parameter: a full UTC timestamp; returns it as
/// `YYYY-MM-DDTHH:MM:SSZ` and in seconds.
pub fn check_date(what: &str, text: &str) -> Result<(String, i64)> {
    let i = parse_instant(text).map_err(|m| invalid(format!("{what}: {m}")))?;
    if i.precision != Precision::Time {
        return Err(invalid(format!(
            "{what} `{}` must be a full UTC timestamp such as 2026-06-01T00:00:00Z",
            snippet(text, 40)
        )));
    }
    Ok((format_timestamp(i.secs), i.secs))
}

/// Checks a date range: both dates, only a start, or neither.
pub fn check_range(start: Option<&str>, end: Option<&str>) -> Result<Vec<(&'static str, String)>> {
    let mut q = Vec::new();
    match (start, end) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err(invalid(
                "endDate needs a startDate too (ThousandEyes refuses an end without a start)"
                    .into(),
            ))
        }
        (Some(s), e) => {
            let (s_text, s_secs) = check_date("startDate", s)?;
            q.push(("startDate", s_text));
            if let Some(e) = e {
                let (e_text, e_secs) = check_date("endDate", e)?;
                if s_secs > e_secs {
                    return Err(invalid("startDate is after endDate".into()));
                }
                q.push(("endDate", e_text));
            }
        }
    }
    Ok(q)
}

/// Checks a base URL (default [`DEFAULT_BASE_URL`]); a trailing `/v7` is dropped.
pub fn resolve_base(base_url: Option<&str>) -> Result<String> {
    let base = base_url
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or(DEFAULT_BASE_URL);
    let base = crate::http::normalize_base_url(base)
        .map_err(|m| invalid(format!("{m}. Leave it empty for {DEFAULT_BASE_URL}.")))?;
    Ok(base.strip_suffix("/v7").unwrap_or(&base).to_string())
}

/// A ThousandEyes usage client over any transport and clock.
pub struct Client<T: Transport, C: Clock> {
    base: String,
    token: AccessToken,
    conn: Connection<T, C>,
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// A client. `base_url` defaults to `https://api.thousandeyes.com`; give a
    /// proxy (`/te-proxy` on the app's origin, or an https:// URL) when the
    /// browser may not call the API directly.
    pub fn new(base_url: Option<&str>, token: &str, transport: T, clock: C) -> Result<Self> {
        let base = resolve_base(base_url)?;
        let token = AccessToken::new(token).map_err(|m| invalid(format!("ThousandEyes: {m}")))?;
        Ok(Client {
            base,
            token,
            conn: Connection::new(transport, clock, &ThousandEyesRules, REQUESTS_PER_MINUTE),
        })
    }

    /// Shares a rate budget with other clients of the same organization.
    pub fn with_budget(mut self, budget: Rc<RefCell<RateBudget>>) -> Self {
        self.conn = self.conn.with_budget(budget);
        self
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &T {
        self.conn.transport()
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.conn = self.conn.with_retry_policy(policy);
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn get(&self, path: &str, query: &[(&str, String)]) -> HttpRequest {
        HttpRequest::new(
            Method::Get,
            format!("{}{}{}", self.base, path, query_string(query)),
        )
        .header("Authorization", self.token.bearer())
        .header("Accept", "application/hal+json, application/json")
    }

    /// The request for `GET /v7/usage`.
    pub fn usage_request(&self, params: &UsageParams) -> Result<HttpRequest> {
        let mut q = Vec::new();
        if let Some(aid) = &params.aid {
            q.push(("aid", check_aid(aid)?));
        }
        if let Some(expand) = params.expand.as_ref().filter(|e| !e.is_empty()) {
            let mut names: Vec<&str> = expand.iter().map(|e| e.as_str()).collect();
            names.dedup();
            q.push(("expand", names.join(",")));
        }
        Ok(self.get("/v7/usage", &q))
    }

    /// Usage of the current billing period.
    pub async fn usage(&self, params: &UsageParams, opts: &RunOptions) -> Result<Usage> {
        self.usage_as(params, opts).await
    }

    /// [`Self::usage`] typed, or as [`RawDocument`] (the vendor's JSON).
    pub async fn usage_as<P: Document>(
        &self,
        params: &UsageParams,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let req = self.usage_request(params)?;
        self.one_page(&req, opts, "usage answer").await
    }

    /// Cloud and enterprise units per test over a range, every page merged.
    pub async fn tests_units_usage(
        &self,
        params: &TestsUnitsParams,
        opts: &RunOptions,
    ) -> Result<TestsUsage> {
        self.tests_units_usage_as(params, opts).await
    }

    /// [`Self::tests_units_usage`] typed, or as [`RawBreakdowns`] (the
    /// vendor's JSON rows).
    pub async fn tests_units_usage_as<P: BreakdownsPage>(
        &self,
        params: &TestsUnitsParams,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let mut q = Vec::new();
        if let Some(aid) = &params.aid {
            q.push(("aid", check_aid(aid)?));
        }
        q.extend(check_range(
            params.start_date.as_deref(),
            params.end_date.as_deref(),
        )?);
        let run = self.conn.run(opts);
        self.all_pages(&run, "/v7/usage/units/tests", &q).await
    }

    /// Enterprise-agent units per (account group, agent) over a range, merged.
    pub async fn enterprise_agent_units_usage(
        &self,
        params: &EnterpriseAgentsUnitsParams,
        opts: &RunOptions,
    ) -> Result<EnterpriseAgentsUsage> {
        self.enterprise_agent_units_usage_as(params, opts).await
    }

    /// [`Self::enterprise_agent_units_usage`] typed, or as [`RawBreakdowns`].
    pub async fn enterprise_agent_units_usage_as<P: BreakdownsPage>(
        &self,
        params: &EnterpriseAgentsUnitsParams,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let q = check_range(params.start_date.as_deref(), params.end_date.as_deref())?;
        let run = self.conn.run(opts);
        self.all_pages(&run, "/v7/usage/units/enterprise-agents", &q)
            .await
    }

    /// The quotas the caller may see (read-only).
    pub async fn quotas(&self, opts: &RunOptions) -> Result<Quotas> {
        self.quotas_as(opts).await
    }

    /// [`Self::quotas`] typed, or as [`RawDocument`].
    pub async fn quotas_as<P: Document>(&self, opts: &RunOptions) -> Result<P> {
        opts.validate()?;
        let req = self.get("/v7/quotas", &[]);
        self.one_page(&req, opts, "quotas answer").await
    }

    /// Sends one request and reads its answer.
    async fn one_page<P: Document>(
        &self,
        req: &HttpRequest,
        opts: &RunOptions,
        what: &str,
    ) -> Result<P> {
        let run = self.conn.run(opts);
        run.update(|p| p.phase = Phase::Submitting);
        let response = run.send(req).await?;
        let doc: P = decode_json(&response.body, Vendor::ThousandEyes, what)
            .map_err(|e| e.with_status(response.status))?;
        let rows = doc.rows();
        run.update(|p| {
            p.phase = Phase::Done;
            p.pages = 1;
            p.rows = rows;
        });
        Ok(doc)
    }

    /// Reads every page of a paged endpoint by re-issuing the original call
    /// with the cursor of `_links.next` (so requests stay on this client's
    /// base URL, proxy included), stopping on a missing link, a link without
    /// a cursor, or a repeated cursor.
    async fn all_pages<P: BreakdownsPage>(
        &self,
        run: &Run<'_, T, C>,
        path: &str,
        query: &[(&'static str, String)],
    ) -> Result<P> {
        run.update(|p| p.phase = Phase::Submitting);
        let mut acc: P = self.page(run, path, query, None).await?;
        let next = next_cursor(acc.links());
        if let Some(links) = acc.links().as_mut() {
            links.next = None;
        }
        run.follow_pages(&mut acc, next, 0, None, async |cursor| {
            let mut page: P = self.page(run, path, query, Some(cursor)).await?;
            let next = next_cursor(page.links());
            Ok((page, next))
        })
        .await?;
        run.update(|p| p.phase = Phase::Done);
        Ok(acc)
    }

    /// One page of a paged endpoint: the original call, with `cursor`.
    async fn page<P: BreakdownsPage>(
        &self,
        run: &Run<'_, T, C>,
        path: &str,
        query: &[(&'static str, String)],
        cursor: Option<&str>,
    ) -> Result<P> {
        let mut q: Vec<(&str, String)> = query.to_vec();
        if let Some(c) = cursor {
            q.push(("cursor", c.to_string()));
        }
        let response = run.send(&self.get(path, &q)).await?;
        decode_checked(&response.body, Vendor::ThousandEyes, "page", P::check_rows)
            .map_err(|e| e.with_status(response.status))
    }
}

/// The cursor of a page's `_links.next`.
fn next_cursor(links: &Option<PaginationLinks>) -> Option<String> {
    links
        .as_ref()
        .and_then(|l| l.next.as_ref())
        .and_then(|n| n.href.as_deref())
        .and_then(|href| query_param(href, "cursor"))
}
