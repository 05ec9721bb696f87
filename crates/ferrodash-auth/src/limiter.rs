//! Login attempts, limited: a password cannot be guessed at speed, and a
//! guesser cannot lock a user out.

use std::net::{IpAddr, Ipv6Addr};
use std::time::Duration;

use crate::counters::{Counters, LimiterError};

/// How many login attempts may be made in a window, counted before the
/// password is checked (so attempts sent at once cannot all pass before the
/// first is counted).
///
/// Three keys count every attempt:
///
/// - **(address, name)**, the strict limit: past `max_failures` attempts
///   that did not succeed, that client's further attempts at that name are
///   refused until the window ends (429 with `Retry-After`).
/// - **address**: one client trying many names; past `address_limit` (4 ×
///   `max_failures` by default) it is refused for every name.
/// - **name**: many clients trying one name. This slows each attempt down
///   (a second more per attempt past `max_failures`, at most ten) but never
///   refuses it, so nobody can lock a user out of their account by failing
///   on purpose.
///
/// A successful login takes its own attempt back from the address and the
/// name, and clears only its (address, name) pair: an attacker with an
/// account of their own gains nothing by logging in between guesses.
/// IPv6 clients count by their /64, which one host usually holds whole.
///
/// The counts live in this process by default (at most 100,000 keys; the
/// windows that started first make room); with
/// [`LoginLimiter::connect_redis`] they live in Redis, shared by every
/// process of the app, so a guesser gains nothing by spreading attempts
/// over them.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    address_limit: u32,
    counters: Counters,
}

/// Whether a login attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Check the password, after waiting this long (zero unless the name
    /// has failed many times lately).
    Allowed(Duration),
    /// Refuse without checking; try again after this long (answer 429 with
    /// `Retry-After`).
    RetryAfter(Duration),
}

const WHAT: &str = "login limiter";

/// The delay added per attempt at a name past its limit.
const NAME_DELAY_STEP: Duration = Duration::from_secs(1);

/// The longest delay an attempt at a name waits.
const NAME_DELAY_MAX: Duration = Duration::from_secs(10);

impl Default for LoginLimiter {
    /// 5 failures per 15 minutes, counted in this process.
    fn default() -> Self {
        Self::new(5, Duration::from_secs(15 * 60))
    }
}

