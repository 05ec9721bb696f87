//! HTTP Basic auth: the `Authorization` header's name and password, and a
//! short memory of verified headers so a page load (a dozen requests) does
//! not hash a password per request.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use ferrodash_auth::Principal;
use http::{HeaderMap, header};
use sha2::{Digest, Sha256};

/// How long a verified header is trusted without checking again.
const TRUST_FOR: Duration = Duration::from_secs(60);
/// How many verified headers are remembered at most.
const CAPACITY: usize = 4096;

/// The name and password of an `Authorization: Basic` header.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BasicCredentials {
    pub(crate) name: String,
    pub(crate) password: String,
}

/// Reads the `Authorization: Basic` header, if the request has a well-formed
/// one (RFC 7617: base64 of `name:password`, UTF-8).
pub(crate) fn credentials(headers: &HeaderMap) -> Option<BasicCredentials> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") || encoded.len() > 4096 {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (name, password) = text.split_once(':')?;
    Some(BasicCredentials {
        name: name.to_owned(),
        password: password.to_owned(),
    })
}

/// Verified headers by the SHA-256 of name and password (never the
/// password itself), each with when it was verified.
#[derive(Debug, Default)]
pub(crate) struct VerifiedCache {
    entries: Mutex<HashMap<[u8; 32], (Principal, Instant)>>,
}

fn key_of(credentials: &BasicCredentials) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(credentials.name.as_bytes());
    hasher.update([0]);
    hasher.update(credentials.password.as_bytes());
    hasher.finalize().into()
}

impl VerifiedCache {
    /// The user of credentials verified less than a minute ago.
    pub(crate) fn get(&self, credentials: &BasicCredentials) -> Option<Principal> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&key_of(credentials))
            .filter(|(_, at)| at.elapsed() < TRUST_FOR)
            .map(|(user, _)| user.clone())
    }

    /// Remembers credentials that were just verified.
    pub(crate) fn put(&self, credentials: &BasicCredentials, user: Principal) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < TRUST_FOR);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key_of(credentials), (user, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue, header};

    use super::{BasicCredentials, credentials};

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn reads_a_basic_header_and_refuses_malformed_ones() {
        // "alice:open sesame: with colon" in base64.
        assert_eq!(
            credentials(&with("Basic YWxpY2U6b3BlbiBzZXNhbWU6IHdpdGggY29sb24=")),
            Some(BasicCredentials {
                name: "alice".to_owned(),
                password: "open sesame: with colon".to_owned()
            })
        );
        assert!(credentials(&with("basic YWxpY2U6eA==")).is_some());
        for bad in [
            "Bearer YWxpY2U6eA==",
            "Basic",
            "Basic !!!",
            "Basic YWxpY2U=",
            "Basic //79",
        ] {
            assert_eq!(credentials(&with(bad)), None, "{bad}");
        }
        assert_eq!(credentials(&HeaderMap::new()), None);
    }
}
