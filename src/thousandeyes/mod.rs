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

mod client;
pub mod models;
pub mod pages;
pub mod requests;
pub mod rules;
pub mod validate;

pub use client::Client;
pub use models::*;
pub use pages::{BreakdownsPage, Document, RawBreakdowns, RawDocument};
pub use rules::{ThousandEyesRules, ORGANIZATION_RATE_LIMIT, REQUESTS_PER_MINUTE};
pub use validate::{
    check_aid, check_date, check_range, resolve_base, AID_MAX_DIGITS, DEFAULT_BASE_URL,
};
