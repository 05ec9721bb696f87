//! Several portal processes behind one load balancer share, through Redis:
//! login sessions, the count of failed logins, background jobs (a PDF export
//! started on one process, polled on another), memoized reports, and the
//! rate limit of AI agents; and the secret key that signs page tokens and
//! job handles.

use std::sync::Arc;
use std::time::Duration;

use ferrodash::auth::{LoginLimiter, RateLimiter, RedisSessionStore, SessionConfig};
use ferrodash::cache::{CacheConfig, RedisBackend};
use ferrodash::{JobError, MemoCache, RedisJobQueue, Sessions};

/// Why the shared state could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SharedError {
    /// Redis could not be reached.
    #[error("Redis at the configured URL cannot be reached: {0}")]
    Redis(String),
    /// The job queue could not connect.
    #[error(transparent)]
    Jobs(#[from] JobError),
    /// The cache could not connect.
    #[error(transparent)]
    Cache(#[from] ferrodash::cache::CacheError),
}

/// What every process of the portal shares.
#[derive(Clone)]
pub struct Shared {
    pub(crate) queue: RedisJobQueue,
    pub(crate) limiter: Arc<LoginLimiter>,
    pub(crate) agents: Arc<RateLimiter>,
    pub(crate) cache: MemoCache,
    pub(crate) sessions: Sessions,
    pub(crate) secret_key: Vec<u8>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("queue", &self.queue)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// Everything in the Redis server at `url`, under `usage-portal:`;
    /// `secret_key` is the same in every process.
    ///
    /// # Errors
    ///
    /// [`SharedError`] when Redis cannot be reached.
    pub async fn connect(url: &str, secret_key: Vec<u8>) -> Result<Self, SharedError> {
        Self::connect_with_prefix(url, "usage-portal:", secret_key).await
    }

    /// The same under `prefix` (portals sharing one Redis server need
    /// prefixes of their own).
    ///
    /// # Errors
    ///
    /// [`SharedError`] when Redis cannot be reached.
    pub async fn connect_with_prefix(
        url: &str,
        prefix: &str,
        secret_key: Vec<u8>,
    ) -> Result<Self, SharedError> {
        let queue = RedisJobQueue::connect(url)
            .await?
            .with_prefix(format!("{prefix}jobs:"));
        let unreachable = |e: &dyn std::fmt::Display| SharedError::Redis(e.to_string());
        let limiter = LoginLimiter::connect_redis(url)
            .await
            .map_err(|e| unreachable(&e))?
            .with_prefix(format!("{prefix}logins:"));
        let agents =
            RateLimiter::connect_redis(url, "usage-portal:agents:", 120, Duration::from_secs(60))
                .await
                .map_err(|e| unreachable(&e))?;
        let cache = MemoCache::with_backend(
            RedisBackend::connect(url)
                .await?
                .with_prefix(format!("{prefix}cache:")),
            CacheConfig::default(),
        );
        let sessions = Sessions::new(
            RedisSessionStore::connect(url)
                .await
                .map_err(|e| unreachable(&e))?
                .with_prefix(format!("{prefix}session:")),
            SessionConfig::default(),
        );
        Ok(Self {
            queue,
            limiter: Arc::new(limiter),
            agents: Arc::new(agents),
            cache,
            sessions,
            secret_key,
        })
    }
}
