//! Where entries are stored: the [`CacheBackend`] trait.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;

use crate::{CacheError, CacheKey};

/// A boxed future that can move between threads, as backends return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A value found or computed by [`CacheBackend::get_or_insert_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lookup {
    /// The stored bytes (a value serialized as JSON).
    pub value: Bytes,
    /// Whether this call's own `init` computed it; `false` when it was in
    /// the cache or another call computed it meanwhile.
    pub computed: bool,
}

impl Lookup {
    /// A lookup result.
    #[must_use]
    pub const fn new(value: Bytes, computed: bool) -> Self {
        Self { value, computed }
    }
}

/// Storage for cache entries: bytes under [`CacheKey`]s, each with a time to
/// live.
///
/// Every backend stores the same thing, a value serialized as JSON by
/// [`MemoCache`](crate::MemoCache), so backends can be swapped without
/// touching the code that caches. [`MemoryBackend`](crate::MemoryBackend)
/// keeps entries in this process; a backend shared by several processes (a
/// network store) implements the same four methods.
///
/// The methods return boxed futures so that a `MemoCache` can hold any
/// backend behind one pointer.
pub trait CacheBackend: fmt::Debug + Send + Sync + 'static {
    /// The bytes stored under `key`, or `None` when there are none or they
    /// have expired.
    fn get<'a>(&'a self, key: &'a CacheKey) -> BoxFuture<'a, Result<Option<Bytes>, CacheError>>;

    /// Stores `value` under `key` for `ttl`, replacing what was there.
    fn set<'a>(
        &'a self,
        key: &'a CacheKey,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), CacheError>>;

    /// Removes the entry under `key`, if any.
    fn remove<'a>(&'a self, key: &'a CacheKey) -> BoxFuture<'a, Result<(), CacheError>>;

    /// The bytes under `key`, or else the bytes `init` resolves to, stored for
    /// `ttl`. When `init` resolves to `None` nothing is stored and the answer
    /// is `None`.
    ///
    /// Backends should coalesce concurrent calls for one key so that a single
    /// `init` runs while the others wait for its value; a waiting call whose
    /// `init` never ran may answer `None` when the one that ran failed (the
    /// caller then tries again). The default does not coalesce: it looks the
    /// key up, runs `init` on a miss and stores the result.
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
            let Some(value) = init.await else {
                return Ok(None);
            };
            self.set(key, value.clone(), ttl).await?;
            Ok(Some(Lookup::new(value, true)))
        })
    }
}
