//! Server-side stores: data stays on the server, the page holds a key.
//!
//! Dash apps pass data between callbacks through a `dcc.Store`, which sends
//! the whole table to the browser and back with every callback. A
//! [`ServerStore`] keeps the data in the cache instead and gives the callback
//! a [`StoreKey`] to write to the `dcc.Store`: a short token that names the
//! entry. A later callback takes the key as its input and reads the data
//! back, typed.

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrodash_core::IntoPropValue;
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::{CacheError, CacheKey, MemoCache, Scope};

/// The prefix of every store key, with the format's version.
const PREFIX: &str = "fds1-";
/// Random part: 16 bytes as hex.
const NONCE_HEX: usize = 32;
/// The longest token accepted: prefix, nonce, dash, 20 digits.
const MAX_TOKEN: usize = PREFIX.len() + NONCE_HEX + 1 + 20;
/// The function name store entries are cached under.
const FUNCTION: &str = "ferrodash/server-store";

/// Data kept on the server for the page: values stored in a [`MemoCache`]
/// under random keys that the page holds.
///
/// Cloning is cheap; clones share one cache. Entries live for the store's
/// time to live (30 minutes unless set), in the cache's backend: in this
/// process's memory or in Redis, shared by every server process.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ferrodash_cache::StoreError> {
/// use ferrodash_cache::{MemoCache, Scope, ServerStore, StoreError};
///
/// let store = ServerStore::new(MemoCache::in_memory());
/// let rows = vec![("north".to_owned(), 120.5), ("south".to_owned(), 80.0)];
/// let key = store.put(&rows, &Scope::user("ada")).await?;
///
/// // The key is what the page's dcc.Store holds: a short token.
/// assert!(key.token().len() < 64);
/// let back: Vec<(String, f64)> = store.get(&key, &Scope::user("ada")).await?;
/// assert_eq!(back, rows);
///
/// // Another user's scope finds nothing under the same key.
/// assert!(matches!(
///     store.get(&key, &Scope::user("bob")).await,
///     Err(StoreError::Missing)
/// ));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ServerStore {
    cache: MemoCache,
    ttl: Duration,
}

impl ServerStore {
    /// The default time to live of stored data: 30 minutes.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 60);

    /// A store keeping its data in `cache`, for [`Self::DEFAULT_TTL`].
    #[must_use]
    pub const fn new(cache: MemoCache) -> Self {
        Self {
            cache,
            ttl: Self::DEFAULT_TTL,
        }
    }

