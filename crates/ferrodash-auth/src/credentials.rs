//! What checks a user name and password: the app's [`Users`](crate::Users)
//! table, or anything else the app brings (a directory, a fixed list).

use std::error::Error as StdError;
use std::sync::Arc;

use crate::session::{BoxFuture, Principal};

/// Why credentials could not be checked (the directory is down, say): not a
/// wrong password, which is `Ok(None)`.
pub type CredentialsError = Box<dyn StdError + Send + Sync + 'static>;

/// Checks a user name and password.
///
/// Implementations answer `Ok(None)` for an unknown name and for a wrong
/// password alike, taking about the same time for both, so a login form
/// does not tell which names exist.
pub trait Credentials: Send + Sync + 'static {
    /// The user, when `password` is `name`'s.
    fn verify<'a>(
        &'a self,
        name: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>>;
}

impl<C: Credentials + ?Sized> Credentials for Arc<C> {
    fn verify<'a>(
        &'a self,
        name: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        (**self).verify(name, password)
    }
}

/// Checks a bearer token (an API token of a user, for a program acting
/// for them): the user it belongs to, or `Ok(None)` for a token nobody has.
pub trait BearerTokens: Send + Sync + 'static {
    /// The user `token` belongs to.
    fn verify<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>>;
}

impl<T: BearerTokens + ?Sized> BearerTokens for Arc<T> {
    fn verify<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        (**self).verify(token)
    }
}

#[cfg(feature = "users")]
impl Credentials for crate::Users {
    fn verify<'a>(
        &'a self,
        name: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        Box::pin(async move {
            Self::verify(self, name, password)
                .await
                .map_err(CredentialsError::from)
        })
    }
}
