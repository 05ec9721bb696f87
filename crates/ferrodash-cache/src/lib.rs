//! The ferrodash memoize cache: remember what expensive callbacks computed.
//!
//! A [`MemoCache`] stores the values of async computations under a
//! [`CacheKey`] made of a function name, its arguments and a [`Scope`] —
//! public, or one user's — so users never share an entry unless it was
//! declared public. Values are stored as JSON, each with a time to live, in
//! a [`CacheBackend`]: [`MemoryBackend`] keeps them in this process, bounded
//! by their size in bytes.
//!
//! Concurrent calls for one key compute once; the others wait for that value
//! (Dash's "signalling" pattern depends on it: many sessions asking for one
//! expensive report start one computation).
//!
//! ```
//! use std::time::Duration;
//! use ferrodash_cache::{CacheConfig, CacheKey, MemoCache, Scope};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ferrodash_cache::CacheError> {
//! let cache = MemoCache::new(
//!     CacheConfig::default().with_max_bytes(16 * 1024 * 1024),
//! );
//! let region = "north";
//! let total: u64 = cache
//!     .memoize("sales_total", &region, &Scope::Public, Some(Duration::from_secs(60)), || async {
//!         // ... an expensive query ...
//!         1234
//!     })
//!     .await?;
//! assert_eq!(total, 1234);
//!
//! // The key travels to the browser as a token and comes back.
//! let key = CacheKey::new("sales_total", &region, &Scope::Public)?;
//! let token = key.to_token();
//! let back = CacheKey::from_token(&token, &Scope::Public)?;
//! assert_eq!(cache.get::<u64>(&back).await?, Some(1234));
//! # Ok(()) }
//! ```
//!
//! | feature | what it adds |
//! | --- | --- |
//! | (none yet) | the in-memory backend is always built; network backends will come behind features |

#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod config;
mod error;
mod key;
mod memo;
mod memory;
mod redis_backend;
mod stats;
mod store;

pub use backend::{BoxFuture, CacheBackend, Lookup};
pub use config::CacheConfig;
pub use error::CacheError;
pub use key::{CacheKey, Scope};
pub use memo::MemoCache;
pub use memory::MemoryBackend;
pub use redis_backend::RedisBackend;
pub use stats::CacheStats;
pub use store::{ServerStore, StoreError, StoreKey};
