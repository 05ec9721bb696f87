//! A cache shared by several processes: entries in a Redis server.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::backend::{BoxFuture, CacheBackend, Lookup};
use crate::{CacheError, CacheKey};

fn backend_error(error: redis::RedisError) -> CacheError {
    CacheError::Backend {
        backend: "redis",
        source: Box::new(error),
    }
}

/// Deletes the lock in `KEYS[1]` only while it holds this caller's token
/// (`ARGV[1]`), in one step: between a separate read and delete, the lock
/// could expire and be taken by the next caller, whose lock would go.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// How often a call waiting on another's computation looks for its value.
const POLL: Duration = Duration::from_millis(20);

/// Entries in a Redis server, so every process of an app shares them: a
/// result computed by one instance is served to the others. Each entry is a
/// Redis string under `<prefix><hex key>` with the entry's time to live.
///
/// Concurrent memoize calls for one key compute once, across processes:
/// the first takes a lock (`<prefix><hex key>:lock`, `SET NX` with a time
/// to live, [`RedisBackend::with_lock_timeout`]) and computes; the others
/// wait for its value. A computation that fails or outlives its lock lets
/// the next caller compute.
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
    lock_timeout: Duration,
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
        // While the server is down a command fails within about two
        // seconds (the memoize call then computes without the cache).
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(backend_error)?;
        Ok(Self {
            connection,
            prefix: "ferrodash:cache:".to_owned(),
            lock_timeout: Duration::from_secs(60),
        })
    }

    /// How long one computation may keep the others waiting (default one
    /// minute); past it, a waiting caller computes the value itself.
    #[must_use]
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout.max(Duration::from_millis(1));
        self
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

    /// Takes `key`'s computation lock; `Some(token)` when this caller holds
    /// it.
    async fn lock(&self, lock: &str) -> Result<Option<String>, CacheError> {
        let token = hex::encode(rand::random::<[u8; 16]>());
        let millis = u64::try_from(self.lock_timeout.as_millis()).unwrap_or(u64::MAX);
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(redis::SetExpiry::PX(millis));
        let set: Option<String> = self
            .connection
            .clone()
            .set_options(lock, &token, options)
            .await
            .map_err(backend_error)?;
        Ok(set.map(|_| token))
    }

    /// Releases a lock this caller holds (and only then: a computation that
    /// outlived its lock must not release the next holder's).
    async fn unlock(&self, lock: &str, token: &str) -> Result<(), CacheError> {
        let _: i64 = redis::Script::new(UNLOCK)
            .key(lock)
            .arg(token)
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    /// Computes under the lock: `init`'s value is stored and answered.
    async fn compute(
        &self,
        key: &CacheKey,
        ttl: Duration,
        init: BoxFuture<'_, Option<Bytes>>,
    ) -> Result<Option<Lookup>, CacheError> {
        // Another process may have stored the value since the first look.
        if let Some(value) = self.get(key).await? {
            return Ok(Some(Lookup::new(value, false)));
        }
        let Some(value) = init.await else {
            return Ok(None);
        };
        // A value computed is answered even when it cannot be stored.
        if let Err(error) = self.set(key, value.clone(), ttl).await {
            tracing::warn!(%error, "a computed value could not be stored in Redis");
        }
        Ok(Some(Lookup::new(value, true)))
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

    fn get_or_insert_with<'a>(
        &'a self,
        key: &'a CacheKey,
        ttl: Duration,
        init: BoxFuture<'a, Option<Bytes>>,
    ) -> BoxFuture<'a, Result<Option<Lookup>, CacheError>> {
        Box::pin(async move {
            if let Some(value) = self.get(key).await? {
                return Ok(Some(Lookup::new(value, false)));
            }
            let lock = format!("{}:lock", self.redis_key(key));
            if let Some(token) = self.lock(&lock).await? {
                let result = self.compute(key, ttl, init).await;
                let unlocked = self.unlock(&lock, &token).await;
                return result.and_then(|lookup| unlocked.map(|()| lookup));
            }
            // Another caller computes: wait for its value. `init` is dropped
            // unrun, so the memoize call still holds its computation and
            // tries again when this answers `None`.
            let deadline = Instant::now() + self.lock_timeout;
            let mut connection = self.connection.clone();
            loop {
                tokio::time::sleep(POLL).await;
                if let Some(value) = self.get(key).await? {
                    return Ok(Some(Lookup::new(value, false)));
                }
                let held: bool = connection.exists(&lock).await.map_err(backend_error)?;
                if !held || Instant::now() >= deadline {
                    return Ok(None);
                }
            }
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
