//! Login attempts, limited: a password cannot be guessed at speed.

use std::time::Duration;

use crate::counters::{Counters, LimiterError};

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
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    counters: Counters,
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

const WHAT: &str = "login limiter";

impl Default for LoginLimiter {
    /// 5 failures per 15 minutes, counted in this process.
    fn default() -> Self {
        Self::new(5, Duration::from_secs(15 * 60))
    }
}

impl LoginLimiter {
    /// At most `max_failures` failures per key in `window`, counted in this
    /// process.
    #[must_use]
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            counters: Counters::memory(WHAT, window),
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
        Ok(Self {
            max_failures: 5,
            counters: Counters::redis(WHAT, Duration::from_secs(15 * 60), url, "ferrodash:logins:")
                .await?,
        })
    }

    /// The same store with other limits.
    #[must_use]
    pub fn with_limits(mut self, max_failures: u32, window: Duration) -> Self {
        self.max_failures = max_failures.max(1);
        self.counters.set_window(window);
        self
    }

    /// Puts a Redis limiter's keys under `prefix` (default
    /// `ferrodash:logins:`); no effect in memory.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.counters.set_prefix(prefix.into());
        self
    }

    /// Whether the counts are shared through Redis.
    #[must_use]
    pub const fn is_shared(&self) -> bool {
        self.counters.is_shared()
    }

    /// The keys of an attempt: the address, and the name in any case.
    fn keys(address: &str, name: &str) -> [String; 2] {
        [format!("a:{address}"), format!("n:{}", name.to_lowercase())]
    }

    /// Whether `address` may try to log in as `name` now.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn check(&self, address: &str, name: &str) -> Result<Attempt, LimiterError> {
        let [a, n] = Self::keys(address, name);
        let counts = self.counters.get(&[&a, &n]).await?;
        Ok(counts
            .into_iter()
            .filter(|(count, _)| *count >= self.max_failures)
            .map(|(_, left)| left)
            .max()
            .map_or(Attempt::Allowed, Attempt::RetryAfter))
    }

    /// Records a wrong password (or unknown name).
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn failed(&self, address: &str, name: &str) -> Result<(), LimiterError> {
        for key in Self::keys(address, name) {
            self.counters.hit(&key).await?;
        }
        Ok(())
    }

    /// Records a successful login: both keys start afresh.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn succeeded(&self, address: &str, name: &str) -> Result<(), LimiterError> {
        let [a, n] = Self::keys(address, name);
        self.counters.clear(&[&a, &n]).await
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
