//! Sessions in Redis, shared by every process of an app.

use std::fmt;
use std::time::Duration;

use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;

use crate::session::{BoxFuture, SessionRecord, SessionStore};

/// Sessions kept in a Redis server under `<prefix><hex of the id's
/// SHA-256>`, as JSON, each expiring when unused for its time to live: a
/// user logged in on one process of the app is logged in on all of them.
///
/// The store answers "no session" when Redis cannot be reached (the user
/// logs in again) and logs why; it never lets a request through for it.
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
        let client = redis::Client::open(url)?;
        Ok(Self {
            connection: ConnectionManager::new(client).await?,
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
    fn load<'a>(&'a self, key: &'a [u8; 32]) -> BoxFuture<'a, Option<SessionRecord>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let text: Option<String> = match connection.get(self.key(key)).await {
                Ok(text) => text,
                Err(error) => {
                    log_failure("read", &error);
                    return None;
                }
            };
            text.and_then(|t| serde_json::from_str(&t).ok())
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Ok(text) = serde_json::to_string(&record) else {
                return;
            };
            let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            let options =
                redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(millis));
            let mut connection = self.connection.clone();
            let saved: Result<(), _> = connection.set_options(self.key(key), text, options).await;
            if let Err(error) = saved {
                log_failure("write", &error);
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a [u8; 32]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let deleted: Result<i64, _> = connection.del(self.key(key)).await;
            if let Err(error) = deleted {
                log_failure("delete", &error);
            }
        })
    }
}

/// Logs a Redis failure.
fn log_failure(what: &str, error: &redis::RedisError) {
    tracing::warn!(%error, "could not {what} a session in Redis");
}
