//! Pure request builders for the Genesys usage endpoints. Every input is
//! checked (by [`validate`](super::validate)) before anything is sent.

use super::validate::{
    check_id, check_interval, check_summary_days, invalid, SUMMARY_DEFAULT_DAYS,
};
use crate::error::Result;
use crate::http::{query_string, AccessToken, Api, HttpRequest};

use super::models::*;

/// Path of an organization job.
pub fn org_job_path(job_id: &str) -> String {
    format!("/api/v2/usage/aggregates/query/jobs/{job_id}")
}

/// Path of a client job.
pub fn client_job_path(client_id: &str, job_id: &str) -> String {
    format!("/api/v2/usage/client/{client_id}/aggregates/query/jobs/{job_id}")
}

/// Builds requests on one base URL with one token.
pub struct Builder<'a>(Api<'a>);

impl<'a> Builder<'a> {
    /// A builder.
    pub fn new(base: &'a str, token: &'a AccessToken) -> Self {
        Builder(Api::new(base, token, "application/json"))
    }

    fn get(&self, path_and_query: &str) -> HttpRequest {
        self.0.get(path_and_query)
    }

    fn post<B: serde::Serialize>(&self, path: &str, body: &B) -> Result<HttpRequest> {
        let json = serde_json::to_string(body)
            .map_err(|e| invalid(format!("the query could not be encoded: {e}")))?;
        Ok(self.0.post_json(path, json))
    }

    /// `POST /api/v2/usage/query`.
    pub fn organization_query(&self, q: &ApiUsageOrganizationQuery) -> Result<HttpRequest> {
        check_interval(&q.interval)?;
        self.post("/api/v2/usage/query", q)
    }

    /// `GET /api/v2/usage/query/{executionId}/results`.
    pub fn organization_results(&self, execution_id: &str) -> Result<HttpRequest> {
        let id = check_id("executionId", execution_id)?;
        Ok(self.get(&format!("/api/v2/usage/query/{id}/results")))
    }

    /// `POST /api/v2/oauth/clients/{clientId}/usage/query`.
    pub fn client_query(&self, client_id: &str, q: &ApiUsageClientQuery) -> Result<HttpRequest> {
        let cid = check_id("clientId", client_id)?;
        check_interval(&q.interval)?;
        self.post(&format!("/api/v2/oauth/clients/{cid}/usage/query"), q)
    }

    /// `GET /api/v2/oauth/clients/{clientId}/usage/query/results/{executionId}`.
    pub fn client_results(&self, client_id: &str, execution_id: &str) -> Result<HttpRequest> {
        let cid = check_id("clientId", client_id)?;
        let id = check_id("executionId", execution_id)?;
        Ok(self.get(&format!(
            "/api/v2/oauth/clients/{cid}/usage/query/results/{id}"
        )))
    }

    /// `GET /api/v2/tokens/me`.
    pub fn token_info(&self) -> HttpRequest {
        self.get("/api/v2/tokens/me")
    }

    /// `GET /api/v2/oauth/clients/{clientId}/usage/summary?days=N`.
    pub fn client_summary(&self, client_id: &str, days: Option<u32>) -> Result<HttpRequest> {
        let cid = check_id("clientId", client_id)?;
        let days = check_summary_days(days.unwrap_or(SUMMARY_DEFAULT_DAYS))?;
        Ok(self.get(&format!(
            "/api/v2/oauth/clients/{cid}/usage/summary{}",
            query_string(&[("days", days.to_string())])
        )))
    }

    /// `POST /api/v2/usage/simplesearch`.
    pub fn simple_search(&self, s: &ApiUsageSimpleSearch) -> Result<HttpRequest> {
        check_interval(&s.interval)?;
        for (what, list) in [
            ("oauthClientNames", &s.oauth_client_names),
            ("templateUris", &s.template_uris),
        ] {
            if let Some(list) = list {
                if list.iter().any(|v| v.trim().is_empty()) {
                    return Err(invalid(format!("{what} contains an empty value")));
                }
            }
        }
        self.post("/api/v2/usage/simplesearch", s)
    }

    /// `GET /api/v2/usage/simplesearch/{executionId}/results?pageSize=&after=`.
    pub fn simple_search_results(
        &self,
        execution_id: &str,
        page_size: u32,
        after: Option<&str>,
    ) -> Result<HttpRequest> {
        let id = check_id("executionId", execution_id)?;
        let mut q = vec![("pageSize", page_size.to_string())];
        if let Some(a) = after {
            q.push(("after", a.to_string()));
        }
        Ok(self.get(&format!(
            "/api/v2/usage/simplesearch/{id}/results{}",
            query_string(&q)
        )))
    }

