//! The ThousandEyes usage client: every flow, through the engine's drivers.

use super::models::*;
use super::pages::{BreakdownsPage, Document};
use super::requests::{enterprise_units_query, tests_units_query, Builder};
use super::rules::{ThousandEyesRules, REQUESTS_PER_MINUTE};
use super::validate::{invalid, resolve_base};
use crate::engine::{Phase, Run, RunOptions};
use crate::error::{decode_checked, decode_json, Result, Vendor};
use crate::http::{query_param, AccessToken, Clock, HttpRequest, Transport};

/// A ThousandEyes usage client over any transport and clock.
pub type Client<T, C> = crate::engine::Client<ThousandEyesRules, T, C>;

impl<T: Transport, C: Clock> Client<T, C> {
    /// A client. `base_url` defaults to `https://api.thousandeyes.com`; give a
    /// proxy (`/te-proxy` on the app's origin, or an https:// URL) when the
    /// browser may not call the API directly.
    pub fn new(base_url: Option<&str>, token: &str, transport: T, clock: C) -> Result<Self> {
        let base = resolve_base(base_url)?;
        let token = AccessToken::new(token).map_err(|m| invalid(format!("ThousandEyes: {m}")))?;
        Ok(Client::assemble(
            base,
            token,
            &ThousandEyesRules,
            REQUESTS_PER_MINUTE,
            transport,
            clock,
        ))
    }

    fn req(&self) -> Builder<'_> {
        Builder::new(&self.base, &self.token)
    }

    /// The request for `GET /v7/usage`.
    pub fn usage_request(&self, params: &UsageParams) -> Result<HttpRequest> {
        self.req().usage(params)
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
        let q = tests_units_query(params)?;
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
        let q = enterprise_units_query(params)?;
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
        let req = self.req().quotas();
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
        let response = run.send(&self.req().get(path, &q)).await?;
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
