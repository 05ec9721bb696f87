//! The in-memory backend, on moka.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use moka::Expiry;
use moka::future::Cache;

use crate::backend::{BoxFuture, CacheBackend, Lookup};
use crate::{CacheError, CacheKey};

/// What an entry costs besides its value's bytes: its key and moka's own
/// bookkeeping, roughly.
const ENTRY_OVERHEAD: usize = 32 + 96;

/// A stored value and how long it lives.
#[derive(Clone)]
struct Stored {
    value: Bytes,
    ttl: Duration,
}

/// Each entry lives for the time it was stored with; storing again restarts
/// the clock with the new time.
struct PerEntryTtl;

impl Expiry<[u8; 32], Stored> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &[u8; 32],
        stored: &Stored,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(stored.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &[u8; 32],
        stored: &Stored,
        _updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(stored.ttl)
    }
}

/// Entries in this process's memory, bounded by their size in bytes: when
/// the bound is reached moka evicts the entries least likely to be used
/// again. Expired entries are never returned.
///
/// Concurrent [`get_or_insert_with`](CacheBackend::get_or_insert_with) calls
/// for one key run one `init`.
#[derive(Clone)]
pub struct MemoryBackend {
    entries: Cache<[u8; 32], Stored>,
    max_bytes: u64,
}

impl MemoryBackend {
    /// An empty backend holding at most about `max_bytes` of values.
    #[must_use]
    pub fn new(max_bytes: u64) -> Self {
        let entries = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|_key: &[u8; 32], stored: &Stored| {
                u32::try_from(stored.value.len().saturating_add(ENTRY_OVERHEAD)).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntryTtl)
            .build();
        Self { entries, max_bytes }
    }

    /// How many entries it holds (approximate until
    /// [`run_pending_tasks`](Self::run_pending_tasks)).
    #[must_use]
    pub fn entry_count(&self) -> u64 {
        self.entries.entry_count()
    }

    /// The bytes it holds, values and overhead (approximate until
    /// [`run_pending_tasks`](Self::run_pending_tasks)).
    #[must_use]
    pub fn weighted_size(&self) -> u64 {
        self.entries.weighted_size()
    }

    /// Its bound in bytes.
    #[must_use]
    pub const fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Runs the evictions and removals moka defers, so that the counts are
    /// exact; it also happens by itself as the cache is used.
    pub async fn run_pending_tasks(&self) {
        self.entries.run_pending_tasks().await;
    }
}

impl fmt::Debug for MemoryBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryBackend")
            .field("entries", &self.entry_count())
            .field("bytes", &self.weighted_size())
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl CacheBackend for MemoryBackend {
    fn get<'a>(&'a self, key: &'a CacheKey) -> BoxFuture<'a, Result<Option<Bytes>, CacheError>> {
        Box::pin(async move { Ok(self.entries.get(key.digest()).await.map(|s| s.value)) })
    }

    fn set<'a>(
        &'a self,
        key: &'a CacheKey,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            self.entries
                .insert(*key.digest(), Stored { value, ttl })
                .await;
            Ok(())
        })
    }

    fn remove<'a>(&'a self, key: &'a CacheKey) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            self.entries.invalidate(key.digest()).await;
            Ok(())
        })
    }

    fn get_or_insert_with<'a>(
        &'a self,
        key: &'a CacheKey,
        ttl: Duration,
        init: BoxFuture<'a, Option<Bytes>>,
    ) -> BoxFuture<'a, Result<Option<Lookup>, CacheError>> {
        Box::pin(async move {
            let entry = self
                .entries
                .entry(*key.digest())
                .or_optionally_insert_with(
                    async move { init.await.map(|value| Stored { value, ttl }) },
                )
                .await;
            Ok(entry.map(|e| Lookup::new(e.value().value.clone(), e.is_fresh())))
        })
    }
}
