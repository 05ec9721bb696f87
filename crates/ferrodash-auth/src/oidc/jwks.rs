//! The provider's signing keys (its JWK set), and which key checks a
//! token.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyOperations, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use url::Url;

use super::error::{OidcEndpoint, OidcError};
use super::http;

/// The provider's current keys; replaced whole when fetched again.
#[derive(Debug, Default)]
pub(crate) struct KeySet {
    keys: RwLock<Arc<Vec<Jwk>>>,
}

impl KeySet {
    pub(crate) fn new(keys: Vec<Jwk>) -> Self {
        Self {
            keys: RwLock::new(Arc::new(keys)),
        }
    }

    pub(crate) fn replace(&self, keys: Vec<Jwk>) {
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
    }

    /// The key that checks a token signed with `alg` under `kid`: the key
    /// with that id, or without an id in the token the only key that
    /// fits `alg`.
    pub(crate) fn find(&self, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
        let keys = Arc::clone(&self.keys.read().unwrap_or_else(PoisonError::into_inner));
        let mut fitting = keys.iter().filter(|jwk| fits(jwk, alg));
        let jwk = match kid {
            Some(kid) => fitting.find(|jwk| jwk.common.key_id.as_deref() == Some(kid))?,
            None => {
                let first = fitting.next()?;
                if fitting.next().is_some() {
                    // Several candidates and no kid to choose: refuse
                    // rather than try each.
                    return None;
                }
                first
            }
        };
        DecodingKey::from_jwk(jwk).ok()
    }
}

/// Whether `jwk` is a signature key of the type and curve `alg` needs (and
/// for `alg`, when it names one).
fn fits(jwk: &Jwk, alg: Algorithm) -> bool {
    let common = &jwk.common;
    if common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return false;
    }
    if common
        .key_operations
        .as_ref()
        .is_some_and(|ops| !ops.contains(&KeyOperations::Verify))
    {
        return false;
    }
    if let Some(key_alg) = common.key_algorithm
        && Algorithm::try_from(key_alg).ok() != Some(alg)
    {
        return false;
    }
    match (&jwk.algorithm, alg) {
        (
            AlgorithmParameters::RSA(_),
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512,
        ) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES384) => {
            ec.curve == EllipticCurve::P384
        }
        (AlgorithmParameters::OctetKeyPair(okp), Algorithm::EdDSA) => {
            okp.curve == EllipticCurve::Ed25519
        }
        _ => false,
    }
}

#[derive(Deserialize)]
struct RawSet {
    keys: Vec<serde_json::Value>,
}

/// Fetches the key set at `url`, keeping the keys we can read (a set may
/// hold encryption keys or key types we do not know).
pub(crate) async fn fetch(
    client: &reqwest::Client,
    url: &Url,
    timeout: Duration,
) -> Result<Vec<Jwk>, OidcError> {
    let raw: RawSet = http::get_json(client, OidcEndpoint::Jwks, url, timeout).await?;
    let keys = parse(raw.keys);
    if keys.is_empty() {
        return Err(OidcError::InvalidResponse {
            endpoint: OidcEndpoint::Jwks,
            reason: "it holds no signature key we can use".to_owned(),
        });
    }
    Ok(keys)
}

fn parse(raw: Vec<serde_json::Value>) -> Vec<Jwk> {
    raw.into_iter()
        .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
        .filter(|jwk| {
            !matches!(
                jwk.algorithm,
                AlgorithmParameters::OctetKey(_) | AlgorithmParameters::Other(_)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn set() -> KeySet {
        KeySet::new(parse(vec![
            json!({"kty": "RSA", "kid": "r1", "use": "sig", "alg": "RS256",
                   "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw",
                   "e": "AQAB"}),
            json!({"kty": "EC", "kid": "e1", "crv": "P-256",
                   "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                   "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}),
            json!({"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"}),
            json!({"kty": "oct", "kid": "h1", "k": "c2VjcmV0"}),
            json!({"kty": "weird", "kid": "w1"}),
        ]))
    }

    #[test]
    fn keeps_public_keys_only() {
        let keys = set().keys.read().map(|k| k.len()).unwrap_or_default();
        assert_eq!(keys, 3, "two signature keys and the encryption key");
    }

    #[test]
    fn finds_by_kid_and_algorithm() {
        let set = set();
        assert!(set.find(Some("r1"), Algorithm::RS256).is_some());
        assert!(set.find(Some("e1"), Algorithm::ES256).is_some());
        // Wrong algorithm for the key: its `alg`, its type, its curve.
        assert!(set.find(Some("r1"), Algorithm::RS512).is_none());
        assert!(set.find(Some("e1"), Algorithm::RS256).is_none());
        assert!(set.find(Some("e1"), Algorithm::ES384).is_none());
        // Not for signatures, symmetric, unknown.
        assert!(set.find(Some("enc"), Algorithm::RS256).is_none());
        assert!(set.find(Some("h1"), Algorithm::HS256).is_none());
        assert!(set.find(Some("nope"), Algorithm::RS256).is_none());
    }

    #[test]
    fn without_kid_only_a_single_fitting_key() {
        let set = set();
        assert!(set.find(None, Algorithm::ES256).is_some());
        assert!(set.find(None, Algorithm::RS256).is_some());
        set.replace(parse(vec![
            json!({"kty": "EC", "kid": "a", "crv": "P-256",
                   "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                   "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}),
            json!({"kty": "EC", "kid": "b", "crv": "P-256",
                   "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                   "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}),
        ]));
        assert!(set.find(None, Algorithm::ES256).is_none());
        assert!(set.find(Some("b"), Algorithm::ES256).is_some());
    }
}
