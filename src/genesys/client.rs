//! The Genesys Cloud usage client: every flow, through the engine's drivers.

use super::kept::{run_kept, BucketStore, Keep};
use super::models::*;
use super::pages::{JobPage, KeptPage, ResultsPage};
use super::parts::run_job_parts;
use super::requests;
use super::rules::{GenesysRules, REQUESTS_PER_MINUTE};
use super::validate::{
    check_id, check_interval, job_bucket, job_parts, resolve_base, DEFAULT_PAGE_SIZE,
    SIMPLE_SEARCH_CAP,
};
use std::cell::{Cell, RefCell};

use crate::engine::parts::{run_waves, PartFuture};
use crate::engine::{Check, Phase, Run, RunOptions, WalkEnd};
use crate::error::{decode_checked, decode_json, snippet, Error, ErrorKind, Result, Vendor};
use crate::http::{query_param, AccessToken, Clock, HttpRequest, Transport};
use crate::time::Interval;

/// A Genesys Cloud usage client over any transport and clock.
pub type Client<T, C> = crate::engine::Client<GenesysRules, T, C>;

impl<T: Transport, C: Clock> Client<T, C> {
    /// A client for `base_url` — a region domain (`mypurecloud.com`), its API
    /// host, or any `https://` base (a proxy, or the simulator on loopback).
    pub fn new(base_url: &str, token: &str, transport: T, clock: C) -> Result<Self> {
        let base = resolve_base(base_url)?;
        let token = AccessToken::new(token).map_err(|m| {
            Error::invalid_input(format!("Genesys Cloud: {m}")).with_vendor(Vendor::Genesys)
        })?;
        Ok(Client::assemble(
            base,
            token,
            &GenesysRules,
            REQUESTS_PER_MINUTE,
            transport,
            clock,
        ))
    }

