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
use crate::models::{null_as_empty, objects_only};

pub use crate::models::RawRow;

/// A legacy execution's answer (status, rows, simple-search cursors).
pub trait ResultsPage: DeserializeOwned + Serialize + Default + Clone {
    /// One row.
    type Row: Clone;
    /// `queryStatus`.
    fn query_status(&mut self) -> &mut Option<QueryStatus>;
    /// `results`.
    fn rows(&mut self) -> &mut Vec<Self::Row>;
    /// `cursors`.
    fn cursors(&mut self) -> &mut Option<Cursors>;
    /// Set when the simple-search cap was reached.
    fn capped(&mut self) -> &mut bool;
    /// Refuses rows that are not JSON objects (raw pages; typed rows are
    /// checked by their decoder).
    fn check_rows(&self) -> Result<(), String> {
        Ok(())
    }
}

/// An aggregates job's status and page of rows.
pub trait JobPage: DeserializeOwned + Serialize + Default + Clone {
    /// One row.
    type Row: Clone;
    /// `queryStatus`.
    fn query_status(&mut self) -> &mut Option<JobStatus>;
    /// `errorBody`.
    fn error_body(&self) -> Option<&ErrorBody>;
    /// `nextUri`.
    fn next_uri(&mut self) -> &mut Option<String>;
    /// `entities`.
    fn rows(&mut self) -> &mut Vec<Self::Row>;
    /// Refuses rows that are not JSON objects (raw pages).
    fn check_rows(&self) -> Result<(), String> {
        Ok(())
    }
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
}

/// The page traits for a typed page, and with `raw rows` for a raw one whose
/// rows must be JSON objects.
macro_rules! results_page {
    ($t:ty, $row:ty $(, raw $rows:ident)?) => {
        impl ResultsPage for $t {
            type Row = $row;
            fn query_status(&mut self) -> &mut Option<QueryStatus> {
                &mut self.query_status
            }
            fn rows(&mut self) -> &mut Vec<$row> {
                &mut self.results
            }
            fn cursors(&mut self) -> &mut Option<Cursors> {
                &mut self.cursors
            }
            fn capped(&mut self) -> &mut bool {
                &mut self.capped
            }
            $(fn check_rows(&self) -> Result<(), String> {
                objects_only(&self.$rows, stringify!($rows))
            })?
        }
    };
}

macro_rules! job_page {
    ($t:ty, $row:ty $(, raw $rows:ident)?) => {
        impl JobPage for $t {
            type Row = $row;
            fn query_status(&mut self) -> &mut Option<JobStatus> {
                &mut self.query_status
            }
            fn error_body(&self) -> Option<&ErrorBody> {
                self.error_body.as_ref()
            }
            fn next_uri(&mut self) -> &mut Option<String> {
                &mut self.next_uri
            }
            fn rows(&mut self) -> &mut Vec<$row> {
                &mut self.entities
            }
            $(fn check_rows(&self) -> Result<(), String> {
                objects_only(&self.$rows, stringify!($rows))
            })?
        }
    };
}

results_page!(ApiUsageQueryResult, ApiUsageRow);
results_page!(RawQueryResult, RawRow, raw results);
job_page!(PublicApiUsageResultsResponse, PublicApiUsage);
job_page!(RawJobResults, RawRow, raw entities);
