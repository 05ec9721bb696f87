//! Login attempts, limited: a password cannot be guessed at speed.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use sha2::{Digest, Sha256};

/// How many failed logins a client address and a user name may each make
/// in a window before further attempts wait.
///
/// Both keys count: one address trying many names, and many addresses
/// trying one name, are each slowed down. A successful login clears the
/// name's and the address's failures. A window starts at a key's first
/// failure.
///
/// The counts live in this process by default; with
/// [`LoginLimiter::connect_redis`] they live in Redis, shared by every
/// process of the app, so a guesser gains nothing by spreading attempts
/// over them.
pub struct LoginLimiter {
    max_failures: u32,
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

impl fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginLimiter")
            .field("max_failures", &self.max_failures)
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

/// Whether a login attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Check the password.
    Allowed,
    /// Refuse without checking; try again after this long (answer 429 with
    /// `Retry-After`).
    RetryAfter(Duration),
}

/// The limiter's store did not answer (Redis is down): the login cannot be
/// checked safely, so it is refused for now (answer 503).
#[derive(Debug, thiserror::Error)]
#[error("the login limiter's store (redis) is unavailable: {0}")]
pub struct LimiterError(#[from] redis::RedisError);

impl Default for LoginLimiter {
    /// 5 failures per 15 minutes, counted in this process.
    fn default() -> Self {
        Self::new(5, Duration::from_secs(15 * 60))
    }
}

/// Counts a failure and starts the key's window at its first.
const FAIL: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
";

impl LoginLimiter {
    /// At most `max_failures` failures per key in `window`, counted in this
    /// process.
    #[must_use]
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            store: Store::Memory(Mutex::new(HashMap::new())),
        }
    }

    /// The default limits (5 failures per 15 minutes), counted in the Redis
    /// server at `url` under `ferrodash:logins:` and shared by every process
    /// that connects to it.
    ///
    /// # Errors
    ///
    /// The Redis error when the URL is invalid or the server cannot be
    /// reached.
    pub async fn connect_redis(url: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let connection = ConnectionManager::new(client).await?;
        Ok(Self {
            store: Store::Redis {
                connection,
                prefix: "ferrodash:logins:".to_owned(),
            },
            ..Self::default()
        })
    }

    /// The same store with other limits.
    #[must_use]
    pub fn with_limits(mut self, max_failures: u32, window: Duration) -> Self {
        self.max_failures = max_failures.max(1);
        self.window = window;
        self
    }

    /// Puts a Redis limiter's keys under `prefix` (default
    /// `ferrodash:logins:`); no effect in memory.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        if let Store::Redis { prefix: p, .. } = &mut self.store {
            *p = prefix.into();
        }
        self
    }

    /// Whether the counts are shared through Redis.
    #[must_use]
    pub const fn is_shared(&self) -> bool {
        matches!(self.store, Store::Redis { .. })
    }

    /// The keys of an attempt: the address, and the name in any case. In
    /// Redis both are hashed, so a long name makes no long key.
    fn keys(&self, address: &str, name: &str) -> [String; 2] {
        let plain = [format!("a:{address}"), format!("n:{}", name.to_lowercase())];
        match &self.store {
            Store::Memory(_) => plain,
            Store::Redis { prefix, .. } => plain.map(|key| {
                let digest = Sha256::digest(key.as_bytes());
                let mut out = prefix.clone();
                for byte in &digest[..16] {
                    out.push_str(&format!("{byte:02x}"));
                }
                out
            }),
        }
    }

    fn window_ms(&self) -> u64 {
        u64::try_from(self.window.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Whether `address` may try to log in as `name` now.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn check(&self, address: &str, name: &str) -> Result<Attempt, LimiterError> {
        let keys = self.keys(address, name);
        let waits: Vec<Duration> = match &self.store {
            Store::Memory(failures) => {
                let now = Instant::now();
                let mut failures = failures.lock().unwrap_or_else(PoisonError::into_inner);
                failures.retain(|_, (_, since)| now.duration_since(*since) < self.window);
                keys.iter()
                    .filter_map(|key| failures.get(key))
                    .filter(|(count, _)| *count >= self.max_failures)
                    .map(|(_, since)| self.window.saturating_sub(now.duration_since(*since)))
                    .collect()
            }
            Store::Redis { connection, .. } => {
                let mut pipe = redis::pipe();
                for key in &keys {
                    pipe.get(key).pttl(key);
                }
                let (a, a_ttl, n, n_ttl): (Option<u32>, i64, Option<u32>, i64) =
                    pipe.query_async(&mut connection.clone()).await?;
                [(a, a_ttl), (n, n_ttl)]
                    .into_iter()
                    .filter(|(count, _)| count.is_some_and(|c| c >= self.max_failures))
                    .map(|(_, ttl)| Duration::from_millis(u64::try_from(ttl).unwrap_or(1)))
                    .collect()
            }
        };
        Ok(waits
            .into_iter()
            .max()
            .map_or(Attempt::Allowed, Attempt::RetryAfter))
    }

    /// Records a wrong password (or unknown name).
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn failed(&self, address: &str, name: &str) -> Result<(), LimiterError> {
        let keys = self.keys(address, name);
        match &self.store {
            Store::Memory(failures) => {
                let now = Instant::now();
                let mut failures = failures.lock().unwrap_or_else(PoisonError::into_inner);
                for key in keys {
                    let entry = failures.entry(key).or_insert((0, now));
                    entry.0 = entry.0.saturating_add(1);
                }
            }
            Store::Redis { connection, .. } => {
                let script = redis::Script::new(FAIL);
                for key in keys {
                    let _: i64 = script
                        .key(key)
                        .arg(self.window_ms())
                        .invoke_async(&mut connection.clone())
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Records a successful login: both keys start afresh.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn succeeded(&self, address: &str, name: &str) -> Result<(), LimiterError> {
        let keys = self.keys(address, name);
        match &self.store {
            Store::Memory(failures) => {
                let mut failures = failures.lock().unwrap_or_else(PoisonError::into_inner);
                for key in keys {
                    failures.remove(&key);
                }
            }
            Store::Redis { connection, .. } => {
                let _: i64 = redis::cmd("DEL")
                    .arg(&keys)
                    .query_async(&mut connection.clone())
                    .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Attempt, LoginLimiter};

    #[tokio::test]
    async fn failures_past_the_limit_wait_per_address_and_per_name() {
        let limiter = LoginLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(
                limiter.check("10.0.0.1", "ada").await.unwrap(),
                Attempt::Allowed
            );
            limiter.failed("10.0.0.1", "ada").await.unwrap();
        }
        assert!(
            matches!(limiter.check("10.0.0.1", "ada").await.unwrap(), Attempt::RetryAfter(d) if d > Duration::from_secs(50))
        );
        // Another name from the same address, and the same name (any case)
        // from another address, wait too.
        assert!(matches!(
            limiter.check("10.0.0.1", "bob").await.unwrap(),
            Attempt::RetryAfter(_)
        ));
        assert!(matches!(
            limiter.check("10.0.0.2", "ADA").await.unwrap(),
            Attempt::RetryAfter(_)
        ));
        // Unrelated clients are not affected.
        assert_eq!(
            limiter.check("10.0.0.3", "carol").await.unwrap(),
            Attempt::Allowed
        );
    }

    #[tokio::test]
    async fn the_window_passes_and_success_clears() {
        let limiter = LoginLimiter::new(1, Duration::from_millis(50));
        limiter.failed("a", "ada").await.unwrap();
        assert!(matches!(
            limiter.check("a", "ada").await.unwrap(),
            Attempt::RetryAfter(_)
        ));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(limiter.check("a", "ada").await.unwrap(), Attempt::Allowed);
        limiter.failed("a", "ada").await.unwrap();
        limiter.succeeded("a", "ada").await.unwrap();
        assert_eq!(limiter.check("a", "ada").await.unwrap(), Attempt::Allowed);
    }
}