    fn req(&self) -> requests::Builder<'_> {
        requests::Builder::new(&self.base, &self.token)
    }

    /// Runs an organization usage query (legacy executions) to completion.
    pub async fn query_organization_usage(
        &self,
        query: &ApiUsageOrganizationQuery,
        opts: &RunOptions,
    ) -> Result<ApiUsageQueryResult> {
        self.query_organization_usage_as(query, opts).await
    }

    /// [`Self::query_organization_usage`] with the page type of the caller's choice: typed
    /// rows, or [`RawQueryResult`] to keep the rows as the vendor's JSON.
    pub async fn query_organization_usage_as<P: ResultsPage>(
        &self,
        query: &ApiUsageOrganizationQuery,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let submit = self.req().organization_query(query)?;
        self.run_execution(opts, &submit, |b, exec| b.organization_results(exec))
            .await
    }

    /// Runs the usage query of one OAuth client (legacy executions).
    pub async fn query_client_usage(
        &self,
        client_id: &str,
        query: &ApiUsageClientQuery,
        opts: &RunOptions,
    ) -> Result<ApiUsageQueryResult> {
        self.query_client_usage_as(client_id, query, opts).await
    }

    /// [`Self::query_client_usage`] with the page type of the caller's choice: typed
    /// rows, or [`RawQueryResult`] to keep the rows as the vendor's JSON.
    pub async fn query_client_usage_as<P: ResultsPage>(
        &self,
        client_id: &str,
        query: &ApiUsageClientQuery,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let submit = self.req().client_query(client_id, query)?;
        self.run_execution(opts, &submit, |b, exec| b.client_results(client_id, exec))
            .await
    }

    /// The usage summary of one OAuth client over the last `days` days (7 if
    /// `None`). It starts an execution, which is polled like the others.
    pub async fn client_usage_summary(
        &self,
        client_id: &str,
        days: Option<u32>,
        opts: &RunOptions,
    ) -> Result<ApiUsageQueryResult> {
        self.client_usage_summary_as(client_id, days, opts).await
    }

    /// [`Self::client_usage_summary`] with the page type of the caller's choice: typed
    /// rows, or [`RawQueryResult`] to keep the rows as the vendor's JSON.
    pub async fn client_usage_summary_as<P: ResultsPage>(
        &self,
        client_id: &str,
        days: Option<u32>,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let submit = self.req().client_summary(client_id, days)?;
        self.run_execution(opts, &submit, |b, exec| b.client_results(client_id, exec))
            .await
    }

    /// Who the token belongs to (`GET /api/v2/tokens/me`), with this
    /// client's retries, rate budget and time limit.
    pub async fn token_info(&self, opts: &RunOptions) -> Result<TokenInfo> {
        opts.validate()?;
        let run = self.conn.run(opts);
        run.update(|p| p.phase = Phase::Submitting);
        let response = run.send(&self.req().token_info()).await?;
        let info = decode_json(&response.body, Vendor::Genesys, "token details")
            .map_err(|e| e.with_status(response.status))?;
        self.finish(&run);
        Ok(info)
    }

    /// Runs a simple search and reads every page. With `split_on_cap`, a
    /// search that reaches the 20,000-record cap is split into halves of its
    /// interval until every part is under the cap, and the parts are merged.
    pub async fn simple_search(
        &self,
        search: &ApiUsageSimpleSearch,
        opts: &RunOptions,
    ) -> Result<ApiUsageQueryResult> {
        self.simple_search_as(search, opts).await
    }

    /// [`Self::simple_search`] with the page type of the caller's choice: typed
    /// rows, or [`RawQueryResult`] to keep the rows as the vendor's JSON.
    pub async fn simple_search_as<P: ResultsPage>(
        &self,
        search: &ApiUsageSimpleSearch,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let interval = check_interval(&search.interval)?;
        let run = self.conn.run(opts);
        let mut first: P = self.simple_search_once(&run, search, Vec::new()).await?;
        if !(*first.capped() && opts.split_on_cap) {
            self.finish(&run);
            return Ok(first);
        }
        // Split: halves, searched one at a time by engine::parts::run_waves,
        // each capped half halved again for the next wave.
        let Some((a, b)) = interval.halves() else {
            self.finish(&run);
            return Ok(first);
        };
        let finished: RefCell<Vec<(i64, Vec<P::Row>)>> = RefCell::default();
        let (done, total, capped) = (Cell::new(0u32), Cell::new(2u32), Cell::new(false));
        run.update(|p| {
            p.parts_done = Some(0);
            p.parts_total = Some(2);
            p.rows = 0;
            p.capped = false;
        });
        let search_part = |part: Interval| {
            let (run, finished) = (&run, &finished);
            let (done, total, capped) = (&done, &total, &capped);
            async move {
                let sub = ApiUsageSimpleSearch {
                    interval: part.format(),
                    ..search.clone()
                };
                // The rows so far go in front, so a failure hands them back.
                let carry: Vec<P::Row> = finished
                    .borrow()
                    .iter()
                    .flat_map(|(_, r)| r.iter().cloned())
                    .collect();
                let known = carry.len();
                let mut result = self.simple_search_once::<P>(run, &sub, carry).await?;
                if *result.capped() {
                    if let Some((a, b)) = part.halves() {
                        total.set(total.get() + 1);
                        run.update(|p| p.parts_total = Some(total.get()));
                        return Ok(vec![a, b]);
                    }
                    capped.set(true);
                }
                let rows: Vec<P::Row> = std::mem::take(result.rows())
                    .into_iter()
                    .skip(known)
                    .collect();
                finished.borrow_mut().push((part.start, rows));
                done.set(done.get() + 1);
                let count = finished
                    .borrow()
                    .iter()
                    .map(|(_, r)| r.len())
                    .sum::<usize>();
                run.update(|p| {
                    p.parts_done = Some(done.get());
                    p.rows = count as u64;
                    p.capped = capped.get();
                });
                Ok(Vec::new())
            }
        };
        if let Err(e) = run_waves(vec![a, b], search_part).await {
            let mut so_far = P::default();
            for (_, rows) in finished.borrow().iter() {
                so_far.rows().extend(rows.iter().cloned());
            }
            return Err(e.with_partial(&so_far));
        }
        let mut parts = finished.take();
        parts.sort_by_key(|(start, _)| *start);
        let mut merged = P::default();
        *merged.query_status() = Some(QueryStatus::Complete);
        *merged.capped() = capped.get();
        for (_, mut rows) in parts {
            merged.rows().append(&mut rows);
        }
        self.finish(&run);
        Ok(merged)
    }

    /// One simple search to the end of its pages. `carry` rows are kept in
    /// front of the new rows (so a failure can hand back everything so far).
    async fn simple_search_once<P: ResultsPage>(
        &self,
        run: &Run<'_, T, C>,
        search: &ApiUsageSimpleSearch,
        carry: Vec<P::Row>,
    ) -> Result<P> {
        let page_size = run.options().page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        let submit = self.req().simple_search(search)?;
        let exec = self.submit_execution(run, &submit).await?;
        let first_page = self.req().simple_search_results(&exec, page_size, None)?;
        let base_rows = carry.len();
        let mut acc = P::default();
        *acc.rows() = carry;
        *acc.query_status() = Some(QueryStatus::Complete);
        let mut page: P = self
            .poll_execution(run, &first_page)
            .await
            .map_err(|e| e.with_partial(&acc))?;
        let next = after_cursor(page.cursors());
        acc.rows().append(page.rows());
        let end = run
            .follow_pages(
                &mut acc,
                next,
                base_rows,
                Some(SIMPLE_SEARCH_CAP),
                async |cursor| {
                    let req = self
                        .req()
                        .simple_search_results(&exec, page_size, Some(cursor))?;
                    let response = run.send(&req).await?;
                    let mut page: P = decode_checked(
                        &response.body,
                        Vendor::Genesys,
                        "results page",
                        P::check_rows,
                    )
                    .map_err(|e| e.with_status(response.status))?;
                    if *page.query_status() == Some(QueryStatus::Failed) {
                        return Err(query_failed(
                            "The simple search failed while its pages were read.",
                        ));
                    }
                    let next = after_cursor(page.cursors());
                    Ok((page, next))
                },
            )
            .await?;
        if end == WalkEnd::Capped {
            *acc.capped() = true;
        }
        *acc.cursors() = None;
        Ok(acc)
    }

    /// Runs an organization aggregates job and reads every page.
    pub async fn aggregates_query(
        &self,
        request: &OrganizationPublicApiUsageQueryRequest,
        opts: &RunOptions,
    ) -> Result<PublicApiUsageResultsResponse> {
        self.aggregates_query_as(request, opts).await
    }

    /// [`Self::aggregates_query`] with the page type of the caller's choice: typed
    /// rows, or [`RawJobResults`] to keep the rows as the vendor's JSON.
    pub async fn aggregates_query_as<P: JobPage>(
        &self,
        request: &OrganizationPublicApiUsageQueryRequest,
        opts: &RunOptions,
    ) -> Result<P> {
        let submit = |interval| {
            let part = OrganizationPublicApiUsageQueryRequest {
                interval,
                ..request.clone()
            };
            self.req().aggregates_job(&part, self.conn.now_ms())
        };
        let interval = (request.interval.as_str(), request.granularity);
        self.run_jobs(interval, opts, &submit, &requests::org_job_path)
            .await
    }

    /// [`Self::aggregates_query_as`], reading the finished days, weeks or
    /// months that `keep` holds instead of asking for them again, and
    /// keeping every finished one it fetches.
    pub async fn aggregates_query_kept<P: JobPage + KeptPage, S: BucketStore>(
        &self,
        request: &OrganizationPublicApiUsageQueryRequest,
        keep: &Keep<'_, S>,
        opts: &RunOptions,
    ) -> Result<P> {
        let fetch = |interval, o: RunOptions| -> PartFuture<'_, P> {
            let part = OrganizationPublicApiUsageQueryRequest {
                interval,
                ..request.clone()
            };
            Box::pin(async move { self.aggregates_query_as(&part, &o).await })
        };
        let shape = ("organization", request);
        let interval = (request.interval.as_str(), request.granularity);
        self.kept_query(shape, interval, keep, opts, &fetch).await
    }

    /// Runs the aggregates job of one OAuth client and reads every page.
    pub async fn client_aggregates_query(
        &self,
        client_id: &str,
        request: &ClientPublicApiUsageQueryRequest,
        opts: &RunOptions,
    ) -> Result<PublicApiUsageResultsResponse> {
        self.client_aggregates_query_as(client_id, request, opts)
            .await
    }

    /// [`Self::client_aggregates_query`] with the page type of the caller's choice: typed
    /// rows, or [`RawJobResults`] to keep the rows as the vendor's JSON.
    pub async fn client_aggregates_query_as<P: JobPage>(
        &self,
        client_id: &str,
        request: &ClientPublicApiUsageQueryRequest,
        opts: &RunOptions,
    ) -> Result<P> {
        opts.validate()?;
        let cid = check_id("clientId", client_id)?;
        let submit = |interval| {
            let part = ClientPublicApiUsageQueryRequest {
                interval,
                ..request.clone()
            };
            self.req()
                .client_aggregates_job(client_id, &part, self.conn.now_ms())
        };
        let path_for = |id: &str| requests::client_job_path(&cid, id);
        let interval = (request.interval.as_str(), request.granularity);
        self.run_jobs(interval, opts, &submit, &path_for).await
    }

    /// [`Self::client_aggregates_query_as`] with kept buckets, as
    /// [`Self::aggregates_query_kept`].
    pub async fn client_aggregates_query_kept<P: JobPage + KeptPage, S: BucketStore>(
        &self,
        client_id: &str,
        request: &ClientPublicApiUsageQueryRequest,
        keep: &Keep<'_, S>,
        opts: &RunOptions,
    ) -> Result<P> {
        let cid = check_id("clientId", client_id)?;
        let fetch = |interval, o: RunOptions| -> PartFuture<'_, P> {
            let part = ClientPublicApiUsageQueryRequest {
                interval,
                ..request.clone()
            };
            Box::pin(async move { self.client_aggregates_query_as(client_id, &part, &o).await })
        };
        let endpoint = format!("client {cid}");
        let interval = (request.interval.as_str(), request.granularity);
        self.kept_query((&endpoint, request), interval, keep, opts, &fetch)
            .await
    }

    /// [`Self::query_organization_usage_as`] with kept buckets, as
    /// [`Self::aggregates_query_kept`] (a legacy answer's finished days are
    /// as final as a job's).
    pub async fn query_organization_usage_kept<P: ResultsPage + KeptPage, S: BucketStore>(
        &self,
        query: &ApiUsageOrganizationQuery,
        keep: &Keep<'_, S>,
        opts: &RunOptions,
    ) -> Result<P> {
        let fetch = |interval, o: RunOptions| -> PartFuture<'_, P> {
            let part = ApiUsageOrganizationQuery {
                interval,
                ..query.clone()
            };
            Box::pin(async move { self.query_organization_usage_as(&part, &o).await })
        };
        let shape = ("legacy organization", query);
        let interval = (query.interval.as_str(), query.granularity);
        self.kept_query(shape, interval, keep, opts, &fetch).await
    }

    /// A jobs query in as many jobs as its `(interval, granularity)` needs:
    /// `submit` builds the job request for one interval, `path_for` the
    /// job's path from its id.
    async fn run_jobs<P: JobPage>(
        &self,
        (interval, granularity): (&str, Option<Granularity>),
        opts: &RunOptions,
        submit: &dyn Fn(String) -> Result<HttpRequest>,
        path_for: &dyn Fn(&str) -> String,
    ) -> Result<P> {
        opts.validate()?;
        let parts = job_parts(interval, job_bucket(granularity), self.conn.now_ms())?;
        let run_part = |interval, o: RunOptions| -> PartFuture<'_, P> {
            Box::pin(async move {
                let submit = submit(interval)?;
                let run = self.conn.run(&o);
                let job_path = self.run_job_submit(&run, &submit, path_for).await?;
                self.run_job(&run, &job_path).await
            })
        };
        let now_ms = || self.conn.now_ms();
        run_job_parts(parts, granularity.is_none(), opts, &now_ms, &run_part).await
    }

    /// A dated query through the kept days: `(endpoint, request)` names its
    /// shape (everything but the interval), `fetch` runs one interval.
    async fn kept_query<'a, P: KeptPage, S: BucketStore, R: serde::Serialize>(
        &'a self,
        (endpoint, request): (&str, &R),
        (interval, granularity): (&str, Option<Granularity>),
        keep: &Keep<'_, S>,
        opts: &RunOptions,
        fetch: &'a dyn Fn(String, RunOptions) -> PartFuture<'a, P>,
    ) -> Result<P> {
        opts.validate()?;
        let shape = shape_of(endpoint, request)?;
        let now_ms = self.conn.now_ms();
        run_kept((interval, granularity), &shape, keep, now_ms, opts, fetch).await
    }

    fn finish(&self, run: &Run<'_, T, C>) {
        run.update(|p| {
            p.phase = Phase::Done;
            p.next_poll_in_ms = None;
        });
    }

    /// Submits a legacy execution, polls it until it is complete and returns
    /// its answer; `results` builds the status request from the execution id.
    async fn run_execution<P: ResultsPage>(
        &self,
        opts: &RunOptions,
        submit: &HttpRequest,
        results: impl FnOnce(&requests::Builder<'_>, &str) -> Result<HttpRequest>,
    ) -> Result<P> {
        let run = self.conn.run(opts);
        let exec = self.submit_execution(&run, submit).await?;
        let poll = results(&self.req(), &exec)?;
        let result = self.poll_execution(&run, &poll).await?;
        self.finish(&run);
        Ok(result)
    }

    async fn submit_execution(&self, run: &Run<'_, T, C>, submit: &HttpRequest) -> Result<String> {
        run.update(|p| p.phase = Phase::Submitting);
        let response = run.send(submit).await?;
        let exec: UsageExecutionResult =
            decode_json(&response.body, Vendor::Genesys, "submit answer")?;
        match exec.execution_id.filter(|s| !s.trim().is_empty()) {
            Some(id) => Ok(id),
            None => Err(Error::new(
                ErrorKind::Decode,
                format!(
                    "Genesys Cloud accepted the query but sent no executionId to poll. Body starts: {}",
                    snippet(&response.body, 200)
                ),
            )
            .with_vendor(Vendor::Genesys)
            .with_status(response.status)),
        }
    }

    /// Polls a legacy execution on the schedule until it is `Complete`.
    async fn poll_execution<P: ResultsPage>(
        &self,
        run: &Run<'_, T, C>,
        poll: &HttpRequest,
    ) -> Result<P> {
        run.poll_until_done(&self.schedule, async || {
            let response = run.send(poll).await?;
            let mut result: P = decode_checked(
                &response.body,
                Vendor::Genesys,
                "query status",
                P::check_rows,
            )
            .map_err(|e| e.with_status(response.status))?;
            match result.query_status() {
                Some(QueryStatus::Complete) => {
                    let rows = result.rows().len() as u64;
                    run.update(|p| p.rows = rows);
                    Ok(Check::Done(result))
                }
                Some(QueryStatus::Failed) => Err(query_failed(
                    "Genesys Cloud reports that the usage query failed. Run it again; if it keeps failing, try a shorter interval or fewer groupings.",
                )),
                // Running, missing or a value this version does not know: keep waiting.
                _ => Ok(Check::Running),
            }
        })
        .await
    }

    async fn run_job_submit(
        &self,
        run: &Run<'_, T, C>,
        submit: &HttpRequest,
        path_for: impl Fn(&str) -> String,
    ) -> Result<String> {
        run.update(|p| p.phase = Phase::Submitting);
        let response = run.send(submit).await?;
        let created: UsageQueryResponse =
            decode_json(&response.body, Vendor::Genesys, "job answer")?;
        let id = created.id.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                format!(
                    "Genesys Cloud accepted the job but sent no job id. Body starts: {}",
                    snippet(&response.body, 200)
                ),
            )
            .with_vendor(Vendor::Genesys)
        })?;
        let id = check_id("jobId", &id)?;
        Ok(path_for(&id))
    }

    /// Polls a job until it succeeds, then follows `nextUri` to the last page.
    async fn run_job<P: JobPage>(&self, run: &Run<'_, T, C>, job_path: &str) -> Result<P> {
        let page_size = run.options().page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        let mut acc: P = run
            .poll_until_done(&self.schedule, async || {
                let req = self.req().job_page(job_path, page_size, None);
                let response = run.send(&req).await?;
                let page: P =
                    decode_checked(&response.body, Vendor::Genesys, "job status", P::check_rows)
                        .map_err(|e| e.with_status(response.status))?;
                job_check(page, response.status)
            })
            .await?;
        *acc.query_status() = Some(JobStatus::Succeeded);
        let next = self.job_cursor(job_path, acc.next_uri().take());
        run.follow_pages(&mut acc, next, 0, None, async |uri| {
            let req = match query_param(uri, "after") {
                Some(after) => self.req().job_page(job_path, page_size, Some(&after)),
                None => self.req().same_path(job_path, uri).ok_or_else(|| {
                    Error::new(ErrorKind::Decode, "a job page's nextUri left the job")
                        .with_vendor(Vendor::Genesys)
                })?,
            };
            let response = run.send(&req).await?;
            let mut page: P =
                decode_checked(&response.body, Vendor::Genesys, "job page", P::check_rows)
                    .map_err(|e| e.with_status(response.status))?;
            let next = self.job_cursor(job_path, page.next_uri().take());
            Ok((page, next))
        })
        .await?;
        self.finish(run);
        Ok(acc)
    }

    /// The page cursor of a job page's `nextUri`: the URI itself, when it
    /// has an `after` cursor or points to the same job; none otherwise.
    fn job_cursor(&self, job_path: &str, next: Option<String>) -> Option<String> {
        let next = next?;
        match query_param(&next, "after") {
            Some(after) if after.trim().is_empty() => None,
            Some(_) => Some(next),
            None => self.req().same_path(job_path, &next).map(|_| next),
        }
    }
}

