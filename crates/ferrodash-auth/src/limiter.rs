//! Login attempts, limited: a password cannot be guessed at speed.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many failed logins a client address and a user name may each make
/// in a window before further attempts wait.
///
/// Both keys count: one address trying many names, and many addresses
/// trying one name, are each slowed down. A successful login clears the
/// name's and the address's failures.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
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

impl Default for LoginLimiter {
    /// 5 failures per 15 minutes.
    fn default() -> Self {
        Self::new(5, Duration::from_secs(15 * 60))
    }
}

impl LoginLimiter {
    /// At most `max_failures` failures per key in `window`.
    #[must_use]
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(address: &str, name: &str) -> [String; 2] {
        [format!("a:{address}"), format!("n:{}", name.to_lowercase())]
    }

    /// Whether `address` may try to log in as `name` now.
    pub fn check(&self, address: &str, name: &str) -> Attempt {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        failures.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        let wait = Self::keys(address, name)
            .iter()
            .filter_map(|key| failures.get(key))
            .filter(|(count, _)| *count >= self.max_failures)
            .map(|(_, since)| self.window.saturating_sub(now.duration_since(*since)))
            .max();
        wait.map_or(Attempt::Allowed, Attempt::RetryAfter)
    }

    /// Records a wrong password (or unknown name).
    pub fn failed(&self, address: &str, name: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        for key in Self::keys(address, name) {
            let entry = failures.entry(key).or_insert((0, now));
            entry.0 = entry.0.saturating_add(1);
        }
    }

    /// Records a successful login: both keys start afresh.
    pub fn succeeded(&self, address: &str, name: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        for key in Self::keys(address, name) {
            failures.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Attempt, LoginLimiter};

    #[test]
    fn failures_past_the_limit_wait_per_address_and_per_name() {
        let limiter = LoginLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(limiter.check("10.0.0.1", "ada"), Attempt::Allowed);
            limiter.failed("10.0.0.1", "ada");
        }
        assert!(
            matches!(limiter.check("10.0.0.1", "ada"), Attempt::RetryAfter(d) if d > Duration::from_secs(50))
        );
        // Another name from the same address, and the same name (any case)
        // from another address, wait too.
        assert!(matches!(
            limiter.check("10.0.0.1", "bob"),
            Attempt::RetryAfter(_)
        ));
        assert!(matches!(
            limiter.check("10.0.0.2", "ADA"),
            Attempt::RetryAfter(_)
        ));
        // Unrelated clients are not affected.
        assert_eq!(limiter.check("10.0.0.3", "carol"), Attempt::Allowed);
    }

    #[test]
    fn the_window_passes_and_success_clears() {
        let limiter = LoginLimiter::new(1, Duration::from_millis(50));
        limiter.failed("a", "ada");
        assert!(matches!(limiter.check("a", "ada"), Attempt::RetryAfter(_)));
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(limiter.check("a", "ada"), Attempt::Allowed);
        limiter.failed("a", "ada");
        limiter.succeeded("a", "ada");
        assert_eq!(limiter.check("a", "ada"), Attempt::Allowed);
    }
}