    /// The store with data living `ttl` (at least one second).
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_secs(1));
        self
    }

    /// How long stored data lives.
    #[must_use]
    pub const fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Stores `value` for `scope` (the user or tenant it belongs to) and
    /// answers the key that reads it back.
    ///
    /// # Errors
    ///
    /// [`StoreError::Cache`] when the value cannot be serialized or the
    /// cache's backend fails.
    pub async fn put<T: Serialize>(
        &self,
        value: &T,
        scope: &Scope,
    ) -> Result<StoreKey<T>, StoreError> {
        let expires = now_secs().saturating_add(self.ttl.as_secs());
        let nonce: [u8; 16] = rand::random();
        let token = format!("{PREFIX}{}-{expires}", hex::encode(nonce));
        let key = CacheKey::new(FUNCTION, &token, scope)?;
        self.cache.set(&key, value, Some(self.ttl)).await?;
        Ok(StoreKey::from_checked(token))
    }

    /// The value stored under `key` for `scope`.
    ///
    /// # Errors
    ///
    /// - [`StoreError::Expired`] when the key's time has passed;
    /// - [`StoreError::Missing`] when nothing is stored under it for this
    ///   scope: another user's key, a key made by a server with another
    ///   cache, or data the cache evicted to stay within its size;
    /// - [`StoreError::Cache`] when the stored value is not a `T` or the
    ///   backend fails.
    pub async fn get<T: DeserializeOwned>(
        &self,
        key: &StoreKey<T>,
        scope: &Scope,
    ) -> Result<T, StoreError> {
        let expires = expiry(&key.token).ok_or(StoreError::InvalidKey)?;
        let now = now_secs();
        if now >= expires {
            return Err(StoreError::Expired {
                ago: Duration::from_secs(now - expires),
            });
        }
        let cache_key = CacheKey::new(FUNCTION, &key.token, scope)?;
        self.cache.get(&cache_key).await?.ok_or(StoreError::Missing)
    }

    /// Removes the value stored under `key` for `scope`, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::Cache`] when the backend fails.
    pub async fn remove<T>(&self, key: &StoreKey<T>, scope: &Scope) -> Result<(), StoreError> {
        let cache_key = CacheKey::new(FUNCTION, &key.token, scope)?;
        Ok(self.cache.remove(&cache_key).await?)
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether `token` has the form of a store key; its expiry time if so.
fn expiry(token: &str) -> Option<u64> {
    if token.len() > MAX_TOKEN {
        return None;
    }
    let rest = token.strip_prefix(PREFIX)?;
    let (nonce, expires) = rest.split_once('-')?;
    let nonce_ok = nonce.len() == NONCE_HEX
        && nonce
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let digits_ok = !expires.is_empty() && expires.bytes().all(|b| b.is_ascii_digit());
    if nonce_ok && digits_ok {
        expires.parse().ok()
    } else {
        None
    }
}

/// The key of data in a [`ServerStore`], typed by the data it names.
///
/// It travels as a short string token (in a `dcc.Store`'s `data`, say): a
/// callback returns it as an output value, and a later callback takes it as
/// an input, `Input<StoreKey<Vec<Sale>>>`. A string that is not a store key
/// is refused when the input is read, so the request gets a 4xx naming the
/// input.
///
/// The token carries its expiry time and 128 random bits; the entry it names
/// is also bound to the scope it was stored for, so a key copied to another
/// user's page reads nothing.
pub struct StoreKey<T> {
    token: String,
    data: PhantomData<fn() -> T>,
}

impl<T> StoreKey<T> {
    fn from_checked(token: String) -> Self {
        Self {
            token,
            data: PhantomData,
        }
    }

    /// The key read from its token.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidKey`] when `token` is not a store key.
    pub fn parse(token: &str) -> Result<Self, StoreError> {
        expiry(token).ok_or(StoreError::InvalidKey)?;
        Ok(Self::from_checked(token.to_owned()))
    }

    /// The token the page holds.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl<T> Clone for StoreKey<T> {
    fn clone(&self) -> Self {
        Self::from_checked(self.token.clone())
    }
}

impl<T> PartialEq for StoreKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.token == other.token
    }
}

impl<T> Eq for StoreKey<T> {}

impl<T> fmt::Debug for StoreKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StoreKey").field(&self.token).finish()
    }
}

impl<T> fmt::Display for StoreKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.token)
    }
}

impl<T> Serialize for StoreKey<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.token)
    }
}

impl<'de, T> Deserialize<'de> for StoreKey<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let token = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Self::parse(&token).map_err(serde::de::Error::custom)
    }
}

impl<T: 'static> IntoPropValue for StoreKey<T> {
    fn into_prop_value(self) -> Value {
        Value::String(self.token)
    }
}

