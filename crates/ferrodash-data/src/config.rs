//! [`BindConfig`]: a bind's pool size, timeouts and row limit.

use std::time::Duration;

/// Options of one bind. Start from [`BindConfig::default()`] and change
/// what you need:
///
/// ```
/// use std::time::Duration;
/// use ferrodash_data::BindConfig;
///
/// let config = BindConfig::default()
///     .max_connections(4)
///     .query_timeout(Duration::from_secs(5))
///     .row_limit(10_000);
/// assert_eq!(config.get_row_limit(), 10_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BindConfig {
    max_connections: u32,
    acquire_timeout: Duration,
    query_timeout: Duration,
    row_limit: usize,
}

impl Default for BindConfig {
    /// 10 connections, a 10 s acquire timeout, a 30 s query timeout and a
    /// 100 000-row limit.
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
            query_timeout: Duration::from_secs(30),
            row_limit: 100_000,
        }
    }
}

impl BindConfig {
    /// The most connections the bind's pool opens at once (at least 1).
    #[must_use]
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// How long a query waits for a free connection before failing with
    /// [`DataError::Acquire`](crate::DataError::Acquire).
    #[must_use]
    pub const fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// How long one query (or script) may run before failing with
    /// [`DataError::Timeout`](crate::DataError::Timeout). The query is
    /// stopped, not left running: SQLite is interrupted, PostgreSQL gets
    /// the same `statement_timeout`, and the connection of a timed-out query
    /// is closed rather than reused.
    #[must_use]
    pub const fn query_timeout(mut self, timeout: Duration) -> Self {
        self.query_timeout = timeout;
        self
    }

    /// The most rows a query may return. A query returning more fails with
    /// [`DataError::RowLimit`](crate::DataError::RowLimit): data is never
    /// silently cut short. Reading stops at the first row over the limit.
    #[must_use]
    pub const fn row_limit(mut self, limit: usize) -> Self {
        self.row_limit = limit;
        self
    }

    /// The pool's connection limit.
    #[must_use]
    pub const fn get_max_connections(&self) -> u32 {
        self.max_connections
    }

    /// The acquire timeout.
    #[must_use]
    pub const fn get_acquire_timeout(&self) -> Duration {
        self.acquire_timeout
    }

    /// The query timeout.
    #[must_use]
    pub const fn get_query_timeout(&self) -> Duration {
        self.query_timeout
    }

    /// The row limit.
    #[must_use]
    pub const fn get_row_limit(&self) -> usize {
        self.row_limit
    }
}
