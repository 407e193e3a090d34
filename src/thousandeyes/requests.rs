//! Pure request builders for the ThousandEyes usage endpoints. Every input
//! is checked (by [`validate`](super::validate)) before anything is sent.

use super::models::*;
use super::validate::{check_aid, check_range};
use crate::error::Result;
use crate::http::{query_string, AccessToken, Api, HttpRequest};

/// Builds requests on one base URL with one token.
pub struct Builder<'a>(Api<'a>);

impl<'a> Builder<'a> {
    /// A builder for `base` (already checked) and `token`.
    pub fn new(base: &'a str, token: &'a AccessToken) -> Self {
        Builder(Api::new(
            base,
            token,
            "application/hal+json, application/json",
        ))
    }

    /// `GET {path}?{query}`.
    pub fn get(&self, path: &str, query: &[(&str, String)]) -> HttpRequest {
        self.0.get(&format!("{path}{}", query_string(query)))
    }

    /// `GET /v7/usage`.
    pub fn usage(&self, params: &UsageParams) -> Result<HttpRequest> {
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

    /// `GET /v7/quotas`.
    pub fn quotas(&self) -> HttpRequest {
        self.get("/v7/quotas", &[])
    }
}

/// The query of `GET /v7/usage/units/tests` (without the page cursor).
pub fn tests_units_query(params: &TestsUnitsParams) -> Result<Vec<(&'static str, String)>> {
    let mut q = Vec::new();
    if let Some(aid) = &params.aid {
        q.push(("aid", check_aid(aid)?));
    }
    q.extend(check_range(
        params.start_date.as_deref(),
        params.end_date.as_deref(),
    )?);
    Ok(q)
}

/// The query of `GET /v7/usage/units/enterprise-agents` (without the cursor).
pub fn enterprise_units_query(
    params: &EnterpriseAgentsUnitsParams,
) -> Result<Vec<(&'static str, String)>> {
    check_range(params.start_date.as_deref(), params.end_date.as_deref())
}
