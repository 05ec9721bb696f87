//! OpenID Connect login against a real provider: panva's certified
//! `oidc-provider` (Node), started by `ferrodash_testing::oidc_provider`
//! on a free loopback port for each test, and driven like a browser through
//! its development login and consent forms.
//!
//! Needs `node` and `npm` on the PATH; the first test runs
//! `npm ci --ignore-scripts` in ferrodash-testing's `oidc-provider` when its
//! `node_modules` is missing. Run with
//! `cargo test -p ferrodash-auth --features oidc --test auth oidc`.

use std::time::Duration;

use ferrodash_testing::oidc_provider::TestProvider;

use ferrodash_auth::{
    IdTokenError, OidcClient, OidcConfig, OidcEndpoint, OidcError, PendingLogin, Principal,
};

const CLIENT_ID: &str = "ferrodash";
const CLIENT_SECRET: &str = "test-secret-1234";
/// Nothing listens here: the browser stops at the redirect.
const REDIRECT: &str = "http://127.0.0.1:9/callback";

/// A running provider ([`TestProvider`], killed on drop).
struct Provider(TestProvider);

impl Provider {
    fn start() -> Self {
        Self(TestProvider::start(CLIENT_ID, CLIENT_SECRET, REDIRECT))
    }

    fn config(&self, client_id: &str) -> OidcConfig {
        OidcConfig::new(self.0.issuer(), client_id, REDIRECT)
    }
}

/// A provider and a discovered client of it.
async fn setup(client: &str, secret: Option<&str>) -> (Provider, OidcClient) {
    let provider = Provider::start();
    let mut config = provider.config(client);
    if let Some(secret) = secret {
        config = config.with_client_secret(secret);
    }
    let oidc = OidcClient::discover(config).await.expect("discovery");
    (provider, oidc)
}

fn browser() -> reqwest::Client {
    // With `oidc-tls`, reqwest is built with `rustls-no-provider` for the
    // whole program: a client that brings no TLS configuration of its own
    // (this one; OidcClient does bring one) needs a process-wide provider.
    #[cfg(feature = "oidc-tls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client")
}

/// The value of `name="..."`'s attribute `attr` in the first tag of `html`
/// that has both (enough for oidc-provider's development forms).
fn attribute<'h>(html: &'h str, marker: &str, attr: &str) -> Option<&'h str> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value_start = tag.find(&format!("{attr}=\""))? + attr.len() + 2;
    let value_len = tag[value_start..].find('"')?;
    Some(&tag[value_start..value_start + value_len])
}

/// Logs `login` in at `authorize_url` like a browser: follows the
/// provider's redirects, fills its login form, confirms its consent form,
/// and stops at the redirect to [`REDIRECT`], answering its `code` and
/// `state`.
async fn log_in(authorize_url: &str, login: &str) -> (String, String) {
    let browser = browser();
    let mut url = reqwest::Url::parse(authorize_url).expect("an authorization URL");
    let mut form: Option<Vec<(&str, &str)>> = None;
    for _ in 0..20 {
        let response = match form.take() {
            Some(fields) => browser.post(url.clone()).form(&fields).send().await,
            None => browser.get(url.clone()).send().await,
        }
        .expect("the provider answers");
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .expect("a Location header");
            url = url.join(location).expect("a valid Location");
            if url.as_str().starts_with(REDIRECT) {
                let param = |name: &str| {
                    url.query_pairs()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.into_owned())
                };
                let code = param("code").unwrap_or_else(|| panic!("no code in {url}"));
                return (code, param("state").expect("a state"));
            }
            continue;
        }
        let html = response.text().await.expect("a page");
        assert!(status.is_success(), "HTTP {status} at {url}:\n{html}");
        let action = attribute(&html, "<form", "action").expect("a form");
        url = url
            .join(&action.replace("&amp;", "&"))
            .expect("a form action");
        let prompt = attribute(&html, "name=\"prompt\"", "value").expect("a prompt field");
        form = Some(match prompt {
            "login" => vec![("prompt", "login"), ("login", login), ("password", "any")],
            "consent" => vec![("prompt", "consent")],
            other => panic!("unexpected prompt {other}"),
        });
    }
    panic!("the provider never redirected to {REDIRECT}");
}

