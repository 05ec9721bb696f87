//! Callbacks: typed Rust functions wired to component props.
//!
//! ```
//! use ferrodash_server::{Callback, Input, State};
//!
//! async fn greet(Input(name): Input<Option<String>>, State(n): State<Option<u32>>) -> String {
//!     format!("Hello, {} ({})", name.unwrap_or_default(), n.unwrap_or(0))
//! }
//!
//! let callback = Callback::new(greet)
//!     .output("greeting", "children")
//!     .input("name", "value")
//!     .state("count", "data");
//! ```

mod clientside;
mod extract;
mod handler;
mod request;
mod server_store;
mod user;

use std::sync::Arc;
use std::time::Duration;

use ferrodash_core::{Arity, CallbackSpec, ComponentId, InitialCall, IntoCallbackOutput, PropRef};

use crate::background::BackgroundOptions;
use serde_json::Value;

pub use clientside::ClientsideCallback;
pub use extract::{
    AppState, ArgRole, CallbackContext, FromCallbackRequest, Input, SetProps, State, Triggered,
    TriggeredProp,
};
pub use handler::{AsyncHandler, SyncHandler};
pub use request::CallbackRequest;
pub use server_store::Store;
pub(crate) use server_store::client_store_problem;

pub(crate) use handler::{ArgSchemas, ErasedHandler, panic_message};
pub use request::PropsUpdate;
pub(crate) use request::SideUpdates;

/// A callback: its declaration (outputs, inputs, state, options) and the
/// function that computes the outputs.
#[must_use]
pub struct Callback {
    pub(crate) spec: CallbackSpec,
    pub(crate) roles: Vec<ArgRole>,
    pub(crate) schemas: ArgSchemas,
    pub(crate) arity: Arity,
    pub(crate) handler: ErasedHandler,
    /// Offered to AI agents as an MCP tool (when the app serves MCP).
    pub(crate) mcp: bool,
    /// What the callback does, for its MCP tool.
    pub(crate) description: Option<String>,
    pub(crate) background: Option<BackgroundOptions>,
    pub(crate) on_error: Option<(OnError, Arity)>,
    /// Groups the user must be in, every one.
    pub(crate) groups: Vec<String>,
}

/// A callback's failure, as its `on_error` handler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackFailure {
    /// What went wrong: the error's message, or the panic's.
    pub message: String,
    /// The id the server log has the failure under.
    pub correlation_id: String,
}

/// An `on_error` handler, erased.
pub(crate) type OnError = Arc<
    dyn Fn(
            &CallbackFailure,
        ) -> Result<ferrodash_core::CallbackOutputs, ferrodash_core::CallbackError>
        + Send
        + Sync,
>;

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("spec", &self.spec)
            .field("arity", &self.arity)
            .finish_non_exhaustive()
    }
}

/// The function's name without its module path, for error messages.
fn handler_name<H>() -> String {
    let full = std::any::type_name::<H>();
    let trimmed = full.trim_end_matches("::{{closure}}");
    let short = trimmed.rsplit("::").next().unwrap_or(trimmed);
    if trimmed.len() == full.len() {
        short.to_owned()
    } else {
        format!("{short}::{{closure}}")
    }
}

impl Callback {
    /// A callback run by an `async fn`.
    pub fn new<H: AsyncHandler<Args>, Args>(handler: H) -> Self {
        Self::from_parts(handler_name::<H>(), handler::erase_async(handler))
    }

    /// A callback run by a plain `fn` on the blocking thread pool, so slow or
    /// CPU-heavy work never holds up other requests.
    pub fn sync<H: SyncHandler<Args>, Args>(handler: H) -> Self {
        Self::from_parts(handler_name::<H>(), handler::erase_sync(handler))
    }

    fn from_parts(name: String, erased: handler::Erased) -> Self {
        Self {
            spec: CallbackSpec {
                name,
                multi_output: matches!(erased.arity, Arity::Multi(_)),
                ..CallbackSpec::default()
            },
            roles: erased.roles,
            schemas: erased.schemas,
            arity: erased.arity,
            handler: erased.handler,
            mcp: true,
            description: None,
            background: None,
            on_error: None,
            groups: Vec::new(),
        }
    }

