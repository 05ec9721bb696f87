//! Hit and miss counts.

use std::sync::atomic::{AtomicU64, Ordering};

/// How often lookups found a value, counted since the cache was made.
///
/// A lookup is a [`get`](crate::MemoCache::get) or a
/// [`memoize`](crate::MemoCache::memoize); a memoize call that waited for
/// another call's computation counts as a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheStats {
    /// Lookups that found a value.
    pub hits: u64,
    /// Lookups that found none (and, for memoize, computed it).
    pub misses: u64,
}

/// The live counters behind [`CacheStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Counters {
    pub(crate) fn record(&self, hit: bool) {
        let counter = if hit { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}
