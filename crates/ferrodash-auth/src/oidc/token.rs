//! The token request (RFC 6749 4.1.3 with RFC 7636's `code_verifier`):
//! the code for an ID token.

use serde::Deserialize;
use url::form_urlencoded;

use super::config::OidcConfig;
use super::discovery::{ClientAuth, Endpoints};
use super::error::{IdTokenError, OidcEndpoint, OidcError};
use super::http;

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Trades `code` for the ID token (the access token is not kept).
pub(crate) async fn exchange(
    client: &reqwest::Client,
    endpoints: &Endpoints,
    config: &OidcConfig,
    code: &str,
    verifier: &str,
) -> Result<String, OidcError> {
    // Built in a block: the serializer is not `Send`, and must be gone
    // before the first await for the future to be.
    let url = &endpoints.token;
    let request = {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", &config.redirect_url)
            .append_pair("code_verifier", verifier);
        let mut request = client
            .post(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        match (endpoints.client_auth, config.client_secret()) {
            (ClientAuth::Basic, Some(secret)) => {
                // RFC 6749 2.3.1: both form-encoded before Basic's base64.
                request =
                    request.basic_auth(form_encode(&config.client_id), Some(form_encode(secret)));
            }
            (ClientAuth::Post, Some(secret)) => {
                form.append_pair("client_id", &config.client_id)
                    .append_pair("client_secret", secret);
            }
            _ => {
                form.append_pair("client_id", &config.client_id);
            }
        }
        request.body(form.finish())
    };
    let timeout = config.http_timeout;
    let response = http::send(request, OidcEndpoint::Token, url, timeout).await?;
    let status = response.status();
    let body = http::read_capped(response, OidcEndpoint::Token, url, timeout).await?;
    // The body holds tokens: serde's messages, which may quote values,
    // stay out of the errors.
    if status.is_success() {
        let parsed: TokenResponse =
            serde_json::from_slice(&body).map_err(|_| OidcError::InvalidResponse {
                endpoint: OidcEndpoint::Token,
                reason: "not a JSON token response".to_owned(),
            })?;
        return parsed
            .id_token
            .ok_or(OidcError::IdToken(IdTokenError::Missing));
    }
    match serde_json::from_slice::<ErrorResponse>(&body) {
        Ok(refusal) => Err(OidcError::TokenRefused {
            status: status.as_u16(),
            error: printable(&refusal.error),
            description: refusal.error_description.as_deref().map(printable),
        }),
        Err(_) => Err(OidcError::HttpStatus {
            endpoint: OidcEndpoint::Token,
            url: url.to_string(),
            status: status.as_u16(),
        }),
    }
}

fn form_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The provider's text made safe for logs: no control characters, at
/// most 300 characters.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_first() {
        assert_eq!(form_encode("my app:1"), "my+app%3A1");
        assert_eq!(form_encode("plain-id_1.2~"), "plain-id_1.2%7E");
    }

    #[test]
    fn provider_text_is_cleaned() {
        assert_eq!(printable("bad\r\ncode\u{1b}[31m"), "badcode[31m");
        assert_eq!(printable(&"x".repeat(1000)).len(), 300);
    }
}