    /// `POST /api/v2/usage/aggregates/query/jobs`.
    pub fn aggregates_job(
        &self,
        r: &OrganizationPublicApiUsageQueryRequest,
        now_ms: u64,
    ) -> Result<HttpRequest> {
        super::check_job_interval(&r.interval, now_ms)?;
        self.post("/api/v2/usage/aggregates/query/jobs", r)
    }

    /// `POST /api/v2/usage/client/{clientId}/aggregates/query/jobs`.
    pub fn client_aggregates_job(
        &self,
        client_id: &str,
        r: &ClientPublicApiUsageQueryRequest,
        now_ms: u64,
    ) -> Result<HttpRequest> {
        let cid = check_id("clientId", client_id)?;
        super::check_job_interval(&r.interval, now_ms)?;
        self.post(
            &format!("/api/v2/usage/client/{cid}/aggregates/query/jobs"),
            r,
        )
    }

    /// `GET {jobPath}?pageSize=&after=`.
    pub fn job_page(&self, job_path: &str, page_size: u32, after: Option<&str>) -> HttpRequest {
        let mut q = vec![("pageSize", page_size.to_string())];
        if let Some(a) = after {
            q.push(("after", a.to_string()));
        }
        self.get(&format!("{job_path}{}", query_string(&q)))
    }

    /// A `nextUri` without an `after` parameter, followed only when it stays
    /// on the job's own path (and always on this client's base URL).
    pub fn same_path(&self, job_path: &str, next_uri: &str) -> Option<HttpRequest> {
        let pq = crate::http::path_and_query(next_uri);
        let path = crate::http::path_of(pq);
        (path == job_path && !pq.contains("..")).then(|| self.get(pq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> AccessToken {
        AccessToken::new("t0k3n").unwrap()
    }

    #[test]
    fn ids_that_would_change_the_path_are_refused() {
        for bad in [
            "",
            "..",
            "a/b",
            "a?b",
            "a#b",
            "a%2Fb",
            "a b",
            "../../tokens/me",
            "é",
        ] {
            assert!(check_id("clientId", bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            check_id("clientId", "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa").unwrap(),
            "3f1c2a9e-7b44-4c0e-9f7a-2d5b8e61c0aa"
        );
    }

    #[test]
    fn paths_follow_the_reference_shapes() {
        let t = token();
        let b = Builder::new("https://api.mypurecloud.com", &t);
        assert_eq!(
            b.client_results("c1", "e1").unwrap().url,
            "https://api.mypurecloud.com/api/v2/oauth/clients/c1/usage/query/results/e1"
        );
        assert_eq!(
            b.organization_results("e1").unwrap().url,
            "https://api.mypurecloud.com/api/v2/usage/query/e1/results"
        );
        assert_eq!(
            b.simple_search_results("e1", 1000, Some("a+b=")).unwrap().url,
            "https://api.mypurecloud.com/api/v2/usage/simplesearch/e1/results?pageSize=1000&after=a%2Bb%3D"
        );
        assert_eq!(
            b.client_summary("c1", None).unwrap().url,
            "https://api.mypurecloud.com/api/v2/oauth/clients/c1/usage/summary?days=7"
        );
        let req = b.simple_search_results("e1", 10, None).unwrap();
        assert_eq!(req.header_value("authorization"), Some("Bearer t0k3n"));
        assert!(!req.url.contains("t0k3n"));
    }

    #[test]
    fn bodies_leave_out_what_is_not_set() {
        let t = token();
        let b = Builder::new("https://api.mypurecloud.com", &t);
        let q = ApiUsageOrganizationQuery {
            interval: "2026-07-01/2026-07-08".into(),
            group_by: Some(vec![]),
            ..Default::default()
        };
        let req = b.organization_query(&q).unwrap();
        assert_eq!(
            req.body.as_deref(),
            Some(r#"{"interval":"2026-07-01/2026-07-08"}"#)
        );
        assert_eq!(req.header_value("content-type"), Some("application/json"));
    }

    #[test]
    fn days_must_be_positive() {
        let t = token();
        let b = Builder::new("https://x.test", &t);
        assert!(b.client_summary("c1", Some(0)).is_err());
        assert!(b.client_summary("c1", Some(30)).is_ok());
    }

    #[test]
    fn next_uris_never_leave_the_job_path() {
        let t = token();
        let b = Builder::new("https://api.mypurecloud.com", &t);
        let path = org_job_path("j1");
        assert!(b
            .same_path(
                &path,
                "https://evil.example/api/v2/usage/aggregates/query/jobs/j1?x=1"
            )
            .is_some_and(|r| r.url.starts_with("https://api.mypurecloud.com/")));
        assert!(b.same_path(&path, "/api/v2/tokens/me").is_none());
    }
}
