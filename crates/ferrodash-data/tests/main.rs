//! Integration tests of ferrodash-data, one binary (house style). The
//! PostgreSQL and MariaDB tests need the servers named in `common`: they
//! fail, never skip, when a server is not reachable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

mod data;
