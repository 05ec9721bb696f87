//! OpenID Connect login (feature `oidc`): the authorization code flow with
//! PKCE against one provider (Keycloak, Entra ID, Okta, Auth0, Google,
//! Authentik, ...).
//!
//! [`OidcClient::discover`] reads the provider's endpoints and keys once;
//! [`OidcClient::begin`] gives the URL to send the browser to and a
//! [`PendingLogin`] to keep; [`OidcClient::finish`] checks the callback,
//! trades the code for an ID token, verifies it and returns the
//! [`Principal`](crate::Principal).
//!
//! Transport and security defaults are described on [`OidcClient`].

mod claims;
mod client;
mod config;
mod discovery;
mod error;
mod http;
mod id_token;
mod jwks;
mod pending;
mod pkce;
mod token;

pub use client::OidcClient;
pub use config::{OidcConfig, OidcIds};
pub use error::{IdTokenError, OidcEndpoint, OidcError};
pub use pending::PendingLogin;
