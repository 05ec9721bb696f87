//! What a WebSocket callback shares with its connection: `set_props`
//! streamed to the page, props asked of the page, and whether the
//! connection is still open.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ferrodash_core::{CallbackError, ComponentId};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot, watch};

use super::message;
use crate::callback::{ArgRole, CallbackRequest, FromCallbackRequest};

/// What goes out on a connection.
#[derive(Debug)]
pub(super) enum Outgoing {
    /// A message (JSON text).
    Text(String),
    /// Close the connection with this code and reason.
    Close(u16, &'static str),
}

/// One connection, as its running callbacks share it.
#[derive(Debug)]
pub(super) struct Connection {
    pub(super) out: mpsc::UnboundedSender<Outgoing>,
    /// `get_props_request`s waiting for the page, by request id.
    pub(super) waiting: Mutex<HashMap<String, oneshot::Sender<Map<String, Value>>>>,
    pub(super) closed: watch::Receiver<bool>,
    pub(super) get_props_timeout: Duration,
}

impl Connection {
    pub(super) fn send(&self, text: String) {
        // Nothing to do once the connection has closed.
        let _ = self.out.send(Outgoing::Text(text));
    }

    /// Answers a waiting `get_props_request`.
    pub(super) fn answer(&self, request_id: &str, props: Map<String, Value>) {
        let waiter = self
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(request_id);
        if let Some(waiter) = waiter {
            let _ = waiter.send(props);
        }
    }

    /// Closes the connection once what is queued has gone out.
    pub(super) fn close(&self, code: u16, reason: &'static str) {
        let _ = self.out.send(Outgoing::Close(code, reason));
    }

    /// Fails every waiting `get_props_request`: the page is gone.
    pub(super) fn drop_waiters(&self) {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// A callback run for one page (`rendererId`) over a connection.
#[derive(Debug, Clone)]
pub(crate) struct LiveLink {
    renderer_id: Arc<str>,
    connection: Arc<Connection>,
}

impl LiveLink {
    pub(super) fn new(renderer_id: &str, connection: Arc<Connection>) -> Self {
        Self {
            renderer_id: Arc::from(renderer_id),
            connection,
        }
    }

    /// Streams `set_props` of `component_id` to the page now.
    pub(crate) fn set_props(&self, component_id: &str, props: Map<String, Value>) {
        self.connection
            .send(message::set_props(&self.renderer_id, component_id, props));
    }
}

/// A callback's view of the page's WebSocket: ask the page for a prop's
/// current value, see whether the connection is still open, and wait for
/// it to close (a [persistent](crate::Callback::persistent) callback's
/// loop ends then).
///
/// Outside a WebSocket callback (over HTTP, as when the browser has no
/// `SharedWorker`) it is not connected: [`Live::closed`] resolves at once
/// and [`Live::get_prop`] fails.
///
/// ```
/// use std::time::Duration;
/// use ferrodash_core::CallbackError;
/// use ferrodash_server::{Live, SetProps};
///
/// /// Pushes the time to the page every second while it is open.
/// async fn clock(set_props: SetProps, live: Live) -> Result<(), CallbackError> {
///     loop {
///         set_props.prop("clock", "children", format!("{:?}", std::time::SystemTime::now()));
///         tokio::select! {
///             () = live.closed() => return Ok(()),
///             () = tokio::time::sleep(Duration::from_secs(1)) => {}
///         }
///     }
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Live {
    link: Option<LiveLink>,
}

impl Live {
    /// Whether the callback runs over a WebSocket that is still open.
    #[must_use]
    pub fn is_connected(&self) -> bool {
        self.link
            .as_ref()
            .is_some_and(|l| !*l.connection.closed.borrow())
    }

    /// Resolves when the WebSocket closes (at once outside one).
    pub async fn closed(&self) {
        let Some(link) = &self.link else {
            return;
        };
        let mut closed = link.connection.closed.clone();
        // An error means the connection's end is gone: closed too.
        let _ = closed.wait_for(|closed| *closed).await;
    }

    /// The current value of `property` of the component `id` in the page
    /// (`null` when it has none), asked over the WebSocket.
    ///
    /// # Errors
    ///
    /// A [`CallbackError`] when the callback does not run over a
    /// WebSocket or the page does not answer in time (30 s by default);
    /// [`CallbackError::PreventUpdate`] when the connection closed
    /// meanwhile.
    pub async fn get_prop(
        &self,
        id: impl Into<ComponentId>,
        property: &str,
    ) -> Result<Value, CallbackError> {
        let Some(link) = &self.link else {
            return Err(CallbackError::msg(
                "Live::get_prop works only in a callback answered over the WebSocket",
            ));
        };
        let connection = &link.connection;
        let request_id = uuid::Uuid::new_v4().simple().to_string();
        let (sender, answer) = oneshot::channel();
        connection
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(request_id.clone(), sender);
        connection.send(message::get_props_request(
            &link.renderer_id,
            &request_id,
            &id.into().stringify(),
            &[property],
        ));
        let timeout = connection.get_props_timeout;
        let outcome = tokio::time::timeout(timeout, answer).await;
        connection
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&request_id);
        match outcome {
            Ok(Ok(mut props)) => Ok(props.remove(property).unwrap_or(Value::Null)),
            Ok(Err(_)) => Err(CallbackError::PreventUpdate),
            Err(_) => Err(CallbackError::msg(format!(
                "the page did not tell the value of `{property}` within {timeout:?}"
            ))),
        }
    }
}

impl FromCallbackRequest for Live {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        Ok(Self {
            link: request.live.clone(),
        })
    }
}
