//! ID token checks (OpenID Connect Core 3.1.3.7): the signature, then
//! `iss`, `aud`/`azp`, `exp`/`iat`/`nbf` and `nonce`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::error::IdTokenError;
use super::pkce::constant_time_eq;

/// The claims of a token, as JSON.
pub(crate) type Claims = Map<String, Value>;

/// What the header says about the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
}

/// The header of `token`, if it is a signed JWT (three parts) with an
/// algorithm we accept.
pub(crate) fn header(token: &str) -> Result<Header, IdTokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(IdTokenError::Malformed("not three parts"));
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| IdTokenError::Malformed("header is not base64url"))?;
    let Ok(Value::Object(header)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(IdTokenError::Malformed("header is not a JSON object"));
    };
    if header.contains_key("crit") {
        // RFC 7515 4.1.11: we understand no extension, so must refuse.
        return Err(IdTokenError::Malformed("header has crit"));
    }
    let Some(alg) = header.get("alg").and_then(Value::as_str) else {
        return Err(IdTokenError::Malformed("header has no alg"));
    };
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(_) => return Err(IdTokenError::Malformed("kid is not a string")),
    };
    Ok(Header {
        alg: accepted_algorithm(alg)?,
        kid,
    })
}

/// Asymmetric signatures only: never `none`, never HMAC (whose key would
/// be the client secret, or, in a key confusion attack, a public key).
fn accepted_algorithm(alg: &str) -> Result<Algorithm, IdTokenError> {
    Ok(match alg {
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        "PS256" => Algorithm::PS256,
        "PS384" => Algorithm::PS384,
        "PS512" => Algorithm::PS512,
        "ES256" => Algorithm::ES256,
        "ES384" => Algorithm::ES384,
        "EdDSA" => Algorithm::EdDSA,
        other => {
            return Err(IdTokenError::UnsupportedAlgorithm {
                alg: other.chars().take(20).collect(),
            });
        }
    })
}

/// The claims of `token` if its signature verifies with `key` under
/// `alg`. Checks nothing else: [`check_claims`] does.
pub(crate) fn verify_signature(
    token: &str,
    key: &DecodingKey,
    alg: Algorithm,
) -> Result<Claims, IdTokenError> {
    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => IdTokenError::BadSignature,
            jsonwebtoken::errors::ErrorKind::InvalidEcdsaKey
            | jsonwebtoken::errors::ErrorKind::InvalidRsaKey(_)
            | jsonwebtoken::errors::ErrorKind::InvalidEddsaKey
            | jsonwebtoken::errors::ErrorKind::InvalidKeyFormat => {
                IdTokenError::Malformed("the provider's key cannot be read")
            }
            _ => IdTokenError::Malformed("signature or claims cannot be decoded"),
        })
}

/// What the claims must say.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expected<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) nonce: &'a str,
    /// Now, in seconds since the Unix epoch.
    pub(crate) now: i64,
    /// Allowed clock skew, in seconds.
    pub(crate) leeway: i64,
}

/// Checks the claims of a token whose signature verified.
pub(crate) fn check_claims(claims: &Claims, expected: &Expected<'_>) -> Result<(), IdTokenError> {
    let iss = string(claims, "iss")?;
    if iss != expected.issuer {
        return Err(IdTokenError::Issuer {
            found: iss.chars().take(200).collect(),
        });
    }
    if string(claims, "sub")?.is_empty() {
        return Err(IdTokenError::MissingClaim("sub"));
    }
    check_audience(claims, expected.client_id)?;

    let exp = numeric_date(claims, "exp")?;
    if expected.now > exp.saturating_add(expected.leeway) {
        return Err(IdTokenError::Expired);
    }
    let iat = numeric_date(claims, "iat")?;
    if iat > expected.now.saturating_add(expected.leeway) {
        return Err(IdTokenError::IssuedInFuture);
    }
    if claims.contains_key("nbf") {
        let nbf = numeric_date(claims, "nbf")?;
        if nbf > expected.now.saturating_add(expected.leeway) {
            return Err(IdTokenError::NotYetValid);
        }
    }

    let nonce = claims
        .get("nonce")
        .and_then(Value::as_str)
        .ok_or(IdTokenError::Nonce)?;
    if !constant_time_eq(nonce.as_bytes(), expected.nonce.as_bytes()) {
        return Err(IdTokenError::Nonce);
    }
    Ok(())
}

