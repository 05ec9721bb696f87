//! Cache keys: a function name, its arguments and a scope, hashed.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::CacheError;

/// Who may see a cached value.
///
/// Every key carries a scope, so a value computed for one user is never
/// served to another unless it was declared [`Scope::Public`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// Shared by everyone: the value depends on the arguments alone.
    Public,
    /// Private to one user or tenant, by its id.
    User(String),
}

impl Scope {
    /// [`Scope::User`] with this id.
    #[must_use]
    pub fn user(id: impl Into<String>) -> Self {
        Self::User(id.into())
    }

    fn hash_into(&self, hasher: &mut Sha256) {
        match self {
            Self::Public => hasher.update([0]),
            Self::User(id) => {
                hasher.update([1]);
                hash_part(hasher, id.as_bytes());
            }
        }
    }
}

/// Hashes a length-prefixed part, so that no two different lists of parts
/// hash the same bytes.
fn hash_part(hasher: &mut Sha256, part: &[u8]) {
    hasher.update((part.len() as u64).to_le_bytes());
    hasher.update(part);
}

const TOKEN_DOMAIN: &[u8] = b"ferrodash-cache/token/v1";
const KEY_DOMAIN: &[u8] = b"ferrodash-cache/key/v1";

/// The length of a token: 32 bytes as hex.
const TOKEN_LEN: usize = 64;

/// Where a cached value lives: a SHA-256 of a function name, its arguments
/// (as JSON) and a [`Scope`].
///
/// A key has two forms. Its **token** ([`CacheKey::to_token`]) hashes the
/// function and the arguments only; it is what a page may hold, in a
/// `dcc.Store` say, to point a later callback at a value. The key itself
/// ([`CacheKey::digest`]) also hashes the scope, and a token becomes a key
/// again only together with a scope ([`CacheKey::from_token`]). So a token
/// copied from one user's page to another's reads the second user's own
/// entry (usually none), never the first user's value.
///
/// Arguments are hashed as their JSON text: use types that serialize the same
/// way each time (a `BTreeMap`, not a `HashMap`, whose order varies).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey {
    token: [u8; 32],
    digest: [u8; 32],
}

impl CacheKey {
    /// The key of `function` called with `args`, in `scope`.
    ///
    /// # Errors
    ///
    /// [`CacheError::Serialize`] when `args` cannot be serialized as JSON.
    pub fn new<A: Serialize + ?Sized>(
        function: &str,
        args: &A,
        scope: &Scope,
    ) -> Result<Self, CacheError> {
        let args = serde_json::to_vec(args).map_err(CacheError::serialize::<A>)?;
        let mut hasher = Sha256::new();
        hasher.update(TOKEN_DOMAIN);
        hash_part(&mut hasher, function.as_bytes());
        hash_part(&mut hasher, &args);
        Ok(Self::scoped(hasher.finalize().into(), scope))
    }

    fn scoped(token: [u8; 32], scope: &Scope) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(KEY_DOMAIN);
        hasher.update(token);
        scope.hash_into(&mut hasher);
        Self {
            token,
            digest: hasher.finalize().into(),
        }
    }

    /// The key's token: 64 lowercase hex digits naming the function and
    /// arguments, without the scope. Safe to send to the browser.
    #[must_use]
    pub fn to_token(&self) -> String {
        hex::encode(self.token)
    }

    /// The key that `token` names in `scope`.
    ///
    /// A token from the browser is untrusted: anything but 64 hex digits is
    /// refused, and a well-formed token that names nothing simply finds
    /// nothing in the cache.
    ///
    /// # Errors
    ///
    /// [`CacheError::InvalidToken`] when `token` is not 64 hex digits.
    pub fn from_token(token: &str, scope: &Scope) -> Result<Self, CacheError> {
        // Check the length first, so a huge string costs nothing to refuse.
        if token.len() != TOKEN_LEN {
            return Err(CacheError::InvalidToken);
        }
        let mut bytes = [0; 32];
        hex::decode_to_slice(token, &mut bytes).map_err(|_| CacheError::InvalidToken)?;
        Ok(Self::scoped(bytes, scope))
    }

    /// The bytes a backend stores the entry under (scope included).
    #[must_use]
    pub const fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CacheKey({})", hex::encode(&self.digest[..8]))
    }
}

#[cfg(test)]
mod tests {
    use super::{CacheKey, Scope};
    use crate::CacheError;

    #[test]
    fn a_token_round_trips_in_its_scope() {
        let key = CacheKey::new("report", &("north", 2026), &Scope::Public).unwrap();
        let token = key.to_token();
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(CacheKey::from_token(&token, &Scope::Public).unwrap(), key);
        assert_eq!(
            CacheKey::from_token(&token.to_uppercase(), &Scope::Public).unwrap(),
            key
        );
    }

    #[test]
    fn the_scope_is_part_of_the_key_but_not_of_the_token() {
        let args = ["north"];
        let public = CacheKey::new("report", &args, &Scope::Public).unwrap();
        let ada = CacheKey::new("report", &args, &Scope::user("ada")).unwrap();
        let bob = CacheKey::new("report", &args, &Scope::user("bob")).unwrap();
        assert_ne!(public.digest(), ada.digest());
        assert_ne!(ada.digest(), bob.digest());
        assert_eq!(ada.to_token(), bob.to_token());
        // Ada's token read in Bob's scope is Bob's key, not Ada's.
        let moved = CacheKey::from_token(&ada.to_token(), &Scope::user("bob")).unwrap();
        assert_eq!(moved, bob);
    }

    #[test]
    fn parts_do_not_run_into_each_other() {
        let a = CacheKey::new("ab", &"c", &Scope::Public).unwrap();
        let b = CacheKey::new("a", &"bc", &Scope::Public).unwrap();
        assert_ne!(a, b);
        let c = CacheKey::new("f", &1, &Scope::user("")).unwrap();
        let d = CacheKey::new("f", &1, &Scope::Public).unwrap();
        assert_ne!(c, d);
    }

    #[test]
    fn garbage_tokens_are_refused() {
        let long = "a".repeat(10_000);
        for garbage in [
            "",
            "abc",
            &"g".repeat(64),
            &"0".repeat(63),
            &"0".repeat(65),
            "../../etc/passwd",
            &"é".repeat(32),
            &long,
        ] {
            assert!(
                matches!(
                    CacheKey::from_token(garbage, &Scope::Public),
                    Err(CacheError::InvalidToken)
                ),
                "{garbage:?}"
            );
        }
    }
}
