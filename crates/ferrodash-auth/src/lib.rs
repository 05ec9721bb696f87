//! Login and per-user security for ferrodash apps.
//!
//! So far: [`Sessions`] (server-side sessions with a new id at login, idle
//! and absolute timeouts, a [`SessionStore`] in memory or in Redis) with the
//! [`Principal`] they hold, [`Users`] (Argon2id password hashes in the
//! app's own database, managed with the `ferrodash-users` command), a
//! [`LoginLimiter`] for failed logins, and
//! [`safe_next`], which decides where a login
//! may send the user afterwards, refusing every off-site destination.
//! With the `oidc` feature, `OidcClient` logs users in with an OpenID Connect provider.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod counters;
mod credentials;
mod limiter;
#[cfg(feature = "oidc")]
mod oidc;
#[cfg(feature = "users")]
mod password_check;
mod rate;
mod redirect;
mod redis_connection;
mod redis_store;
mod session;
#[cfg(feature = "users")]
mod tokens;
#[cfg(feature = "users")]
mod users;

pub use counters::LimiterError;
pub use credentials::{BearerTokens, Credentials, CredentialsError};
pub use limiter::{Attempt, LoginLimiter};
#[cfg(feature = "oidc")]
pub use oidc::{
    IdTokenError, OidcClient, OidcConfig, OidcEndpoint, OidcError, OidcIds, PendingLogin,
};
pub use rate::{Rate, RateLimiter};
pub use redirect::safe_next;
pub use redis_store::RedisSessionStore;
pub use session::{
    BoxFuture, MemorySessionStore, Principal, Session, SessionConfig, SessionRecord, SessionStore,
    SessionStoreError, Sessions,
};
#[cfg(feature = "users")]
pub use tokens::TOKEN_PREFIX;
#[cfg(feature = "users")]
pub use users::{UserError, Users};