/// A pending login with another nonce (as a tampered cookie would carry).
fn with_nonce(pending: &PendingLogin, nonce: &str) -> PendingLogin {
    let mut json = serde_json::to_value(pending).expect("serializes");
    json["nonce"] = nonce.into();
    serde_json::from_value(json).expect("deserializes")
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_logs_in_with_a_confidential_client() {
    let (_provider, oidc) = setup(CLIENT_ID, Some(CLIENT_SECRET)).await;
    let (url, pending) = oidc.begin();
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(url.contains("response_type=code"), "{url}");
    let (code, state) = log_in(&url, "alice").await;
    assert_eq!(state, pending.state());
    let principal = oidc.finish(&pending, &code, &state).await.expect("login");
    assert_eq!(
        principal,
        Principal::new("alice", "alice").with_groups(["staff"])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_verifies_es256_id_tokens() {
    let (_provider, oidc) = setup(&format!("{CLIENT_ID}-es256"), Some(CLIENT_SECRET)).await;
    let (url, pending) = oidc.begin();
    let (code, state) = log_in(&url, "admin-root").await;
    let principal = oidc.finish(&pending, &code, &state).await.expect("login");
    assert_eq!(principal.id, "admin-root");
    assert_eq!(principal.groups, ["staff", "admin"]);
    assert!(principal.in_group("admin"));
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_logs_in_with_a_public_client() {
    let (provider, _) = setup(CLIENT_ID, Some(CLIENT_SECRET)).await;
    let config = provider
        .config(&format!("{CLIENT_ID}-public"))
        .with_name_claims(["name"]);
    let oidc = OidcClient::discover(config).await.expect("discovery");
    let (url, pending) = oidc.begin();
    let (code, state) = log_in(&url, "bob").await;
    let principal = oidc.finish(&pending, &code, &state).await.expect("login");
    assert_eq!(principal.id, "bob");
    assert_eq!(principal.name, "Bob Example");
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_refuses_a_wrong_state() {
    let (_provider, oidc) = setup(CLIENT_ID, Some(CLIENT_SECRET)).await;
    let (url, pending) = oidc.begin();
    let (code, _) = log_in(&url, "alice").await;
    let (_, other) = oidc.begin();
    let result = oidc.finish(&pending, &code, other.state()).await;
    assert!(
        matches!(result, Err(OidcError::StateMismatch)),
        "{result:?}"
    );
    // The code was not spent: the right state still logs in.
    let principal = oidc.finish(&pending, &code, pending.state()).await;
    assert!(principal.is_ok(), "{principal:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_a_code_works_once() {
    let (_provider, oidc) = setup(CLIENT_ID, Some(CLIENT_SECRET)).await;
    let (url, pending) = oidc.begin();
    let (code, state) = log_in(&url, "alice").await;
    oidc.finish(&pending, &code, &state)
        .await
        .expect("first use");
    let again = oidc.finish(&pending, &code, &state).await;
    match again {
        Err(ref e @ OidcError::TokenRefused { ref error, .. }) => {
            assert_eq!(error, "invalid_grant");
            let message = e.to_string();
            assert!(message.contains("invalid_grant"), "{message}");
            assert!(!message.contains(&code), "the code stays out: {message}");
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_another_logins_verifier_is_refused_by_the_provider() {
    let (_provider, oidc) = setup(CLIENT_ID, Some(CLIENT_SECRET)).await;
    let (url, _pending) = oidc.begin();
    let (code, _) = log_in(&url, "alice").await;
    // Another login's pending (another PKCE verifier), its state matching
    // so the request reaches the provider.
    let (_, other) = oidc.begin();
    let result = oidc.finish(&other, &code, other.state()).await;
    assert!(
        matches!(result, Err(OidcError::TokenRefused { ref error, .. }) if error == "invalid_grant"),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_refuses_an_id_token_with_another_nonce() {
    let (_provider, oidc) = setup(CLIENT_ID, Some(CLIENT_SECRET)).await;
    let (url, pending) = oidc.begin();
    let (code, state) = log_in(&url, "alice").await;
    let tampered = with_nonce(&pending, "not-the-nonce-sent");
    let result = oidc.finish(&tampered, &code, &state).await;
    assert!(
        matches!(result, Err(OidcError::IdToken(IdTokenError::Nonce))),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_refuses_a_wrong_client_secret() {
    let (provider, _) = setup(CLIENT_ID, Some(CLIENT_SECRET)).await;
    let wrong = provider
        .config(CLIENT_ID)
        .with_client_secret("not-the-secret");
    let oidc = OidcClient::discover(wrong).await.expect("discovery");
    let (url, pending) = oidc.begin();
    let (code, state) = log_in(&url, "alice").await;
    let result = oidc.finish(&pending, &code, &state).await;
    match result {
        Err(ref e @ OidcError::TokenRefused { ref error, .. }) => {
            assert_eq!(error, "invalid_client");
            assert!(!e.to_string().contains("not-the-secret"), "{e}");
        }
        other => panic!("expected invalid_client, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_discovery_of_a_wrong_issuer_fails_clearly() {
    let provider = Provider::start();

    // The provider's issuer has no trailing slash.
    let slash = OidcConfig::new(format!("{}/", provider.0.issuer()), CLIENT_ID, REDIRECT);
    let result = OidcClient::discover(slash).await;
    match result {
        Err(ref e @ OidcError::IssuerMismatch { ref found, .. }) => {
            assert_eq!(found, &provider.0.issuer());
            assert!(e.to_string().contains("not the configured"), "{e}");
        }
        other => panic!("expected IssuerMismatch, got {other:?}"),
    }

    // No discovery document there.
    let path = OidcConfig::new(
        format!("{}/realms/none", provider.0.issuer()),
        CLIENT_ID,
        REDIRECT,
    );
    let result = OidcClient::discover(path).await;
    assert!(
        matches!(
            result,
            Err(OidcError::HttpStatus {
                endpoint: OidcEndpoint::Discovery,
                status: 404,
                ..
            })
        ),
        "{result:?}"
    );

    // Nothing listening.
    let issuer = provider.0.issuer().to_owned();
    drop(provider);
    let result = OidcClient::discover(OidcConfig::new(&issuer, CLIENT_ID, REDIRECT)).await;
    match result {
        Err(
            ref e @ OidcError::Unreachable {
                endpoint: OidcEndpoint::Discovery,
                ..
            },
        ) => {
            assert!(e.to_string().contains(&issuer), "{e}");
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }

    // Plain http off loopback, https without the TLS feature.
    let result =
        OidcClient::discover(OidcConfig::new("http://login.example.com", "x", REDIRECT)).await;
    assert!(
        matches!(result, Err(OidcError::InsecureUrl { .. })),
        "{result:?}"
    );
    #[cfg(not(feature = "oidc-tls"))]
    {
        let result =
            OidcClient::discover(OidcConfig::new("https://login.example.com", "x", REDIRECT)).await;
        assert!(
            matches!(result, Err(OidcError::TlsUnavailable { .. })),
            "{result:?}"
        );
    }
}
