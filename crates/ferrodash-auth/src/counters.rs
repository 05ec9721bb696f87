//! Counters in fixed windows, in this process or in Redis: what the login
//! limiter and the rate limiter count with.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use sha2::{Digest, Sha256};

/// The store did not answer (Redis is down): what it guards is refused for
/// now (answer 503).
#[derive(Debug, thiserror::Error)]
#[error("the {what}'s store (redis) is unavailable: {source}")]
pub struct LimiterError {
    what: &'static str,
    #[source]
    source: redis::RedisError,
}

/// Counts a hit and starts the key's window at its first.
const HIT: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
";

/// Counters that each start a window of `window` at their first hit and
/// are gone when it ends.
pub(crate) struct Counters {
    what: &'static str,
    window: Duration,
    store: Store,
}

enum Store {
    Memory(Mutex<HashMap<String, (u32, Instant)>>),
    Redis {
        connection: ConnectionManager,
        prefix: String,
    },
}

impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counters")
            .field("window", &self.window)
            .field(
                "store",
                &match &self.store {
                    Store::Memory(_) => "memory",
                    Store::Redis { .. } => "redis",
                },
            )
            .finish()
    }
}

impl Counters {
    /// Counters in this process, for the limiter named `what`.
    pub(crate) fn memory(what: &'static str, window: Duration) -> Self {
        Self {
            what,
            window,
            store: Store::Memory(Mutex::new(HashMap::new())),
        }
    }

    /// Counters in the Redis server at `url` under `prefix`.
    pub(crate) async fn redis(
        what: &'static str,
        window: Duration,
        url: &str,
        prefix: &str,
    ) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        Ok(Self {
            what,
            window,
            store: Store::Redis {
                connection: ConnectionManager::new(client).await?,
                prefix: prefix.to_owned(),
            },
        })
    }

    pub(crate) fn set_window(&mut self, window: Duration) {
        self.window = window;
    }

    pub(crate) fn set_prefix(&mut self, prefix: String) {
        if let Store::Redis { prefix: p, .. } = &mut self.store {
            *p = prefix;
        }
    }

    pub(crate) const fn is_shared(&self) -> bool {
        matches!(self.store, Store::Redis { .. })
    }

    fn error(&self, source: redis::RedisError) -> LimiterError {
        LimiterError {
            what: self.what,
            source,
        }
    }

    /// The key in the store: in Redis hashed, so a long key makes no long
    /// Redis key.
    fn key(&self, key: &str) -> String {
        match &self.store {
            Store::Memory(_) => key.to_owned(),
            Store::Redis { prefix, .. } => {
                let digest = Sha256::digest(key.as_bytes());
                let mut out = prefix.clone();
                for byte in &digest[..16] {
                    out.push_str(&format!("{byte:02x}"));
                }
                out
            }
        }
    }

    fn window_ms(&self) -> u64 {
        u64::try_from(self.window.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Each key's count and the time left in its window (zero counts for
    /// keys with no window running).
    pub(crate) async fn get(&self, keys: &[&str]) -> Result<Vec<(u32, Duration)>, LimiterError> {
        match &self.store {
            Store::Memory(counts) => {
                let now = Instant::now();
                let mut counts = counts.lock().unwrap_or_else(PoisonError::into_inner);
                counts.retain(|_, (_, since)| now.duration_since(*since) < self.window);
                Ok(keys
                    .iter()
                    .map(|key| {
                        counts.get(*key).map_or((0, Duration::ZERO), |(n, since)| {
                            (*n, self.window.saturating_sub(now.duration_since(*since)))
                        })
                    })
                    .collect())
            }
            Store::Redis { connection, .. } => {
                let mut pipe = redis::pipe();
                for key in keys {
                    let key = self.key(key);
                    pipe.get(&key).pttl(&key);
                }
                let answers: Vec<(Option<u32>, i64)> = pipe
                    .query_async(&mut connection.clone())
                    .await
                    .map_err(|e| self.error(e))?;
                Ok(answers
                    .into_iter()
                    .map(|(n, ttl)| {
                        (
                            n.unwrap_or(0),
                            Duration::from_millis(u64::try_from(ttl).unwrap_or(0)),
                        )
                    })
                    .collect())
            }
        }
    }

    /// Counts a hit on `key`: its count now and the time left in its window.
    pub(crate) async fn hit(&self, key: &str) -> Result<(u32, Duration), LimiterError> {
        match &self.store {
            Store::Memory(counts) => {
                let now = Instant::now();
                let mut counts = counts.lock().unwrap_or_else(PoisonError::into_inner);
                let entry = counts.entry(key.to_owned()).or_insert((0, now));
                if now.duration_since(entry.1) >= self.window {
                    *entry = (0, now);
                }
                entry.0 = entry.0.saturating_add(1);
                Ok((
                    entry.0,
                    self.window.saturating_sub(now.duration_since(entry.1)),
                ))
            }
            Store::Redis { connection, .. } => {
                let (count, ttl): (u32, i64) = redis::Script::new(HIT)
                    .key(self.key(key))
                    .arg(self.window_ms())
                    .invoke_async(&mut connection.clone())
                    .await
                    .map_err(|e| self.error(e))?;
                Ok((
                    count,
                    Duration::from_millis(u64::try_from(ttl).unwrap_or(0)),
                ))
            }
        }
    }

    /// Ends the windows of `keys`.
    pub(crate) async fn clear(&self, keys: &[&str]) -> Result<(), LimiterError> {
        match &self.store {
            Store::Memory(counts) => {
                let mut counts = counts.lock().unwrap_or_else(PoisonError::into_inner);
                for key in keys {
                    counts.remove(*key);
                }
            }
            Store::Redis { connection, .. } => {
                let keys: Vec<String> = keys.iter().map(|k| self.key(k)).collect();
                let _: i64 = redis::cmd("DEL")
                    .arg(&keys)
                    .query_async(&mut connection.clone())
                    .await
                    .map_err(|e| self.error(e))?;
            }
        }
        Ok(())
    }
}
