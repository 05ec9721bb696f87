//! Plain Rust functions as callbacks.
//!
//! [`AsyncHandler`] is implemented for async functions and [`SyncHandler`] for
//! ordinary functions whose arguments all implement
//! [`FromCallbackRequest`](super::FromCallbackRequest) and whose return type
//! implements [`IntoCallbackOutput`]. Both are turned into one erased form here;
//! synchronous functions run on tokio's blocking pool, so a slow one never
//! holds up other requests.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use ferrodash_core::{Arity, CallbackError, CallbackOutputs, IntoCallbackOutput};
use futures_util::FutureExt;

use super::extract::{ArgRole, FromCallbackRequest};
use super::request::CallbackRequest;

/// A boxed future returning a callback's outputs.
pub(crate) type BoxFuture =
    Pin<Box<dyn Future<Output = Result<CallbackOutputs, CallbackError>> + Send + 'static>>;

/// The erased form every callback function is turned into.
pub(crate) type ErasedHandler = Arc<dyn Fn(CallbackRequest) -> BoxFuture + Send + Sync + 'static>;

/// The JSON Schemas of a function's arguments, computed when asked.
pub(crate) type ArgSchemas = fn() -> Vec<Option<serde_json::Value>>;

/// A function erased, with what the app's checks and tools need of it.
pub(crate) struct Erased {
    pub(crate) handler: ErasedHandler,
    pub(crate) roles: Vec<ArgRole>,
    pub(crate) schemas: ArgSchemas,
    pub(crate) arity: Arity,
}

/// An async function usable as a callback.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as an async callback",
    note = "an async callback is an `async fn` whose arguments are Input<T>, State<T> or context types \
            (Triggered, CallbackContext, SetProps, AppState<S>) and whose return type implements \
            IntoCallbackOutput; for a plain `fn` use Callback::sync"
)]
pub trait AsyncHandler<Args>: Clone + Send + Sync + 'static {
    /// What the function returns.
    type Output: IntoCallbackOutput;
    /// The role of each argument, in order.
    fn roles() -> Vec<ArgRole>;
    /// The JSON Schema of each argument's value, in order (`None` for
    /// context arguments).
    fn schemas() -> Vec<Option<serde_json::Value>>;
    /// Extracts the arguments and calls the function.
    fn call(self, request: CallbackRequest) -> BoxFuture;
}

/// A synchronous function usable as a callback; it runs on the blocking pool.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a sync callback",
    note = "a sync callback is a `fn` whose arguments are Input<T>, State<T> or context types \
            and whose return type implements IntoCallbackOutput; for an `async fn` use Callback::new"
)]
pub trait SyncHandler<Args>: Clone + Send + Sync + 'static {
    /// What the function returns.
    type Output: IntoCallbackOutput;
    /// The role of each argument, in order.
    fn roles() -> Vec<ArgRole>;
    /// The JSON Schema of each argument's value, in order (`None` for
    /// context arguments).
    fn schemas() -> Vec<Option<serde_json::Value>>;
    /// Extracts the arguments and calls the function on the current thread.
    fn call_blocking(self, request: CallbackRequest) -> Result<CallbackOutputs, CallbackError>;
}

macro_rules! handlers {
    ($($arg:ident),*) => {
        #[allow(non_snake_case, unused_mut, unused_variables)]
        impl<F, Fut, R, $($arg),*> AsyncHandler<($($arg,)*)> for F
        where
            F: Fn($($arg),*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = R> + Send + 'static,
            R: IntoCallbackOutput,
            $($arg: FromCallbackRequest,)*
        {
            type Output = R;
            fn roles() -> Vec<ArgRole> {
                vec![$($arg::ROLE),*]
            }
            fn schemas() -> Vec<Option<serde_json::Value>> {
                vec![$($arg::value_schema()),*]
            }
            fn call(self, mut request: CallbackRequest) -> BoxFuture {
                $(
                    let $arg = match $arg::from_callback_request(&mut request) {
                        Ok(value) => value,
                        Err(e) => return Box::pin(std::future::ready(Err(e))),
                    };
                )*
                let future = self($($arg),*);
                Box::pin(async move { future.await.into_callback_output() })
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables)]
        impl<F, R, $($arg),*> SyncHandler<($($arg,)*)> for F
        where
            F: Fn($($arg),*) -> R + Clone + Send + Sync + 'static,
            R: IntoCallbackOutput,
            $($arg: FromCallbackRequest,)*
        {
            type Output = R;
            fn roles() -> Vec<ArgRole> {
                vec![$($arg::ROLE),*]
            }
            fn schemas() -> Vec<Option<serde_json::Value>> {
                vec![$($arg::value_schema()),*]
            }
            fn call_blocking(self, mut request: CallbackRequest) -> Result<CallbackOutputs, CallbackError> {
                $( let $arg = $arg::from_callback_request(&mut request)?; )*
                self($($arg),*).into_callback_output()
            }
        }
    };
}

handlers!();
handlers!(A1);
handlers!(A1, A2);
handlers!(A1, A2, A3);
handlers!(A1, A2, A3, A4);
handlers!(A1, A2, A3, A4, A5);
handlers!(A1, A2, A3, A4, A5, A6);
handlers!(A1, A2, A3, A4, A5, A6, A7);
handlers!(A1, A2, A3, A4, A5, A6, A7, A8);
handlers!(A1, A2, A3, A4, A5, A6, A7, A8, A9);
handlers!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10);
handlers!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11);
handlers!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12);
handlers!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13);
handlers!(A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14);
handlers!(
    A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15
);
handlers!(
    A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15, A16
);

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-text payload".to_owned())
}

fn panicked(message: &str) -> CallbackError {
    CallbackError::msg(format!("the callback panicked: {message}"))
}

/// Erases an async function; a panic in it becomes a callback failure.
pub(crate) fn erase_async<H: AsyncHandler<Args>, Args>(handler: H) -> Erased {
    let erased: ErasedHandler = Arc::new(move |request| {
        let handler = handler.clone();
        let future = std::panic::catch_unwind(AssertUnwindSafe(move || handler.call(request)));
        match future {
            Ok(future) => Box::pin(AssertUnwindSafe(future).catch_unwind().map(|r| match r {
                Ok(result) => result,
                Err(payload) => Err(panicked(&panic_message(payload.as_ref()))),
            })),
            Err(payload) => Box::pin(std::future::ready(Err(panicked(&panic_message(
                payload.as_ref(),
            ))))),
        }
    });
    Erased {
        handler: erased,
        roles: H::roles(),
        schemas: H::schemas,
        arity: <H::Output as IntoCallbackOutput>::ARITY,
    }
}

/// Erases a sync function: it runs on tokio's blocking pool.
pub(crate) fn erase_sync<H: SyncHandler<Args>, Args>(handler: H) -> Erased {
    let erased: ErasedHandler = Arc::new(move |request| {
        let handler = handler.clone();
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || handler.call_blocking(request)).await {
                Ok(result) => result,
                Err(join) if join.is_panic() => {
                    Err(panicked(&panic_message(join.into_panic().as_ref())))
                }
                Err(_) => Err(CallbackError::msg("the callback was cancelled")),
            }
        })
    });
    Erased {
        handler: erased,
        roles: H::roles(),
        schemas: H::schemas,
        arity: <H::Output as IntoCallbackOutput>::ARITY,
    }
}
