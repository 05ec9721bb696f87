//! Sessions in Redis, shared by every process of an app.

use std::fmt;
use std::time::Duration;

use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;

use crate::session::{BoxFuture, SessionRecord, SessionStore, SessionStoreError};

/// Sessions kept in a Redis server under `<prefix><hex of the id's
/// SHA-256>`, as JSON, each expiring when unused for its time to live: a
/// user logged in on one process of the app is logged in on all of them.
///
/// While Redis cannot be reached every method answers
/// [`SessionStoreError`], and the server refuses requests that need a
/// session with 503: it never takes a logged-in user for an anonymous one,
/// nor reports a logout that did not happen.
#[derive(Clone)]
pub struct RedisSessionStore {
    connection: ConnectionManager,
    prefix: String,
}

impl fmt::Debug for RedisSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisSessionStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisSessionStore {
    /// Connects to the server at `url` (`redis://host:port/db`).
    ///
    /// # Errors
    ///
    /// The Redis error when the URL is invalid or the server cannot be
    /// reached.
    pub async fn connect(url: &str) -> Result<Self, redis::RedisError> {
        Ok(Self {
            connection: crate::redis_connection::connect(url).await?,
            prefix: "ferrodash:session:".to_owned(),
        })
    }

    /// Puts every session under `prefix` (default `ferrodash:session:`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, key: &[u8; 32]) -> String {
        let mut out = self.prefix.clone();
        for byte in key {
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }
}

impl SessionStore for RedisSessionStore {
    fn load<'a>(
        &'a self,
        key: &'a [u8; 32],
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, SessionStoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let text: Option<String> = connection
                .get(self.key(key))
                .await
                .map_err(|e| failure("read", &e))?;
            // A record that does not parse (written by another version) is
            // no session.
            Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        Box::pin(async move { self.set(key, &record, ttl, false).await.map(|_| ()) })
    }

    fn refresh<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, SessionStoreError>> {
        Box::pin(async move { self.set(key, &record, ttl, true).await })
    }

    fn delete<'a>(&'a self, key: &'a [u8; 32]) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _: i64 = connection
                .del(self.key(key))
                .await
                .map_err(|e| failure("delete", &e))?;
            Ok(())
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), SessionStoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _: String = redis::cmd("PING")
                .query_async(&mut connection)
                .await
                .map_err(|e| failure("reach", &e))?;
            Ok(())
        })
    }
}

impl RedisSessionStore {
    /// `SET key record PX ttl`, with `XX` (only over a record still there)
    /// when `existing`; whether it was set.
    async fn set(
        &self,
        key: &[u8; 32],
        record: &SessionRecord,
        ttl: Duration,
        existing: bool,
    ) -> Result<bool, SessionStoreError> {
        let text = serde_json::to_string(record)
            .map_err(|e| SessionStoreError(format!("a session record did not serialize: {e}")))?;
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut options =
            redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis));
        if existing {
            options = options.conditional_set(redis::ExistenceCheck::XX);
        }
        let mut connection = self.connection.clone();
        let answer: Option<String> = connection
            .set_options(self.key(key), text, options)
            .await
            .map_err(|e| failure("write", &e))?;
        Ok(answer.is_some())
    }
}

/// A Redis failure, logged and made a [`SessionStoreError`].
fn failure(what: &str, error: &redis::RedisError) -> SessionStoreError {
    tracing::warn!(%error, "could not {what} a session in Redis");
    SessionStoreError(format!("could not {what} a session in Redis: {error}"))
}
