//! The Genesys Cloud usage API: every usage endpoint, submitted, polled until
//! done, paged to the end, retried politely and cancellable.
//!
//! Both generations are here: the legacy executions (`queryStatus` `Running` →
//! `Complete`) and the 2025 aggregates jobs (`Queued` → `Running` →
//! `Succeeded`, HTTP 202 then 200, paged by `nextUri`).
//!
//! # Example
//! ```no_run
//! # async fn demo() -> usage_lens::Result<()> {
//! use usage_lens::genesys::{Client, ApiUsageOrganizationQuery, Granularity};
//! use usage_lens::engine::RunOptions;
//! # use usage_lens::transport::fake::{FakeTransport, VirtualClock};
//! # let clock = VirtualClock::new(0);
//! # let transport = FakeTransport::new(clock.clone(), |_, _| Ok(usage_lens::http::HttpResponse::new(200, "{}")));
//! let client = Client::new("https://api.mypurecloud.com", "my-token", transport, clock)?;
//! let query = ApiUsageOrganizationQuery {
//!     interval: "2026-07-01T00:00:00Z/2026-07-08T00:00:00Z".into(),
//!     granularity: Some(Granularity::Day),
//!     ..Default::default()
//! };
//! let result = client.query_organization_usage(&query, &RunOptions::default()).await?;
//! println!("{} rows", result.results.len());
//! # Ok(()) }
//! ```

pub mod auth;
pub mod billing;
mod client;
pub mod client_credentials;
pub mod kept;
pub mod limits;
pub mod models;
pub mod pages;
mod parts;
pub mod region;
pub mod requests;
pub mod rules;
pub mod validate;

pub use billing::{ChargeMatcher, ContractAllowance, ContractMiss};
pub use client::Client;
pub use client_credentials::{ClientCredentials, CredentialsSource};
pub use kept::{BucketStore, Keep, MemoryStore};
pub use limits::RateLimit;
pub use models::*;
pub use pages::{JobPage, KeptPage, RawJobResults, RawQueryResult, RawRow, ResultsPage};
pub use region::{Region, REGIONS};
pub use rules::{
    permissions_for, seconds_in_message, GenesysRules, RATE_MARGIN, REQUESTS_PER_MINUTE,
    TOKEN_RATE_LIMIT,
};
pub use validate::{
    check_id, check_interval, check_job_interval, check_summary_days, job_bucket, job_parts,
    resolve_base, DEFAULT_PAGE_SIZE, JOB_LOOKBACK_DAYS, JOB_MAX_DAYS, SIMPLE_SEARCH_CAP,
    SUMMARY_DAYS, SUMMARY_DEFAULT_DAYS,
};
