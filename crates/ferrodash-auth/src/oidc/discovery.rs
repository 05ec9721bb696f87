//! OpenID Connect Discovery: the provider's endpoints, read from
//! `{issuer}/.well-known/openid-configuration` and checked.

use serde::Deserialize;
use url::Url;

use super::config::OidcConfig;
use super::error::{OidcEndpoint, OidcError};
use super::http;

/// The fields of the discovery document we use.
#[derive(Debug, Deserialize)]
struct Document {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    code_challenge_methods_supported: Option<Vec<String>>,
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientAuth {
    /// No secret: `client_id` in the form (a public client).
    None,
    /// `client_secret_basic`: HTTP Basic (the specification's default).
    Basic,
    /// `client_secret_post`: id and secret in the form.
    Post,
}

/// A provider's endpoints, checked.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub(crate) issuer: String,
    pub(crate) authorization: Url,
    pub(crate) token: Url,
    pub(crate) jwks: Url,
    pub(crate) client_auth: ClientAuth,
}

/// The discovery document's URL for `issuer` (OpenID Connect Discovery 4:
/// a trailing `/` of the issuer is dropped first).
pub(crate) fn document_url(issuer: &Url) -> Result<Url, OidcError> {
    let base = issuer.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}/.well-known/openid-configuration")).map_err(|_| {
        OidcError::InvalidUrl {
            field: "issuer",
            url: issuer.to_string(),
        }
    })
}

/// Fetches and checks the provider's discovery document.
pub(crate) async fn discover(
    client: &reqwest::Client,
    config: &OidcConfig,
) -> Result<Endpoints, OidcError> {
    let issuer = http::checked_url("issuer", &config.issuer, config)?;
    if issuer.query().is_some() {
        return Err(OidcError::InvalidUrl {
            field: "issuer",
            url: config.issuer.clone(),
        });
    }
    let url = document_url(&issuer)?;
    let document: Document =
        http::get_json(client, OidcEndpoint::Discovery, &url, config.http_timeout).await?;
    endpoints(document, config)
}

fn endpoints(document: Document, config: &OidcConfig) -> Result<Endpoints, OidcError> {
    // OpenID Connect Discovery 4.3: exactly the configured issuer.
    if document.issuer != config.issuer {
        return Err(OidcError::IssuerMismatch {
            expected: config.issuer.clone(),
            found: document.issuer,
        });
    }
    if let Some(methods) = document.code_challenge_methods_supported
        && !methods.iter().any(|m| m == "S256")
    {
        return Err(OidcError::PkceUnsupported { supported: methods });
    }
    let client_auth = if config.client_secret().is_none() {
        ClientAuth::None
    } else {
        client_auth(document.token_endpoint_auth_methods_supported.as_deref())
    };
    Ok(Endpoints {
        authorization: http::checked_url(
            "authorization_endpoint",
            &document.authorization_endpoint,
            config,
        )?,
        token: http::checked_url("token_endpoint", &document.token_endpoint, config)?,
        jwks: http::checked_url("jwks_uri", &document.jwks_uri, config)?,
        issuer: document.issuer,
        client_auth,
    })
}

/// Basic, unless the provider lists `client_secret_post` and not Basic
/// (an absent list means Basic, the specification's default).
fn client_auth(supported: Option<&[String]>) -> ClientAuth {
    match supported {
        Some(methods)
            if !methods.iter().any(|m| m == "client_secret_basic")
                && methods.iter().any(|m| m == "client_secret_post") =>
        {
            ClientAuth::Post
        }
        _ => ClientAuth::Basic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(issuer: &str) -> Document {
        Document {
            issuer: issuer.to_owned(),
            authorization_endpoint: format!("{issuer}/auth"),
            token_endpoint: format!("{issuer}/token"),
            jwks_uri: format!("{issuer}/jwks"),
            token_endpoint_auth_methods_supported: None,
            code_challenge_methods_supported: Some(vec!["S256".to_owned()]),
        }
    }

    #[test]
    fn document_url_drops_a_trailing_slash() {
        let expected = "http://127.0.0.1:1/realms/x/.well-known/openid-configuration";
        for issuer in [
            "http://127.0.0.1:1/realms/x/",
            "http://127.0.0.1:1/realms/x",
        ] {
            let issuer = Url::parse(issuer).expect("a URL");
            let url = document_url(&issuer).expect("a document URL");
            assert_eq!(url.as_str(), expected);
        }
    }

    #[test]
    fn the_issuer_must_match_exactly() {
        let config = OidcConfig::new("http://127.0.0.1:1/", "app", "http://127.0.0.1:2/cb");
        let result = endpoints(document("http://127.0.0.1:1"), &config);
        assert!(
            matches!(result, Err(OidcError::IssuerMismatch { ref found, .. }) if found == "http://127.0.0.1:1"),
            "{result:?}"
        );
    }

    #[test]
    fn pkce_without_s256_is_refused() {
        let config = OidcConfig::new("http://127.0.0.1:1", "app", "http://127.0.0.1:2/cb");
        let mut doc = document("http://127.0.0.1:1");
        doc.code_challenge_methods_supported = Some(vec!["plain".to_owned()]);
        assert!(matches!(
            endpoints(doc, &config),
            Err(OidcError::PkceUnsupported { .. })
        ));
    }

    #[test]
    fn client_authentication_follows_the_secret_and_the_document() {
        let list = |m: &[&str]| m.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(client_auth(None), ClientAuth::Basic);
        assert_eq!(
            client_auth(Some(&list(&["client_secret_post", "client_secret_basic"]))),
            ClientAuth::Basic
        );
        assert_eq!(
            client_auth(Some(&list(&["client_secret_post"]))),
            ClientAuth::Post
        );
        let public = OidcConfig::new("http://127.0.0.1:1", "app", "http://127.0.0.1:2/cb");
        let found = endpoints(document("http://127.0.0.1:1"), &public).map(|e| e.client_auth);
        assert!(matches!(found, Ok(ClientAuth::None)));
    }
}
