//! Integration tests: the users command and sessions in Redis.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

mod cli;
#[cfg(feature = "oidc")]
mod oidc;
mod redis_limiter;
mod redis_sessions;
