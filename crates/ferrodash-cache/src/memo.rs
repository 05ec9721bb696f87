//! [`MemoCache`]: memoize async computations by function, arguments and scope.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::backend::{BoxFuture, CacheBackend};
use crate::stats::Counters;
use crate::{CacheConfig, CacheError, CacheKey, CacheStats, MemoryBackend, Scope};

/// How often a memoize call waits on other calls' failed computations before
/// it computes its value alone.
const MAX_ATTEMPTS: usize = 8;

/// The memoize cache: values of async computations, stored as JSON under
/// [`CacheKey`]s with a time to live, in a [`CacheBackend`].
///
/// Cloning is cheap (the clones share one cache), so give it to an app with
/// `with_state` and read it in callbacks with `AppState<MemoCache>`.
///
/// Values always come back through their JSON form, even to the call that
/// computed them: a type that does not survive the round trip fails on the
/// first call, not only on later hits.
#[derive(Debug, Clone)]
pub struct MemoCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    backend: Box<dyn CacheBackend>,
    config: CacheConfig,
    counters: Counters,
}

fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Bytes, CacheError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(CacheError::serialize::<T>)
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CacheError> {
    serde_json::from_slice(bytes).map_err(CacheError::deserialize::<T>)
}

/// A backend took a computation and dropped it unfinished, a bug of that
/// backend.
fn dropped() -> CacheError {
    CacheError::Backend {
        backend: "unknown",
        source: "the backend dropped a computation before it finished".into(),
    }
}

impl MemoCache {
    /// A cache in this process's memory, set up by `config`.
    #[must_use]
    pub fn new(config: CacheConfig) -> Self {
        Self::with_backend(MemoryBackend::new(config.max_bytes), config)
    }

    /// A cache in memory with the default [`CacheConfig`]: 256 MiB, entries
    /// living 5 minutes.
    #[must_use]
    pub fn in_memory() -> Self {
        Self::new(CacheConfig::default())
    }

