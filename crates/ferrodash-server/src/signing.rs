//! Page tokens: each page load gets a random `end_id`, signed with the app's
//! secret so later requests can prove which page load they belong to
//! (dash-protocol §8.2).

use hmac::{Hmac, Mac};
use rand::distr::{Alphanumeric, SampleString};
use sha2::Sha256;

/// Signs and checks page tokens with the app's secret.
#[derive(Clone)]
pub(crate) struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    pub(crate) fn new(key: Option<&[u8]>) -> Self {
        let key = key.map_or_else(
            || {
                Alphanumeric
                    .sample_string(&mut rand::rng(), 64)
                    .into_bytes()
            },
            <[u8]>::to_vec,
        );
        Self { key }
    }

    fn mac(&self, scope: &str, value: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(scope.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// `value~mac` for `scope`.
    pub(crate) fn sign(&self, scope: &str, value: &str) -> String {
        format!("{value}~{}", self.mac(scope, value))
    }

    /// The value of a token signed for `scope`, if the signature holds.
    pub(crate) fn verify<'a>(&self, scope: &str, token: &'a str) -> Option<&'a str> {
        let (value, mac) = token.rsplit_once('~')?;
        let expected = self.mac(scope, value);
        // Constant-time comparison of equal-length hex strings.
        (mac.len() == expected.len()
            && mac
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0)
            .then_some(value)
    }

    /// A fresh signed `end_id` for one page load.
    pub(crate) fn new_end_id(&self) -> String {
        let value = Alphanumeric.sample_string(&mut rand::rng(), 24);
        self.sign("end", &value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let s = Signer::new(Some(b"secret"));
        let token = s.new_end_id();
        assert!(s.verify("end", &token).is_some());
        assert!(s.verify("job", &token).is_none());
        let forged = format!("{}x", &token[..token.len() - 1]);
        assert!(s.verify("end", &forged).is_none());
        assert!(Signer::new(Some(b"other")).verify("end", &token).is_none());
        assert!(s.verify("end", "no-tilde").is_none());
    }
}
