//! Protocol conformance: every route and answer form of the Dash wire
//! protocol, driven in process through the app's router.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

mod background;
mod build;
mod callbacks;
mod csrf;
mod limits;
mod login;
mod malformed;
mod mcp;
mod observability;
mod pages;
mod security_headers;
mod server_store;
mod static_files;
mod support;
mod websocket;
mod ws_client;
