//! The Leptos single-page app: connect, build a query, watch it run, read
//! the answer as charts and tables, export and share.
//!
//! Components only render signals and call pure functions: the query form is
//! [`query_spec::QuerySpec`], answers are built by `crate::analysis::answer`, and runs go through the library's clients.
//!
//! The modules without Leptos (the app's decisions: what a form holds, what an
//! address says, which keys a store uses) compile everywhere and are tested
//! natively; the components, behind the `app` feature, render and delegate.

#[cfg(feature = "app")]
pub mod browser;
pub mod card_view;
#[cfg(feature = "app")]
pub mod charts;
pub mod conn;
#[cfg(feature = "app")]
pub mod connect;
pub mod demo;
pub mod editor_input;
#[cfg(feature = "app")]
pub mod export;
#[cfg(feature = "app")]
pub mod history;
#[cfg(feature = "app")]
pub mod kept;
pub mod options;
#[cfg(feature = "app")]
pub mod overview;
pub mod plan;
pub mod presets;
#[cfg(feature = "app")]
pub mod progress;
#[cfg(feature = "app")]
pub mod query;
pub mod query_spec;
#[cfg(feature = "app")]
pub mod results;
pub mod rows;
#[cfg(feature = "app")]
pub mod run;
#[cfg(feature = "app")]
pub mod runner;
#[cfg(feature = "app")]
mod shell;
pub mod sources;
#[cfg(feature = "app")]
pub mod state;
#[cfg(feature = "app")]
pub mod table;
#[cfg(feature = "app")]
pub use shell::*;
