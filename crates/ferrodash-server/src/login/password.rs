//! Checking a user name and password, for the login form and Basic auth
//! alike: counted by the limiter first, then checked by the credentials
//! while holding one of a few permits, so a burst of logins cannot take
//! every thread of the server.

use std::sync::Arc;
use std::time::Duration;

use ferrodash_auth::{Attempt, Credentials, Principal};
use tokio::sync::Semaphore;

use super::{LoginCounts, LoginState};

/// How many password checks run at once, and how long an attempt waits
/// for its turn before it is refused with 503.
#[derive(Debug, Clone)]
pub(crate) struct PasswordChecks {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl PasswordChecks {
    pub(crate) fn new(at_once: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            wait,
        }
    }
}

impl Default for PasswordChecks {
    /// As many checks at once as the machine has cores, each waiting at
    /// most 2 s for its turn.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(cores, Duration::from_secs(2))
    }
}

/// Why a password was not checked, or its check did not finish.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Too many attempts from this client: 429 after this long.
    Limited(Duration),
    /// Every permit stayed taken while the attempt waited: 503.
    Busy,
    /// The limiter's store does not answer: 503.
    LimiterDown(String),
    /// The credentials could not be checked (their directory failed): 500.
    DirectoryFailed(String),
}

/// Counts the attempt, waits any delay the limiter asks for, then checks
/// the password: the user when it is right, `None` when it is wrong.
pub(crate) async fn check(
    login: &LoginState,
    credentials: &Arc<dyn Credentials>,
    address: &str,
    name: &str,
    password: &str,
) -> Result<Option<Principal>, Refusal> {
    let attempt = login
        .limiter
        .attempt(address, name)
        .await
        .map_err(|error| Refusal::LimiterDown(error.to_string()))?;
    let delay = match attempt {
        Attempt::Allowed(delay) => delay,
        Attempt::RetryAfter(wait) => {
            LoginCounts::add(&login.counts.limited);
            tracing::warn!(%address, "login refused: too many failed attempts");
            return Err(Refusal::Limited(wait));
        }
    };
    if !delay.is_zero() {
        tracing::info!(%address, delay_ms = delay.as_millis(), "login slowed: its name failed often lately");
        tokio::time::sleep(delay).await;
    }
    let checks = &login.password_checks;
    let Ok(Ok(_permit)) = tokio::time::timeout(checks.wait, checks.permits.acquire()).await else {
        LoginCounts::add(&login.counts.busy);
        tracing::warn!(%address, "login refused: every password check is busy");
        take_back(login, address, name).await;
        return Err(Refusal::Busy);
    };
    match credentials.verify(name, password).await {
        Ok(Some(user)) => {
            if let Err(error) = login.limiter.succeeded(address, name).await {
                tracing::warn!(%error, "a successful login could not clear its failures");
            }
            LoginCounts::add(&login.counts.succeeded);
            Ok(Some(user))
        }
        Ok(None) => {
            LoginCounts::add(&login.counts.failed);
            tracing::info!(%address, "login failed: wrong user name or password");
            Ok(None)
        }
        Err(error) => {
            take_back(login, address, name).await;
            Err(Refusal::DirectoryFailed(error.to_string()))
        }
    }
}

/// Takes back the limiter's count of an attempt whose password was never
/// checked: the server's own trouble is no guess.
async fn take_back(login: &LoginState, address: &str, name: &str) {
    if let Err(error) = login.limiter.not_checked(address, name).await {
        tracing::warn!(%error, "a login attempt that was not checked could not be taken back");
    }
}
