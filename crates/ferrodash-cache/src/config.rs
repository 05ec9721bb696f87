//! How a [`MemoCache`](crate::MemoCache) is set up.

use std::time::Duration;

/// Options of a [`MemoCache`](crate::MemoCache).
///
/// ```
/// use std::time::Duration;
/// use ferrodash_cache::CacheConfig;
///
/// let config = CacheConfig::default()
///     .with_max_bytes(64 * 1024 * 1024)
///     .with_default_ttl(Duration::from_secs(60));
/// assert_eq!(config.max_bytes, 64 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheConfig {
    /// The in-memory backend's bound: about this many bytes of serialized
    /// values (default 256 MiB). Other backends have bounds of their own.
    pub max_bytes: u64,
    /// How long an entry lives when no time to live is given (default 5
    /// minutes).
    pub default_ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            max_bytes: 256 * 1024 * 1024,
            default_ttl: Duration::from_secs(5 * 60),
        }
    }
}

impl CacheConfig {
    /// Sets [`max_bytes`](Self::max_bytes).
    #[must_use]
    pub const fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Sets [`default_ttl`](Self::default_ttl).
    #[must_use]
    pub const fn with_default_ttl(mut self, default_ttl: Duration) -> Self {
        self.default_ttl = default_ttl;
        self
    }
}
