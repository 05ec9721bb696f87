//! Tests of the job queues against a real Redis server: the shared one on
//! 127.0.0.1:6379 (under a prefix per test), or a private one a test stops
//! and starts. Two queues connected to one server stand for two processes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

mod redis_queue;