    /// A cache kept in `backend`; `config.max_bytes` is ignored (the backend
    /// has its own bound).
    #[must_use]
    pub fn with_backend(backend: impl CacheBackend, config: CacheConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                backend: Box::new(backend),
                config,
                counters: Counters::default(),
            }),
        }
    }

    /// How the cache was set up.
    #[must_use]
    pub fn config(&self) -> &CacheConfig {
        &self.inner.config
    }

    /// Hits and misses so far.
    #[must_use]
    pub fn stats(&self) -> CacheStats {
        self.inner.counters.snapshot()
    }

    fn ttl(&self, ttl: Option<Duration>) -> Duration {
        ttl.unwrap_or(self.inner.config.default_ttl)
    }

    /// The value of `function` called with `args` in `scope`: from the
    /// cache, or else computed by `compute` and stored for `ttl` (the
    /// default time to live when `None`).
    ///
    /// Concurrent calls with the same key (in a backend that coalesces, like
    /// the in-memory one) run `compute` once; the others wait for its value.
    ///
    /// ```
    /// # async fn demo() -> Result<(), ferrodash_cache::CacheError> {
    /// use ferrodash_cache::{MemoCache, Scope};
    ///
    /// let cache = MemoCache::in_memory();
    /// let square = |n: u64| async move { n * n };
    /// let a: u64 = cache.memoize("square", &12, &Scope::Public, None, || square(12)).await?;
    /// // The second call finds the value; its closure does not run.
    /// let b: u64 = cache.memoize("square", &12, &Scope::Public, None, || async { unreachable!() }).await?;
    /// assert_eq!((a, b), (144, 144));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`CacheError`] when the arguments or the value cannot be serialized,
    /// a stored value cannot be read as a `T`, or the backend fails.
    pub async fn memoize<T, A, F, Fut>(
        &self,
        function: &str,
        args: &A,
        scope: &Scope,
        ttl: Option<Duration>,
        compute: F,
    ) -> Result<T, CacheError>
    where
        T: Serialize + DeserializeOwned + Send,
        A: Serialize + ?Sized,
        F: FnOnce() -> Fut + Send,
        Fut: Future<Output = T> + Send,
    {
        self.try_memoize(function, args, scope, ttl, move || {
            let computing = compute();
            async move { Ok::<T, CacheError>(computing.await) }
        })
        .await
    }

    /// Like [`memoize`](Self::memoize), for a computation that can fail: an
    /// error is returned to this caller and nothing is cached, so the next
    /// call computes again. The error type takes the cache's own errors too
    /// (`CallbackError` does).
    ///
    /// When several calls wait on one computation that fails, each of them
    /// then runs its own `compute`.
    ///
    /// # Errors
    ///
    /// `compute`'s error, or a [`CacheError`] converted into `E`.
    pub async fn try_memoize<T, A, E, F, Fut>(
        &self,
        function: &str,
        args: &A,
        scope: &Scope,
        ttl: Option<Duration>,
        compute: F,
    ) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned + Send,
        A: Serialize + ?Sized,
        E: From<CacheError> + Send,
        F: FnOnce() -> Fut + Send,
        Fut: Future<Output = Result<T, E>> + Send,
    {
        let key = CacheKey::new(function, args, scope)?;
        let ttl = self.ttl(ttl);
        // The computation waits here until a backend's `init` takes it: a
        // call that only waited on someone else's failed computation still
        // has it, and tries again.
        let mut pending = Some(compute);
        let mut failure: Option<E> = None;
        // What this call's computation produced, kept in case the backend
        // fails after it ran.
        let mut produced: Option<Bytes> = None;
        for _ in 0..MAX_ATTEMPTS {
            let init: BoxFuture<'_, Option<Bytes>> = Box::pin(async {
                let compute = pending.take()?;
                match compute().await {
                    Ok(value) => {
                        let bytes = encode(&value).map_err(|e| failure = Some(e.into())).ok();
                        produced.clone_from(&bytes);
                        bytes
                    }
                    Err(e) => {
                        failure = Some(e);
                        None
                    }
                }
            });
            let found = match self.inner.backend.get_or_insert_with(&key, ttl, init).await {
                Ok(found) => found,
                // The store is down: the value is computed here and not
                // cached, rather than the call failing.
                Err(error @ CacheError::Backend { .. }) => {
                    tracing::warn!(%error, function, "cache unavailable: computing without it");
                    self.inner.counters.record(false);
                    if let Some(error) = failure.take() {
                        return Err(error);
                    }
                    if let Some(bytes) = produced.take() {
                        return Ok(decode(&bytes)?);
                    }
                    let compute = pending.take().ok_or(error)?;
                    return compute().await;
                }
                Err(error) => return Err(error.into()),
            };
            if let Some(lookup) = found {
                self.inner.counters.record(!lookup.computed);
                return Ok(decode(&lookup.value)?);
            }
            if let Some(error) = failure.take() {
                self.inner.counters.record(false);
                return Err(error);
            }
            if pending.is_none() {
                return Err(dropped().into());
            }
        }
        // Other calls' computations kept failing: compute alone.
        self.inner.counters.record(false);
        let compute = pending.take().ok_or_else(dropped)?;
        let bytes = encode(&compute().await?)?;
        if let Err(error) = self.inner.backend.set(&key, bytes.clone(), ttl).await {
            tracing::warn!(%error, function, "a computed value could not be cached");
        }
        Ok(decode(&bytes)?)
    }

    /// The value stored under `key`, or `None` when there is none (never
    /// stored, expired, evicted or removed).
    ///
    /// # Errors
    ///
    /// [`CacheError::Deserialize`] when the stored value is not a `T`, or a
    /// backend failure.
    pub async fn get<T: DeserializeOwned>(&self, key: &CacheKey) -> Result<Option<T>, CacheError> {
        let found = self.inner.backend.get(key).await?;
        self.inner.counters.record(found.is_some());
        found.map(|bytes| decode(&bytes)).transpose()
    }

    /// Stores `value` under `key` for `ttl` (the default time to live when
    /// `None`), replacing what was there.
    ///
    /// # Errors
    ///
    /// [`CacheError::Serialize`] when `value` cannot be serialized, or a
    /// backend failure.
    pub async fn set<T: Serialize + ?Sized>(
        &self,
        key: &CacheKey,
        value: &T,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError> {
        let bytes = encode(value)?;
        self.inner.backend.set(key, bytes, self.ttl(ttl)).await
    }

    /// Removes the entry under `key`, if any.
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub async fn remove(&self, key: &CacheKey) -> Result<(), CacheError> {
        self.inner.backend.remove(key).await
    }
}

#[cfg(test)]
mod tests;
