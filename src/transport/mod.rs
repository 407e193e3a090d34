//! Transports: the browser's global `fetch` ([`fetch`], wasm32 only), and a
//! scripted fake with a virtual clock for tests ([`fake`]). The in-process
//! simulator ([`crate::sim::SimTransport`]) is a transport too.

pub mod fake;
#[cfg(all(feature = "browser", target_arch = "wasm32"))]
pub mod fetch;
