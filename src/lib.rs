//! # usage-lens
//!
//! Typed clients for the **Genesys Cloud Usage API** and the **ThousandEyes v7
//! Usage API** that do the tedious parts — submit, poll until done, follow
//! every page, retry politely within the rate limit, cancel — for Rust and,
//! compiled to WebAssembly, for JavaScript. The same crate holds the Leptos app
//! (feature `app`) where an administrator reads the answers as charts.
//!
//! ## Layers
//!
//! - [`http`]: requests and responses as plain values, and the two seams:
//!   [`http::Transport`] (send one request) and [`http::Clock`] (time and sleep).
//! - [`engine`]: vendor-neutral retry with a rate budget, the poll schedule and
//!   the pager. Pure apart from the transport and clock it is handed.
//! - [`genesys`] and [`thousandeyes`]: request builders, response models and
//!   clients for each vendor.
//! - [`transport`]: the browser's `fetch` (wasm32) and a fake with a virtual
//!   clock for tests. [`sim`] simulates both vendors in process and behind a
//!   loopback server.
//! - [`analysis`]: pure functions from rows to series, totals, projections and CSV.
//! - `js` (feature `js`): the wasm-bindgen façade `GenesysClient` / `ThousandEyesClient`.
//! - [`app`]: the single-page app. Its decisions compile everywhere and are
//!   tested natively; its Leptos components need the feature `app`.
//!
//! ## Example: a Genesys query against the simulator
//!
//! ```
//! use std::{cell::RefCell, rc::Rc};
//! use usage_lens::engine::RunOptions;
//! use usage_lens::genesys::{ApiUsageOrganizationQuery, Client, Granularity, QueryStatus};
//! use usage_lens::sim::{Sim, SimTransport};
//! use usage_lens::transport::fake::{block_on, VirtualClock};
//!
//! let clock = VirtualClock::new(1_780_000_000_000);
//! let sim = Rc::new(RefCell::new(Sim::new(7).with_default_exec_ms(3_000)));
//! let transport = SimTransport::new(sim, clock.clone());
//! let client = Client::new("http://127.0.0.1:1", "any-token", transport, clock).unwrap();
//! let query = ApiUsageOrganizationQuery {
//!     interval: "2026-05-01/2026-05-08".into(),
//!     granularity: Some(Granularity::Day),
//!     ..Default::default()
//! };
//! let result = block_on(client.query_organization_usage(&query, &RunOptions::default())).unwrap();
//! assert_eq!(result.query_status, Some(QueryStatus::Complete));
//! assert!(!result.results.is_empty());
//! ```

pub mod analysis;
pub mod encoding;
pub mod engine;
pub mod error;
pub mod genesys;
pub mod http;
pub(crate) mod models;
pub mod sim;
pub mod thousandeyes;
pub mod time;
pub mod transport;

#[cfg(feature = "js")]
pub mod js;

pub mod app;

#[cfg(feature = "bench-exports")]
mod bench_exports;

pub use error::{Error, ErrorKind, Result, Vendor};
