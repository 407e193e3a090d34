//! What the flows read from a page, for typed pages ([`ApiUsageQueryResult`],
//! [`PublicApiUsageResultsResponse`]) and raw ones ([`RawQueryResult`],
//! [`RawJobResults`]).
//!
//! A raw page keeps every row as the vendor's JSON text: nothing is decoded
//! that the flow does not need (status, cursors, links), and the rows are
//! written back out byte for byte. The JavaScript face uses raw pages, so the
//! rows cross into JavaScript through one `JSON.parse` and the package carries
//! no row decoders; Rust callers get typed rows from the same flows.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::models::*;
use crate::engine::{paged, Paged};
use crate::models::null_as_empty;

pub use crate::models::RawRow;

/// A legacy execution's answer (status, rows, simple-search cursors).
/// Its rows (`results`) are read through [`Paged`].
pub trait ResultsPage: Paged<Row: Clone> + DeserializeOwned + Default + Clone {
    /// `queryStatus`.
    fn query_status(&mut self) -> &mut Option<QueryStatus>;
    /// `cursors`.
    fn cursors(&mut self) -> &mut Option<Cursors>;
    /// Set when the simple-search cap was reached.
    fn capped(&mut self) -> &mut bool;
}

/// An aggregates job's status and page of rows.
/// Its rows (`entities`) are read through [`Paged`].
pub trait JobPage:
    Paged<Row: Clone + Serialize + DeserializeOwned> + DeserializeOwned + Default + Clone
{
    /// `queryStatus`.
    fn query_status(&mut self) -> &mut Option<JobStatus>;
    /// `errorBody`.
    fn error_body(&self) -> Option<&ErrorBody>;
    /// `nextUri`.
    fn next_uri(&mut self) -> &mut Option<String>;
    /// How a long interval was cut ([`JobParts`]).
    fn parts(&mut self) -> &mut Option<JobParts>;
}

/// An answer whose finished days can be kept ([`super::kept`]): the jobs
/// answers and the legacy ones, typed or raw.
pub trait KeptPage:
    Paged<Row: Clone + Serialize + DeserializeOwned> + Default + Serialize + DeserializeOwned
{
    /// How many vendor queries made this answer (several for a long jobs interval).
    fn queries(&mut self) -> u32;
    /// Marks the answer as put together from `queries` vendor queries and
    /// `kept` kept buckets, `missing` naming what a failure left out.
    fn assembled(&mut self, queries: u32, kept: u32, missing: Vec<String>);
}

/// [`ApiUsageQueryResult`] with its rows left as JSON text.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RawQueryResult {
    /// The rows, as the vendor sent them.
    #[serde(deserialize_with = "null_as_empty")]
    pub results: Vec<RawRow>,
    /// Execution status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_status: Option<QueryStatus>,
    /// Paging tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursors: Option<Cursors>,
    /// See [`ApiUsageQueryResult::capped`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub capped: bool,
}

/// [`PublicApiUsageResultsResponse`] with its rows left as JSON text.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RawJobResults {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Job status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_status: Option<JobStatus>,
    /// Why the job failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_body: Option<ErrorBody>,
    /// The next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_uri: Option<String>,
    /// The rows, as the vendor sent them.
    #[serde(deserialize_with = "null_as_empty")]
    pub entities: Vec<RawRow>,
    /// URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_uri: Option<String>,
    /// See [`PublicApiUsageResultsResponse::parts`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<JobParts>,
}

macro_rules! results_page {
    ($t:ty) => {
        impl KeptPage for $t {
            fn queries(&mut self) -> u32 {
                1
            }
            fn assembled(&mut self, _queries: u32, _kept: u32, missing: Vec<String>) {
                if missing.is_empty() {
                    self.query_status = Some(QueryStatus::Complete);
                }
            }
        }
        impl ResultsPage for $t {
            fn query_status(&mut self) -> &mut Option<QueryStatus> {
                &mut self.query_status
            }
            fn cursors(&mut self) -> &mut Option<Cursors> {
                &mut self.cursors
            }
            fn capped(&mut self) -> &mut bool {
                &mut self.capped
            }
        }
    };
}

macro_rules! job_page {
    ($t:ty) => {
        impl KeptPage for $t {
            fn queries(&mut self) -> u32 {
                self.parts.as_ref().map_or(1, |p| p.total)
            }
            fn assembled(&mut self, queries: u32, kept: u32, missing: Vec<String>) {
                if missing.is_empty() {
                    self.query_status = Some(JobStatus::Succeeded);
                }
                if kept > 0 || queries > 1 || !missing.is_empty() {
                    self.parts = Some(JobParts {
                        total: queries,
                        summed: false,
                        missing,
                        kept,
                    });
                }
            }
        }
        impl JobPage for $t {
            fn query_status(&mut self) -> &mut Option<JobStatus> {
                &mut self.query_status
            }
            fn error_body(&self) -> Option<&ErrorBody> {
                self.error_body.as_ref()
            }
            fn next_uri(&mut self) -> &mut Option<String> {
                &mut self.next_uri
            }
            fn parts(&mut self) -> &mut Option<JobParts> {
                &mut self.parts
            }
        }
    };
}

paged!(ApiUsageQueryResult, ApiUsageRow, results);
paged!(RawQueryResult, RawRow, results, raw);
paged!(PublicApiUsageResultsResponse, PublicApiUsage, entities);
paged!(RawJobResults, RawRow, entities, raw);
results_page!(ApiUsageQueryResult);
results_page!(RawQueryResult);
job_page!(PublicApiUsageResultsResponse);
job_page!(RawJobResults);