/// Data could not be read from, or kept in, a [`ServerStore`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The string is not a server-side store key.
    #[error("not a server-side store key")]
    InvalidKey,
    /// The key's data has expired.
    #[error(
        "the server-side store key expired {} s ago; the data must be computed again",
        ago.as_secs()
    )]
    Expired {
        /// How long ago.
        ago: Duration,
    },
    /// Nothing is stored under the key for this user: another user's key,
    /// a key from a server with another cache, or data the cache evicted.
    #[error(
        "no data under this server-side store key for this user \
         (evicted, or stored by another user or server)"
    )]
    Missing,
    /// The cache failed, or the stored value is not of the type asked for.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl StoreError {
    /// Whether the request is at fault (a key that is malformed, expired or
    /// names nothing), not the server. A callback that returns this error
    /// with `?` gets a 4xx naming the store key; other failures are 500s.
    #[must_use]
    pub const fn is_client_error(&self) -> bool {
        !matches!(self, Self::Cache(_))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ferrodash_core::IntoPropValue;
    use serde_json::json;

    use super::{MAX_TOKEN, ServerStore, StoreError, StoreKey};
    use crate::{CacheConfig, MemoCache, Scope};

    fn store() -> ServerStore {
        ServerStore::new(MemoCache::new(CacheConfig::default()))
    }

    #[tokio::test]
    async fn data_comes_back_typed_for_its_scope_only() {
        let store = store();
        let rows: Vec<u32> = (0..10_000).collect();
        let key = store.put(&rows, &Scope::user("ada")).await.unwrap();
        assert!(key.token().len() <= MAX_TOKEN);
        assert_eq!(store.get(&key, &Scope::user("ada")).await.unwrap(), rows);
        assert!(matches!(
            store.get(&key, &Scope::user("bob")).await,
            Err(StoreError::Missing)
        ));
        assert!(matches!(
            store.get(&key, &Scope::Public).await,
            Err(StoreError::Missing)
        ));
        store.remove(&key, &Scope::user("ada")).await.unwrap();
        assert!(matches!(
            store.get(&key, &Scope::user("ada")).await,
            Err(StoreError::Missing)
        ));
    }

    #[tokio::test]
    async fn keys_are_unique_per_put() {
        let store = store();
        let a = store.put(&1, &Scope::Public).await.unwrap();
        let b = store.put(&1, &Scope::Public).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn an_expired_key_is_reported_as_expired() {
        let store = store().with_ttl(Duration::from_secs(1));
        let key = store.put(&"x".to_owned(), &Scope::Public).await.unwrap();
        tokio::time::sleep(Duration::from_millis(2_100)).await;
        let err = store.get(&key, &Scope::Public).await.unwrap_err();
        assert!(matches!(err, StoreError::Expired { .. }), "{err:?}");
        assert!(err.to_string().contains("expired"), "{err}");
    }

    #[tokio::test]
    async fn a_tampered_expiry_finds_nothing() {
        let store = store();
        let key = store
            .put(&"secret".to_owned(), &Scope::Public)
            .await
            .unwrap();
        let (head, _) = key.token().rsplit_once('-').unwrap();
        let forged = StoreKey::<String>::parse(&format!("{head}-99999999999")).unwrap();
        assert!(matches!(
            store.get(&forged, &Scope::Public).await,
            Err(StoreError::Missing)
        ));
    }

    #[tokio::test]
    async fn a_key_read_as_another_type_is_a_cache_error() {
        let store = store();
        let key = store.put(&"text".to_owned(), &Scope::Public).await.unwrap();
        let wrong = StoreKey::<Vec<u64>>::parse(key.token()).unwrap();
        assert!(matches!(
            store.get(&wrong, &Scope::Public).await,
            Err(StoreError::Cache(_))
        ));
    }

    #[test]
    fn garbage_tokens_are_refused() {
        let long = format!("fds1-{}-1", "a".repeat(10_000));
        for token in [
            "",
            "fds1-",
            "fds1-abc-1",
            "fds1-0123456789abcdef0123456789abcdef-",
            "fds1-0123456789abcdef0123456789abcdef-1x",
            "fds1-0123456789ABCDEF0123456789abcdef-1",
            "fds2-0123456789abcdef0123456789abcdef-1",
            "fds1-0123456789abcdef0123456789abcdef-123456789012345678901",
            long.as_str(),
        ] {
            assert!(
                matches!(StoreKey::<()>::parse(token), Err(StoreError::InvalidKey)),
                "{token:?}"
            );
            assert!(serde_json::from_value::<StoreKey<()>>(json!(token)).is_err());
        }
        assert!(serde_json::from_value::<StoreKey<()>>(json!(12)).is_err());
        assert!(StoreKey::<()>::parse("fds1-0123456789abcdef0123456789abcdef-1").is_ok());
    }

    #[test]
    fn keys_travel_as_their_token() {
        let key = StoreKey::<()>::parse("fds1-0123456789abcdef0123456789abcdef-17").unwrap();
        assert_eq!(key.clone().into_prop_value(), json!(key.token()));
        assert_eq!(serde_json::to_value(&key).unwrap(), json!(key.token()));
    }

    #[test]
    fn key_problems_are_client_errors_and_cache_failures_server_errors() {
        assert!(StoreError::Missing.is_client_error());
        assert!(StoreError::InvalidKey.is_client_error());
        assert!(!StoreError::Cache(crate::CacheError::InvalidToken).is_client_error());
    }
}
