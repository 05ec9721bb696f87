//! What can go wrong when caching.

/// A cache operation failed.
///
/// A key that is not in the cache is not an error: lookups answer `Ok(None)`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// A value or the arguments of a key could not be serialized as JSON.
    #[error("cannot serialize a {type_name} for the cache")]
    Serialize {
        /// The Rust type that failed to serialize.
        type_name: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// A stored value could not be read back as the type asked for: the same
    /// function name memoized with two result types, or a type that does not
    /// survive a JSON round trip.
    #[error("cannot read a cached value as a {type_name}")]
    Deserialize {
        /// The Rust type asked for.
        type_name: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// A key token (from the browser, say) is not 64 hex digits.
    #[error("not a cache key token: expected 64 hex digits")]
    InvalidToken,
    /// The storage behind the cache failed (a network store went away, …).
    #[error("the {backend} cache backend failed")]
    Backend {
        /// Which backend, like `"memory"` or `"redis"`.
        backend: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl CacheError {
    pub(crate) fn serialize<T: ?Sized>(source: serde_json::Error) -> Self {
        Self::Serialize {
            type_name: std::any::type_name::<T>(),
            source,
        }
    }

    pub(crate) fn deserialize<T: ?Sized>(source: serde_json::Error) -> Self {
        Self::Deserialize {
            type_name: std::any::type_name::<T>(),
            source,
        }
    }
}
