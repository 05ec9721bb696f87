//! The [`Store`] argument: data kept on the server for the user's page.

use ferrodash_cache::{Scope, ServerStore, StoreError, StoreKey};
use ferrodash_core::CallbackError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::extract::{ArgRole, FromCallbackRequest};
use super::request::CallbackRequest;

/// The app's [`ServerStore`], scoped to the user making the request.
///
/// A callback stores data on the server and writes only its [`StoreKey`] to
/// a `dcc.Store`; a later callback takes the key as an input and reads the
/// data back, typed. Large tables never travel to the browser.
///
/// Data is stored for the request's scope: the logged-in user's (or what
/// the app's `cache_scope` gives; everyone's in an app without a login),
/// so a key copied to another user's page reads nothing. A key that is malformed,
/// expired or names nothing makes the request fail with a 4xx naming the
/// server-side store key when the callback returns the error with `?`.
///
/// ```
/// use ferrodash_server::{Input, Store};
/// use ferrodash_cache::StoreKey;
/// use ferrodash_core::CallbackError;
///
/// async fn load(Input(region): Input<String>, store: Store) -> Result<StoreKey<Vec<f64>>, CallbackError> {
///     let rows = vec![1.0, 2.5]; // a large query result, say
///     Ok(store.put(&rows).await?)
/// }
///
/// async fn total(Input(key): Input<StoreKey<Vec<f64>>>, store: Store) -> Result<String, CallbackError> {
///     let rows = store.get(&key).await?;
///     Ok(format!("{}", rows.iter().sum::<f64>()))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Store {
    store: ServerStore,
    scope: Scope,
}

impl Store {
    /// Stores `value` on the server and answers its key.
    ///
    /// # Errors
    ///
    /// [`StoreError::Cache`] when the value cannot be serialized or the cache
    /// fails.
    pub async fn put<T: Serialize>(&self, value: &T) -> Result<StoreKey<T>, StoreError> {
        self.store.put(value, &self.scope).await
    }

    /// The value stored under `key` for this user.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the key is expired or names nothing for this
    /// user, or the cache fails.
    pub async fn get<T: DeserializeOwned>(&self, key: &StoreKey<T>) -> Result<T, StoreError> {
        self.store.get(key, &self.scope).await
    }

    /// Removes the value stored under `key` for this user, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::Cache`] when the cache fails.
    pub async fn remove<T>(&self, key: &StoreKey<T>) -> Result<(), StoreError> {
        self.store.remove(key, &self.scope).await
    }

    /// The scope data is stored for.
    #[must_use]
    pub const fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl FromCallbackRequest for Store {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        let store = request.app_state.get::<ServerStore>().ok_or_else(|| {
            CallbackError::msg("the app has no ServerStore (AppBuilder::build adds one)")
        })?;
        Ok(Self {
            store,
            scope: request.scope.clone(),
        })
    }
}

/// The store problem behind a callback's failure, when the request is at
/// fault: a store key that is malformed, expired or names nothing.
pub(crate) fn client_store_problem(error: &CallbackError) -> Option<&StoreError> {
    error
        .find_cause::<StoreError>()
        .filter(|store| store.is_client_error())
}
