//! A cache shared by several processes: entries in a Redis server.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use crate::backend::{BoxFuture, CacheBackend};
use crate::{CacheError, CacheKey};

fn backend_error(error: redis::RedisError) -> CacheError {
    CacheError::Backend {
        backend: "redis",
        source: Box::new(error),
    }
}

/// Entries in a Redis server, so every process of an app shares them: a
/// result computed by one instance is served to the others. Each entry is a
/// Redis string under `<prefix><hex key>` with the entry's time to live.
///
/// ```no_run
/// # async fn demo() -> Result<(), ferrodash_cache::CacheError> {
/// use ferrodash_cache::{CacheConfig, MemoCache, RedisBackend};
/// let backend = RedisBackend::connect("redis://127.0.0.1:6379").await?.with_prefix("reports:");
/// let cache = MemoCache::with_backend(backend, CacheConfig::default());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisBackend {
    connection: ConnectionManager,
    prefix: String,
}

impl fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBackend")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisBackend {
    /// Connects to the server at `url` (`redis://host:port/db`); the
    /// connection reconnects by itself when the server comes back.
    ///
    /// # Errors
    ///
    /// [`CacheError::Backend`] when the URL is invalid or the server cannot
    /// be reached.
    pub async fn connect(url: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url).map_err(backend_error)?;
        let connection = ConnectionManager::new(client)
            .await
            .map_err(backend_error)?;
        Ok(Self {
            connection,
            prefix: "ferrodash:cache:".to_owned(),
        })
    }

    /// Puts every key under `prefix`, so apps sharing a server keep apart
    /// (default `ferrodash:cache:`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn redis_key(&self, key: &CacheKey) -> String {
        format!("{}{}", self.prefix, hex::encode(key.digest()))
    }
}

impl CacheBackend for RedisBackend {
    fn get<'a>(&'a self, key: &'a CacheKey) -> BoxFuture<'a, Result<Option<Bytes>, CacheError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let value: Option<Vec<u8>> = connection
                .get(self.redis_key(key))
                .await
                .map_err(backend_error)?;
            Ok(value.map(Bytes::from))
        })
    }

    fn set<'a>(
        &'a self,
        key: &'a CacheKey,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            let options =
                redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis));
            let () = connection
                .set_options(self.redis_key(key), value.as_ref(), options)
                .await
                .map_err(backend_error)?;
            Ok(())
        })
    }

    fn remove<'a>(&'a self, key: &'a CacheKey) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _: i64 = connection
                .del(self.redis_key(key))
                .await
                .map_err(backend_error)?;
            Ok(())
        })
    }
}
