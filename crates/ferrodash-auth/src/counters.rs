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

/// Counts a hit on every key, starting a key's window at its first; answers
/// each key's count and the milliseconds left in its window.
const HIT: &str = r"
local out = {}
for _, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  table.insert(out, count)
  table.insert(out, redis.call('PTTL', key))
end
return out
";

/// Takes one hit back from every key that has a count left (its window
/// goes on).
const UNDO: &str = r"
for _, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count > 0 then redis.call('DECR', key) end
end
return 0
";

/// The most keys counters in memory hold by default: past it, the windows
/// that started first are dropped (a tenth at a time) to make room.
pub(crate) const DEFAULT_MAX_KEYS: usize = 100_000;

/// Counters that each start a window of `window` at their first hit and
/// are gone when it ends.
pub(crate) struct Counters {
    what: &'static str,
    window: Duration,
    max_keys: usize,
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
            max_keys: DEFAULT_MAX_KEYS,
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
        Ok(Self {
            what,
            window,
            max_keys: DEFAULT_MAX_KEYS,
            store: Store::Redis {
                connection: crate::redis_connection::connect(url).await?,
                prefix: prefix.to_owned(),
            },
        })
    }

    pub(crate) fn set_window(&mut self, window: Duration) {
        self.window = window;
    }

    /// At most `max_keys` keys in memory (no effect in Redis, whose keys
    /// expire with their windows).
    pub(crate) fn set_max_keys(&mut self, max_keys: usize) {
        self.max_keys = max_keys.max(1);
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
                for byte in digest.iter().take(16) {
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

    /// Counts a hit on `key`: its count now and the time left in its window.
    pub(crate) async fn hit(&self, key: &str) -> Result<(u32, Duration), LimiterError> {
        let counts = self.hit_all(&[key]).await?;
        Ok(counts.into_iter().next().unwrap_or((0, Duration::ZERO)))
    }

    /// Counts a hit on each of `keys` at once: each one's count now and the
    /// time left in its window.
    pub(crate) async fn hit_all(
        &self,
        keys: &[&str],
    ) -> Result<Vec<(u32, Duration)>, LimiterError> {
        match &self.store {
            Store::Memory(counts) => {
                let now = Instant::now();
                let mut counts = counts.lock().unwrap_or_else(PoisonError::into_inner);
                self.make_room(&mut counts, now, keys.len());
                Ok(keys
                    .iter()
                    .map(|key| {
                        let entry = counts.entry((*key).to_owned()).or_insert((0, now));
                        if now.duration_since(entry.1) >= self.window {
                            *entry = (0, now);
                        }
                        entry.0 = entry.0.saturating_add(1);
                        (
                            entry.0,
                            self.window.saturating_sub(now.duration_since(entry.1)),
                        )
                    })
                    .collect())
            }
            Store::Redis { connection, .. } => {
                let hit = redis::Script::new(HIT);
                let mut script = hit.prepare_invoke();
                for key in keys {
                    script.key(self.key(key));
                }
                let answers: Vec<i64> = script
                    .arg(self.window_ms())
                    .invoke_async(&mut connection.clone())
                    .await
                    .map_err(|e| self.error(e))?;
                Ok(answers
                    .chunks_exact(2)
                    .map(|pair| match pair {
                        [count, ttl] => (
                            u32::try_from(*count).unwrap_or(u32::MAX),
                            Duration::from_millis(u64::try_from(*ttl).unwrap_or(0)),
                        ),
                        _ => (0, Duration::ZERO),
                    })
                    .collect())
            }
        }
    }

    /// Takes one hit back from each of `keys` (a hit counted before its
    /// outcome was known, which turned out not to count).
    pub(crate) async fn undo(&self, keys: &[&str]) -> Result<(), LimiterError> {
        match &self.store {
            Store::Memory(counts) => {
                let mut counts = counts.lock().unwrap_or_else(PoisonError::into_inner);
                for key in keys {
                    if let Some(entry) = counts.get_mut(*key) {
                        entry.0 = entry.0.saturating_sub(1);
                    }
                }
            }
            Store::Redis { connection, .. } => {
                let undo = redis::Script::new(UNDO);
                let mut script = undo.prepare_invoke();
                for key in keys {
                    script.key(self.key(key));
                }
                let _: i64 = script
                    .invoke_async(&mut connection.clone())
                    .await
                    .map_err(|e| self.error(e))?;
            }
        }
        Ok(())
    }

    /// Keeps the map under its bound with room for `new` keys: windows that
    /// ended go first, then, when that is not enough, the tenth of the
    /// windows that started first.
    fn make_room(&self, counts: &mut HashMap<String, (u32, Instant)>, now: Instant, new: usize) {
        if counts.len().saturating_add(new) <= self.max_keys {
            return;
        }
        counts.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        let over = counts
            .len()
            .saturating_add(new)
            .saturating_sub(self.max_keys);
        if over == 0 {
            return;
        }
        let drop = over.max(self.max_keys / 10);
        let mut starts: Vec<Instant> = counts.values().map(|(_, since)| *since).collect();
        starts.sort_unstable();
        if let Some(cutoff) = starts
            .get(drop.min(starts.len()).saturating_sub(1))
            .copied()
        {
            counts.retain(|_, (_, since)| *since > cutoff);
        }
    }

    /// How many keys are held in memory (none are counted for Redis).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        match &self.store {
            Store::Memory(counts) => counts.lock().unwrap_or_else(PoisonError::into_inner).len(),
            Store::Redis { .. } => 0,
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