/// `aud` (a string or an array of strings) must hold our client id; `azp`,
/// when present, must be our client id, and must be present when `aud`
/// names other parties too.
fn check_audience(claims: &Claims, client_id: &str) -> Result<(), IdTokenError> {
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(auds)) => auds
            .iter()
            .map(|a| a.as_str().ok_or(IdTokenError::MissingClaim("aud")))
            .collect::<Result<_, _>>()?,
        _ => return Err(IdTokenError::MissingClaim("aud")),
    };
    if !audiences.contains(&client_id) {
        return Err(IdTokenError::Audience);
    }
    match claims.get("azp") {
        None if audiences.iter().all(|a| *a == client_id) => Ok(()),
        Some(Value::String(azp)) if azp == client_id => Ok(()),
        _ => Err(IdTokenError::AuthorizedParty),
    }
}

fn string<'c>(claims: &'c Claims, name: &'static str) -> Result<&'c str, IdTokenError> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .ok_or(IdTokenError::MissingClaim(name))
}

/// A NumericDate claim in whole seconds (fractions are allowed).
fn numeric_date(claims: &Claims, name: &'static str) -> Result<i64, IdTokenError> {
    let value = claims.get(name).ok_or(IdTokenError::MissingClaim(name))?;
    value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|f| f.is_finite())
                // Saturating float-to-int conversion: far-off dates stay
                // far off.
                .map(|f| f.floor() as i64)
        })
        .ok_or(IdTokenError::MissingClaim(name))
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{EncodingKey, encode};
    use serde_json::json;

    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn expected() -> Expected<'static> {
        Expected {
            issuer: "http://127.0.0.1:1",
            client_id: "app",
            nonce: "n-0S6_WzA2Mj",
            now: NOW,
            leeway: 60,
        }
    }

    fn claims(extra: Value) -> Claims {
        let mut base = json!({
            "iss": "http://127.0.0.1:1",
            "sub": "alice",
            "aud": "app",
            "exp": NOW + 300,
            "iat": NOW,
            "nonce": "n-0S6_WzA2Mj",
        });
        if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
            for (k, v) in extra {
                if v.is_null() {
                    base.remove(&k);
                } else {
                    base.insert(k, v);
                }
            }
        }
        match base {
            Value::Object(map) => map,
            _ => Claims::new(),
        }
    }

    fn check(extra: Value) -> Result<(), IdTokenError> {
        check_claims(&claims(extra), &expected())
    }

    #[test]
    fn accepts_a_good_token() {
        assert_eq!(check(json!({})), Ok(()));
        assert_eq!(check(json!({"aud": ["app"]})), Ok(()));
        assert_eq!(check(json!({"aud": ["app", "api"], "azp": "app"})), Ok(()));
        assert_eq!(
            check(json!({"exp": NOW - 30, "iat": NOW + 30})),
            Ok(()),
            "within the leeway"
        );
        assert_eq!(
            check(json!({"exp": 1.8e9 + 300.5})),
            Ok(()),
            "fractional dates"
        );
    }

    #[test]
    fn refuses_each_bad_claim() {
        let cases = [
            (
                json!({"iss": "http://evil"}),
                IdTokenError::Issuer {
                    found: "http://evil".to_owned(),
                },
            ),
            (json!({"iss": null}), IdTokenError::MissingClaim("iss")),
            (json!({"sub": null}), IdTokenError::MissingClaim("sub")),
            (json!({"sub": ""}), IdTokenError::MissingClaim("sub")),
            (json!({"aud": "other"}), IdTokenError::Audience),
            (json!({"aud": ["other", "api"]}), IdTokenError::Audience),
            (json!({"aud": null}), IdTokenError::MissingClaim("aud")),
            (
                json!({"aud": ["app", 5]}),
                IdTokenError::MissingClaim("aud"),
            ),
            (
                json!({"aud": ["app", "api"]}),
                IdTokenError::AuthorizedParty,
            ),
            (json!({"azp": "other"}), IdTokenError::AuthorizedParty),
            (json!({"exp": NOW - 61}), IdTokenError::Expired),
            (json!({"exp": null}), IdTokenError::MissingClaim("exp")),
            (json!({"exp": "soon"}), IdTokenError::MissingClaim("exp")),
            (json!({"iat": NOW + 61}), IdTokenError::IssuedInFuture),
            (json!({"iat": null}), IdTokenError::MissingClaim("iat")),
            (json!({"nbf": NOW + 61}), IdTokenError::NotYetValid),
            (json!({"nonce": "other"}), IdTokenError::Nonce),
            (json!({"nonce": null}), IdTokenError::Nonce),
        ];
        for (extra, error) in cases {
            assert_eq!(check(extra.clone()), Err(error), "{extra}");
        }
    }

    fn token(header: &Value, payload: &Value) -> String {
        let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.c2ln", part(header), part(payload))
    }

    #[test]
    fn reads_the_header() {
        let t = token(&json!({"alg": "ES256", "kid": "k1"}), &json!({}));
        assert_eq!(
            header(&t),
            Ok(Header {
                alg: Algorithm::ES256,
                kid: Some("k1".to_owned())
            })
        );
        let t = token(&json!({"alg": "RS256"}), &json!({}));
        assert_eq!(header(&t).map(|h| h.kid), Ok(None));
    }

    #[test]
    fn refuses_none_hmac_and_odd_headers() {
        for alg in ["none", "HS256", "HS512", "RSA-OAEP"] {
            let t = token(&json!({"alg": alg}), &json!({}));
            assert_eq!(
                header(&t),
                Err(IdTokenError::UnsupportedAlgorithm {
                    alg: alg.to_owned()
                })
            );
        }
        let crit = token(&json!({"alg": "RS256", "crit": ["exp"]}), &json!({}));
        assert!(matches!(header(&crit), Err(IdTokenError::Malformed(_))));
        for bad in ["a.b", "a.b.c.d.e", "!!.e30.sig", "bnVsbA.e30.sig", ""] {
            assert!(
                matches!(header(bad), Err(IdTokenError::Malformed(_))),
                "{bad}"
            );
        }
    }

    /// A P-256 key made for this test only (PKCS#8 DER, base64).
    const TEST_EC_KEY: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrgzIucUtmmZCtMoKO9hFOwq5K/YFvRoYXF/KPNQ+h8ShRANCAASbvoLjAkRi8bVOBMBD+Yt7mGZhJ0Gd9ISHf/+sLQXUhdTCGrgolVdZdRhcdmIe/HNZbWVwqLttXCSERlmzAd+6";
    const TEST_EC_X: &str = "m76C4wJEYvG1TgTAQ_mLe5hmYSdBnfSEh3__rC0F1IU";
    const TEST_EC_Y: &str = "1MIauCiVV1l1GFx2Yh78c1ltZXCou21cJIRGWbMB37o";

    #[test]
    fn verifies_an_es256_signature_and_refuses_a_tampered_one() {
        let der = base64::engine::general_purpose::STANDARD
            .decode(TEST_EC_KEY)
            .expect("base64");
        let signed = encode(
            &jsonwebtoken::Header::new(Algorithm::ES256),
            &json!({"sub": "alice", "nonce": "n"}),
            &EncodingKey::from_ec_der(&der),
        )
        .expect("signs");
        let key = DecodingKey::from_ec_components(TEST_EC_X, TEST_EC_Y).expect("a key");
        let claims = verify_signature(&signed, &key, Algorithm::ES256).expect("verifies");
        assert_eq!(claims.get("sub"), Some(&json!("alice")));

        // Another payload under the same signature.
        let parts: Vec<&str> = signed.split('.').collect();
        let forged_payload =
            URL_SAFE_NO_PAD.encode(json!({"sub": "admin", "nonce": "n"}).to_string());
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(
            verify_signature(&forged, &key, Algorithm::ES256),
            Err(IdTokenError::BadSignature)
        );
    }

    #[test]
    fn an_hmac_token_signed_with_the_public_key_is_refused() {
        // Key confusion: an HS256 token whose "secret" is public key
        // material. `header` refuses HS256 before any key is looked up,
        // and `verify_signature` with an RSA key refuses it too.
        let t = encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &json!({"sub": "mallory"}),
            &EncodingKey::from_secret(b"AQAB"),
        )
        .expect("encodes");
        assert!(matches!(
            header(&t),
            Err(IdTokenError::UnsupportedAlgorithm { .. })
        ));
        let rsa = DecodingKey::from_rsa_components("sXch", "AQAB").expect("a key");
        assert!(verify_signature(&t, &rsa, Algorithm::RS256).is_err());
    }
}