/// What a job's status check found.
fn job_check<P: JobPage>(mut page: P, http_status: u16) -> Result<Check<P>> {
    let status = page
        .query_status()
        .clone()
        .unwrap_or(if http_status == 200 {
            JobStatus::Succeeded
        } else {
            JobStatus::Running
        });
    match status {
        JobStatus::Succeeded => Ok(Check::Done(page)),
        JobStatus::Failed => {
            let why = page
                .error_body()
                .and_then(|b| b.message.clone())
                .map(|m| format!(" Genesys Cloud said: \"{}\"", snippet(&m, 300)))
                .unwrap_or_default();
            let mut err = query_failed(&format!("The usage job failed.{why}"));
            err.details = page
                .error_body()
                .and_then(|b| crate::models::json_value(b).ok())
                .map(std::sync::Arc::new);
            err.correlation_id = page.error_body().and_then(|b| b.context_id.clone());
            Err(err)
        }
        JobStatus::Cancelled => Err(query_failed(
            "The usage job was cancelled in Genesys Cloud. Run it again.",
        )),
        _ => Ok(Check::Running),
    }
}

/// The `after` cursor of a simple-search page.
fn after_cursor(cursors: &mut Option<Cursors>) -> Option<String> {
    cursors.as_ref().and_then(|c| c.after.clone())
}

