//! A rate limit per key (a user, a client): at most so many requests in a
//! window, counted in this process or in Redis for every process of an app.

use std::time::Duration;

use crate::counters::{Counters, LimiterError};

/// At most `limit` hits per key in a window that starts at the key's first
/// hit.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    counters: Counters,
}

/// Whether a request may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// Within the limit, with this many hits left in the window.
    Allowed {
        /// Hits left.
        remaining: u32,
    },
    /// Over the limit: refuse (429) until the window ends.
    Limited {
        /// When the window ends.
        retry_after: Duration,
    },
}

const WHAT: &str = "rate limiter";

impl RateLimiter {
    /// At most `limit` hits per key per `window`, counted in this process.
    #[must_use]
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            counters: Counters::memory(WHAT, window),
        }
    }

    /// At most `limit` hits per key per `window`, counted in the Redis
    /// server at `url` under `prefix`: shared by every process connected to
    /// it.
    ///
    /// # Errors
    ///
    /// The Redis error when the URL is invalid or the server cannot be
    /// reached.
    pub async fn connect_redis(
        url: &str,
        prefix: &str,
        limit: u32,
        window: Duration,
    ) -> Result<Self, redis::RedisError> {
        Ok(Self {
            limit: limit.max(1),
            counters: Counters::redis(WHAT, window, url, prefix).await?,
        })
    }

    /// Whether the counts are shared through Redis.
    #[must_use]
    pub const fn is_shared(&self) -> bool {
        self.counters.is_shared()
    }

    /// Counts a request of `key` and says whether it may go ahead.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn hit(&self, key: &str) -> Result<Rate, LimiterError> {
        let (count, left) = self.counters.hit(key).await?;
        Ok(if count > self.limit {
            Rate::Limited {
                retry_after: left.max(Duration::from_millis(1)),
            }
        } else {
            Rate::Allowed {
                remaining: self.limit - count,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hits_past_the_limit_wait_for_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_millis(100));
        assert_eq!(
            limiter.hit("ada").await.unwrap(),
            Rate::Allowed { remaining: 1 }
        );
        assert_eq!(
            limiter.hit("ada").await.unwrap(),
            Rate::Allowed { remaining: 0 }
        );
        assert!(matches!(
            limiter.hit("ada").await.unwrap(),
            Rate::Limited { retry_after } if retry_after <= Duration::from_millis(100)
        ));
        assert_eq!(
            limiter.hit("bob").await.unwrap(),
            Rate::Allowed { remaining: 1 }
        );
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert_eq!(
            limiter.hit("ada").await.unwrap(),
            Rate::Allowed { remaining: 1 }
        );
    }
}
