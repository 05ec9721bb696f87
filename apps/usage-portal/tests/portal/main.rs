//! The usage portal's integration tests: ingestion over HTTP, data
//! scoping per user, and the portal in a real browser.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

mod agents;
mod browser;
mod common;
mod ingestion;
mod scoping;
mod shared;