    /// Names the callback in error messages (default: the function's name).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.spec.name = name.into();
        self
    }

    /// Adds an Output: the callback's return value is written to this prop.
    pub fn output(mut self, id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        self.spec.add_output(id, property, false);
        self
    }

    /// Adds an Output that other callbacks may write too (`allow_duplicate`).
    /// Needs [`Callback::prevent_initial_call`] or
    /// [`InitialCall::InitialDuplicate`].
    pub fn output_allow_duplicate(
        mut self,
        id: impl Into<ComponentId>,
        property: impl Into<String>,
    ) -> Self {
        self.spec.add_output(id, property, true);
        self
    }

    /// Adds an Input: a change of this prop runs the callback, and its value
    /// goes to the next [`Input`] argument.
    pub fn input(mut self, id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        self.spec.add_input(id, property);
        self
    }

    /// Adds a State: its value goes to the next [`State`] argument, but its
    /// changes do not run the callback.
    pub fn state(mut self, id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        self.spec.add_state(id, property);
        self
    }

    /// Does not run the callback when the page loads.
    pub fn prevent_initial_call(mut self) -> Self {
        self.spec.initial_call = InitialCall::Prevent;
        self
    }

    /// Sets whether the callback runs when the page loads.
    pub fn initial_call(mut self, initial_call: InitialCall) -> Self {
        self.spec.initial_call = initial_call;
        self
    }

    /// Allows an output that is also an input of this callback: the Dash pattern
    /// for keeping two components in sync (check [`Triggered`] to see which fired).
    pub fn allow_self_loop(mut self) -> Self {
        self.spec.allow_self_loop = true;
        self
    }

    /// Runs the callback only for logged-in users in `group` (call again to
    /// need several groups, every one): others get 403 naming the group,
    /// and the function does not run. Needs a login on the app (checked
    /// when it is built).
    pub fn require_group(mut self, group: impl Into<String>) -> Self {
        self.groups.push(group.into());
        self
    }

    /// Answers the callback over the page's WebSocket (`_dash-ws-callback`)
    /// instead of an HTTP POST: no request per call, and its
    /// [`SetProps`] updates reach the page at once, while it runs. A
    /// browser without `SharedWorker` uses HTTP as usual.
    pub fn websocket(mut self) -> Self {
        self.spec.websocket = true;
        self
    }

    /// A WebSocket callback that keeps running and pushes updates with
    /// [`SetProps`] (a live ticker), kept out of the page's loading state.
    /// Give it no outputs and no inputs: the page starts it when it loads
    /// and again whenever its socket reconnects; end its loop when
    /// [`Live::closed`](crate::Live::closed) resolves.
    pub fn persistent(mut self) -> Self {
        self.spec.persistent = true;
        self.spec.websocket = true;
        self
    }

    /// Whether AI agents may call the callback as a tool of the app's MCP
    /// server (default: yes, when the app serves one; hidden callbacks and
    /// those with wildcard ids never are).
    pub fn mcp(mut self, offered: bool) -> Self {
        self.mcp = offered;
        self
    }

    /// What the callback does, in a sentence or two: the description of
    /// its MCP tool, read by AI agents to choose it.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Hides the callback in the dev tools' callback graph.
    pub fn hidden(mut self) -> Self {
        self.spec.hidden = true;
        self
    }

    /// Props to set while the callback runs and back when it finishes.
    pub fn running(
        mut self,
        id: impl Into<ComponentId>,
        property: impl Into<String>,
        during: Value,
        after: Value,
    ) -> Self {
        self.spec
            .running
            .push((PropRef::new(id, property), during, after));
        self
    }

    /// Answers a failure (an error or a panic of the function) with these
    /// output values instead of a 500, like Dash's `on_error`: the page can
    /// show what went wrong. The failure is logged under its correlation id.
    pub fn on_error<F, R>(mut self, handler: F) -> Self
    where
        F: Fn(&CallbackFailure) -> R + Send + Sync + 'static,
        R: IntoCallbackOutput,
    {
        self.on_error = Some((
            Arc::new(move |failure| handler(failure).into_callback_output()),
            R::ARITY,
        ));
        self
    }

    /// Runs the callback as a background job: the request answers at once,
    /// the page polls for progress and the result, and other requests are
    /// never held up however long the job takes.
    pub fn background(mut self) -> Self {
        self.background
            .get_or_insert_with(BackgroundOptions::default);
        self
    }

    /// Runs in the background with these options.
    pub fn background_with(mut self, options: BackgroundOptions) -> Self {
        self.background = Some(options);
        self
    }

    fn background_options(&mut self) -> &mut BackgroundOptions {
        self.background
            .get_or_insert_with(BackgroundOptions::default)
    }

    /// A prop that shows the background job's progress (set with
    /// [`Progress`](crate::Progress)), and its value when the job ends.
    pub fn progress(
        mut self,
        id: impl Into<ComponentId>,
        property: impl Into<String>,
        when_done: Value,
    ) -> Self {
        let options = self.background_options();
        options.progress.push(PropRef::new(id, property));
        options.progress_default.push(when_done);
        self
    }

    /// An input whose change cancels the running background job.
    pub fn cancel(mut self, id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        self.background_options()
            .cancel
            .push(PropRef::new(id, property));
        self
    }

    /// How often the page polls a background job.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.background_options().interval = interval;
        self
    }

    /// Caches a background job's results for `ttl`, per input values and
    /// per user (see `AppBuilder::cache_scope`): an identical later request
    /// gets the result on its first poll without running the job again.
    pub fn cache_results(mut self, ttl: Duration) -> Self {
        self.background_options().cache_results = Some(ttl);
        self
    }

    /// How long a background job may run before it is stopped.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.background_options().timeout = timeout;
        self
    }

    /// The callback's declaration.
    #[must_use]
    pub const fn spec(&self) -> &CallbackSpec {
        &self.spec
    }
}

/// Shorthand for [`Callback::new`].
pub fn callback<H: AsyncHandler<Args>, Args>(handler: H) -> Callback {
    Callback::new(handler)
}
