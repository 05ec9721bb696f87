//! The media platform's HTTP API: its records, a client, and a stand-in
//! that serves made-up data.

pub mod client;
pub mod records;
pub mod standin;
pub mod synthetic;

pub use client::{ClientConfig, PlatformClient, PlatformError};
pub use records::{Account, Project, STORAGE_KINDS, StorageBytes, UsageRecord};
pub use standin::{Faults, StandIn};
pub use synthetic::Synthetic;
