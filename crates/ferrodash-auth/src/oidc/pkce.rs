//! Random values for one login (state, nonce, PKCE verifier), the PKCE
//! `S256` challenge (RFC 7636), and a constant-time comparison.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

/// 32 random bytes, base64url without padding: 43 characters, 256 bits
/// (a valid PKCE verifier, and unguessable as a state or nonce).
pub(crate) fn random_value() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    encode(&bytes)
}

fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The `S256` code challenge of `verifier`:
/// `BASE64URL(SHA256(ASCII(verifier)))`.
pub(crate) fn challenge(verifier: &str) -> String {
    encode(&Sha256::digest(verifier.as_bytes()))
}

/// Whether `a` and `b` are equal, in a time that depends on their lengths
/// only.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636, appendix B.
    const OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b_verifier() {
        assert_eq!(encode(&OCTETS), VERIFIER);
    }

    #[test]
    fn rfc7636_appendix_b_s256_challenge() {
        assert_eq!(challenge(VERIFIER), CHALLENGE);
    }

    #[test]
    fn random_values_are_valid_verifiers_and_differ() {
        let a = random_value();
        let b = random_value();
        assert_ne!(a, b);
        // RFC 7636 4.1: 43 to 128 characters of [A-Za-z0-9-._~].
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
        );
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }
}
