//! The logged-in user as a callback argument.

use ferrodash_auth::Principal;
use ferrodash_core::CallbackError;

use super::extract::{ArgRole, FromCallbackRequest};
use super::request::CallbackRequest;

/// The logged-in user who made the request: `user: Principal` as a callback
/// argument. Scope data by `user.id` in the queries themselves (never by an
/// id the browser sends): callback payloads are written by the client.
///
/// ```
/// use ferrodash_server::{Input, Principal};
///
/// async fn greet(Input(_n): Input<Option<u64>>, user: Principal) -> String {
///     format!("Hello, {} ({} groups)", user.name, user.groups.len())
/// }
/// ```
///
/// In an app without a login there is no user and the callback fails (a
/// server error naming the reason); take `Option<Principal>` in callbacks
/// that also serve anonymous users.
impl FromCallbackRequest for Principal {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        request.user.clone().ok_or_else(|| {
            CallbackError::msg(
                "the callback takes the logged-in user, and the request has none \
                 (give the app a login with AppBuilder::login)",
            )
        })
    }
}

/// The logged-in user, if any.
impl FromCallbackRequest for Option<Principal> {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        Ok(request.user.clone())
    }
}