impl LoginLimiter {
    /// At most `max_failures` failed attempts per (address, name) in
    /// `window`, counted in this process.
    #[must_use]
    pub fn new(max_failures: u32, window: Duration) -> Self {
        let max_failures = max_failures.max(1);
        Self {
            max_failures,
            address_limit: max_failures.saturating_mul(4),
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
            address_limit: 20,
            counters: Counters::redis(WHAT, Duration::from_secs(15 * 60), url, "ferrodash:logins:")
                .await?,
        })
    }

    /// The same store with other limits (the address limit becomes 4 ×
    /// `max_failures`).
    #[must_use]
    pub fn with_limits(mut self, max_failures: u32, window: Duration) -> Self {
        self.max_failures = max_failures.max(1);
        self.address_limit = self.max_failures.saturating_mul(4);
        self.counters.set_window(window);
        self
    }

    /// How many attempts one client address may make at any names in a
    /// window (default 4 × `max_failures`).
    #[must_use]
    pub fn with_address_limit(mut self, limit: u32) -> Self {
        self.address_limit = limit.max(1);
        self
    }

    /// At most `max_keys` keys counted in memory (default 100,000); no
    /// effect in Redis, whose keys expire with their windows.
    #[must_use]
    pub fn with_max_keys(mut self, max_keys: usize) -> Self {
        self.counters.set_max_keys(max_keys);
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

    /// The keys of an attempt: the address, the (address, name) pair and
    /// the name, names in any case.
    fn keys(address: &str, name: &str) -> [String; 3] {
        let address = address_key(address);
        let name = name.to_lowercase();
        [
            format!("a:{address}"),
            format!("p:{address}\n{name}"),
            format!("n:{name}"),
        ]
    }

    /// Counts an attempt by `address` to log in as `name`, and tells
    /// whether its password may be checked. Call [`succeeded`] when it was
    /// right; a wrong one needs nothing more.
    ///
    /// [`succeeded`]: Self::succeeded
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn attempt(&self, address: &str, name: &str) -> Result<Attempt, LimiterError> {
        let [a, p, n] = Self::keys(address, name);
        let counts = self.counters.hit_all(&[&a, &p, &n]).await?;
        let [
            (by_address, address_left),
            (by_pair, pair_left),
            (by_name, _),
        ] = counts[..]
        else {
            return Ok(Attempt::Allowed(Duration::ZERO));
        };
        // This attempt is counted: the limit refuses the one past it.
        let refused = [
            (by_pair > self.max_failures, pair_left),
            (by_address > self.address_limit, address_left),
        ];
        if let Some(wait) = refused
            .into_iter()
            .filter(|(over, _)| *over)
            .map(|(_, left)| left)
            .max()
        {
            return Ok(Attempt::RetryAfter(wait.max(Duration::from_secs(1))));
        }
        let past = by_name.saturating_sub(self.max_failures);
        Ok(Attempt::Allowed(
            NAME_DELAY_STEP.saturating_mul(past).min(NAME_DELAY_MAX),
        ))
    }

    /// Records that an attempt counted by [`attempt`](Self::attempt) had the
    /// right password: its count is taken back from the address and the
    /// name, and its (address, name) pair starts afresh. Other names' counts
    /// from the same address stay.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn succeeded(&self, address: &str, name: &str) -> Result<(), LimiterError> {
        let [a, p, n] = Self::keys(address, name);
        self.counters.undo(&[&a, &n]).await?;
        self.counters.clear(&[&p]).await
    }

    /// Takes back an attempt counted by [`attempt`](Self::attempt) whose
    /// password was never checked (the server was too busy to check it, or
    /// the user directory failed): it counts against neither the client nor
    /// the name, so a server under load does not turn into refusals for the
    /// users it could not serve.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when Redis does not answer.
    pub async fn not_checked(&self, address: &str, name: &str) -> Result<(), LimiterError> {
        let [a, p, n] = Self::keys(address, name);
        self.counters.undo(&[&a, &p, &n]).await
    }

    /// How many keys the limiter holds in memory.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.counters.len()
    }
}

