//! What the server keeps between sending the browser to the provider and
//! its return: [`PendingLogin`].

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::pkce;

/// One login under way: its `state`, `nonce` and PKCE verifier.
///
/// The server keeps it until the provider sends the browser back, usually
/// in a signed (better: encrypted) short-lived `HttpOnly` cookie, as
/// serde makes it a small JSON object. The verifier and nonce are secrets:
/// `Debug` does not show them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    state: String,
    nonce: String,
    verifier: String,
    /// When the login began, in seconds since the Unix epoch.
    created_at: u64,
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingLogin")
            .field("state", &self.state)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl PendingLogin {
    /// A login with fresh random values, begun now.
    pub(crate) fn new() -> Self {
        Self {
            state: pkce::random_value(),
            nonce: pkce::random_value(),
            verifier: pkce::random_value(),
            created_at: now_secs(),
        }
    }

    /// The `state` sent to the provider, which it sends back (not a
    /// secret: it is in the URLs).
    #[must_use]
    pub fn state(&self) -> &str {
        &self.state
    }

    /// When the login began, in seconds since the Unix epoch.
    #[must_use]
    pub const fn created_at(&self) -> u64 {
        self.created_at
    }

    /// Whether the login began more than `max_age` ago.
    #[must_use]
    pub fn is_expired(&self, max_age: Duration) -> bool {
        now_secs().saturating_sub(self.created_at) > max_age.as_secs()
    }

    pub(crate) fn nonce(&self) -> &str {
        &self.nonce
    }

    pub(crate) fn verifier(&self) -> &str {
        &self.verifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json_and_hides_secrets_in_debug() {
        let pending = PendingLogin::new();
        let json = serde_json::to_string(&pending).expect("serializes");
        let back: PendingLogin = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, pending);
        let debug = format!("{pending:?}");
        assert!(debug.contains(pending.state()));
        assert!(!debug.contains(pending.nonce()));
        assert!(!debug.contains(pending.verifier()));
    }

    #[test]
    fn expires_after_max_age() {
        let mut pending = PendingLogin::new();
        assert!(!pending.is_expired(Duration::from_secs(600)));
        pending.created_at -= 601;
        assert!(pending.is_expired(Duration::from_secs(600)));
        assert!(!pending.is_expired(Duration::from_secs(3600)));
    }
}
