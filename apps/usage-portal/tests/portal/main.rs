//! The usage portal's integration tests: ingestion over HTTP, data
//! scoping per user, and the portal in a real browser.

mod agents;
mod browser;
mod common;
mod ingestion;
mod scoping;
mod shared;