/// The key a client address counts under: an IPv6 address by its /64 (an
/// IPv4 address mapped into IPv6 as itself), anything else as written.
fn address_key(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{}/64", Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
        }
        Ok(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(|| address.to_owned(), |v4| v4.to_string()),
        _ => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Attempt, LoginLimiter, address_key};

    fn allowed(attempt: Attempt) -> bool {
        matches!(attempt, Attempt::Allowed(_))
    }

    #[tokio::test]
    async fn attempts_past_the_limit_wait_per_address_and_name_pair() {
        let limiter = LoginLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
        }
        assert!(
            matches!(limiter.attempt("10.0.0.1", "ada").await.unwrap(), Attempt::RetryAfter(d) if d > Duration::from_secs(50))
        );
        // Another name from the same address may still try, up to the
        // address's own limit.
        assert!(allowed(limiter.attempt("10.0.0.1", "bob").await.unwrap()));
        // The same name (any case) from another address is slowed down,
        // never refused: a guesser cannot lock ada out.
        for i in 2..7 {
            assert!(allowed(
                limiter
                    .attempt(&format!("10.0.0.{i}"), "ADA")
                    .await
                    .unwrap()
            ));
        }
        assert_eq!(
            limiter.attempt("10.0.0.9", "ada").await.unwrap(),
            Attempt::Allowed(Duration::from_secs(7)),
            "the tenth attempt at a name with a limit of 3 waits 7 s"
        );
        // Unrelated clients are not affected.
        assert_eq!(
            limiter.attempt("10.0.0.3", "carol").await.unwrap(),
            Attempt::Allowed(Duration::ZERO)
        );
    }

    #[tokio::test]
    async fn one_address_trying_many_names_is_refused_past_its_limit() {
        let limiter = LoginLimiter::new(5, Duration::from_secs(60)).with_address_limit(4);
        for name in ["a", "b", "c", "d"] {
            assert!(allowed(limiter.attempt("10.0.0.1", name).await.unwrap()));
        }
        assert!(!allowed(limiter.attempt("10.0.0.1", "e").await.unwrap()));
    }

    #[tokio::test]
    async fn a_success_clears_only_its_own_pair() {
        // An attacker with an account of their own logs in between guesses
        // at other names: the address's count of those guesses stays.
        let limiter = LoginLimiter::new(5, Duration::from_secs(60)).with_address_limit(4);
        for name in ["a", "b", "c"] {
            assert!(allowed(limiter.attempt("10.0.0.1", name).await.unwrap()));
        }
        assert!(allowed(limiter.attempt("10.0.0.1", "own").await.unwrap()));
        limiter.succeeded("10.0.0.1", "own").await.unwrap();
        // The success took back only its own attempt: 3 counted, 1 left.
        assert!(allowed(limiter.attempt("10.0.0.1", "d").await.unwrap()));
        assert!(!allowed(limiter.attempt("10.0.0.1", "e").await.unwrap()));
        // A pair's own failures are cleared by its success.
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        assert!(allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
        assert!(allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
        limiter.succeeded("10.0.0.1", "ada").await.unwrap();
        assert!(allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
    }

    #[tokio::test]
    async fn an_attempt_not_checked_counts_for_nothing() {
        // A server too busy to check passwords must not turn its own load
        // into 429s for the users it could not serve.
        let limiter = LoginLimiter::new(2, Duration::from_secs(60)).with_address_limit(3);
        for _ in 0..10 {
            assert!(allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
            limiter.not_checked("10.0.0.1", "ada").await.unwrap();
        }
        // The pair, the address and the name are all as new.
        assert_eq!(
            limiter.attempt("10.0.0.2", "ada").await.unwrap(),
            Attempt::Allowed(Duration::ZERO)
        );
        assert!(allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
        assert!(allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
        assert!(!allowed(limiter.attempt("10.0.0.1", "ada").await.unwrap()));
    }

    #[tokio::test]
    async fn the_window_passes() {
        let limiter = LoginLimiter::new(1, Duration::from_millis(50));
        assert!(allowed(limiter.attempt("a", "ada").await.unwrap()));
        assert!(!allowed(limiter.attempt("a", "ada").await.unwrap()));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert!(allowed(limiter.attempt("a", "ada").await.unwrap()));
    }

    #[tokio::test]
    async fn the_map_stays_bounded() {
        let limiter = LoginLimiter::new(5, Duration::from_secs(60)).with_max_keys(1000);
        for i in 0..5000 {
            limiter
                .attempt(
                    &format!("10.{}.{}.1", i / 256, i % 256),
                    &format!("user{i}"),
                )
                .await
                .unwrap();
        }
        assert!(limiter.len() <= 1000, "{} keys held", limiter.len());
        // The newest client's counts are kept.
        for _ in 0..4 {
            limiter.attempt("10.19.135.1", "user4999").await.unwrap();
        }
        assert!(!allowed(
            limiter.attempt("10.19.135.1", "user4999").await.unwrap()
        ));
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:bbbb:cccc:dddd:eeee")
        );
        assert_eq!(address_key("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("unknown"), "unknown");
    }

    #[tokio::test]
    async fn ipv6_addresses_of_one_64_share_a_limit() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        assert!(allowed(
            limiter.attempt("2001:db8::1", "ada").await.unwrap()
        ));
        assert!(allowed(
            limiter.attempt("2001:db8::2", "ada").await.unwrap()
        ));
        assert!(!allowed(
            limiter.attempt("2001:db8::3", "ada").await.unwrap()
        ));
    }
}