fn query_failed(message: &str) -> Error {
    Error::new(ErrorKind::QueryFailed, message).with_vendor(Vendor::Genesys)
}

/// What makes two jobs queries the same but for their interval: the
/// endpoint and the request without it.
fn shape_of<R: serde::Serialize>(endpoint: &str, request: &R) -> Result<String> {
    let mut value = crate::models::json_value(request).map_err(|e| {
        Error::invalid_input(format!("the request: {e}")).with_vendor(Vendor::Genesys)
    })?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("interval");
    }
    Ok(format!("{endpoint} {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        interval: &str,
        group_by: OrganizationJobGroupBy,
    ) -> OrganizationPublicApiUsageQueryRequest {
        OrganizationPublicApiUsageQueryRequest {
            interval: interval.into(),
            granularity: Some(Granularity::Day),
            group_by: Some(vec![group_by]),
            ..Default::default()
        }
    }

    fn shape(endpoint: &str, r: &OrganizationPublicApiUsageQueryRequest) -> String {
        shape_of(endpoint, r).unwrap_or_default()
    }

    #[test]
    fn two_queries_differing_only_in_their_interval_have_one_shape() {
        let by_client = OrganizationJobGroupBy::OauthClientId;
        let march = request("2026-03-01/2026-03-31", by_client);
        let april = request("2026-04-01T00:00:00Z/2026-04-30T23:59:59Z", by_client);
        assert_eq!(shape("jobs", &march), shape("jobs", &april));
        assert!(!shape("jobs", &march).contains("2026"), "no interval in it");
        assert!(shape("jobs", &march).starts_with("jobs "));
        // An empty list is no list: the vendor reads both alike.
        let empty = OrganizationPublicApiUsageQueryRequest {
            group_by: Some(Vec::new()),
            ..march.clone()
        };
        let none = OrganizationPublicApiUsageQueryRequest {
            group_by: None,
            ..march
        };
        assert_eq!(shape("jobs", &empty), shape("jobs", &none));
    }

    #[test]
    fn grouping_granularity_filters_and_endpoint_each_make_another_shape() {
        let base = request(
            "2026-03-01/2026-03-31",
            OrganizationJobGroupBy::OauthClientId,
        );
        let by_template = request("2026-03-01/2026-03-31", OrganizationJobGroupBy::TemplateUri);
        let by_week = OrganizationPublicApiUsageQueryRequest {
            granularity: Some(Granularity::Week),
            ..base.clone()
        };
        let no_group = OrganizationPublicApiUsageQueryRequest {
            group_by: None,
            ..base.clone()
        };
        let filtered = OrganizationPublicApiUsageQueryRequest {
            template_uris: Some(vec!["/api/v2/users".into()]),
            ..base.clone()
        };
        let all = [
            shape("jobs", &base),
            shape("jobs", &by_template),
            shape("jobs", &by_week),
            shape("jobs", &no_group),
            shape("jobs", &filtered),
            shape("client jobs 7de3", &base),
        ];
        for (i, a) in all.iter().enumerate() {
            assert!(!a.is_empty());
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
