//! Chaos: what an app does when what it depends on fails under it, while
//! requests run. A database server goes away and comes back (through a
//! proxy that cuts every connection, so the servers other tests share keep
//! running); the disk under a SQLite file fills up.
//!
//! In every case the client's answers are clear (200 while it works, 503
//! with `Retry-After` and a message naming the database while it is down),
//! nothing panics, and the app recovers by itself.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

mod databases;
mod redis;
mod sqlite_disk_full;
