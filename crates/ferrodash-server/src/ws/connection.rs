//! One WebSocket connection: reads the worker's messages, runs callbacks
//! concurrently, and writes their answers (batched when several are ready
//! at once).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use ferrodash_core::wire::UpdateRequest;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use http::HeaderMap;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::live::{Connection, LiveLink, Outgoing};
use super::message::{self, Incoming, Status};
use crate::app::App;
use crate::callback::SideUpdates;
use crate::dispatch::{self, Answer, Caller};
use crate::rejection::ProtocolError;

/// The worker sends a heartbeat every 30 s: a connection silent for this
/// long is dead.
const SILENCE_LIMIT: Duration = Duration::from_secs(75);

/// At most this many messages go out in one frame.
const BATCH: usize = 64;

/// Who opened the connection.
pub(super) struct Peer {
    pub(super) app: App,
    /// The user at the handshake (a Basic-auth user stays so).
    pub(super) user: Option<ferrodash_auth::Principal>,
    /// The session the handshake carried, checked again on every request.
    pub(super) session: Option<String>,
    pub(super) headers: HeaderMap,
}

impl Peer {
    /// The user now: with session logins the session must still be alive
    /// (`Err` when it ended, by logout or timeout, or when the session
    /// store does not answer).
    async fn current_user(&self) -> Result<Option<ferrodash_auth::Principal>, ProtocolError> {
        let Some(login) = self.app.inner.login.as_deref() else {
            return Ok(None);
        };
        if !login.uses_sessions() {
            return Ok(self.user.clone());
        }
        let Some(session) = &self.session else {
            return Err(ProtocolError::LoginRequired);
        };
        match login.sessions.load(session).await {
            Ok(Some(session)) => session
                .record
                .user
                .map(Some)
                .ok_or(ProtocolError::LoginRequired),
            Ok(None) => Err(ProtocolError::LoginRequired),
            Err(error) => Err(ProtocolError::Unavailable(error.to_string())),
        }
    }
}

/// Serves one connection until it closes: this task reads and runs
/// callbacks, a second one writes, so both sides move at once.
pub(super) async fn serve(socket: WebSocket, peer: Peer) {
    let peer = Arc::new(peer);
    let config = &peer.app.inner.config.websocket;
    let (out, outgoing) = mpsc::unbounded_channel();
    let (closed_tx, closed) = watch::channel(false);
    let connection = Arc::new(Connection {
        out,
        waiting: Mutex::new(HashMap::new()),
        closed,
        get_props_timeout: config.get_props_timeout,
    });
    let (sink, mut stream) = socket.split();
    let mut writer = tokio::spawn(write(sink, outgoing));
    let limit = config.max_running_per_connection.max(1);
    let mut running = JoinSet::new();
    let mut silence = Instant::now() + SILENCE_LIMIT;
    loop {
        tokio::select! {
            frame = stream.next() => {
                silence = Instant::now() + SILENCE_LIMIT;
                let text = match frame {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        connection.close(1003, "binary messages are not understood");
                        continue;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                match message::parse(text.as_str()) {
                    Ok(Incoming::Heartbeat) => connection.send(message::HEARTBEAT_ACK.to_owned()),
                    Ok(Incoming::Props { request_id, payload }) => connection.answer(&request_id, payload),
                    Ok(Incoming::Callback { renderer_id, request_id, payload }) => {
                        // Finished callbacks not yet collected do not count.
                        while running.try_join_next().is_some() {}
                        if running.len() >= limit {
                            let status = Status::Error(format!(
                                "too many callbacks at once on this connection (at most {limit})"
                            ));
                            connection.send(message::callback_response(&renderer_id, &request_id, status));
                        } else {
                            let (peer, connection) = (peer.clone(), connection.clone());
                            running.spawn(async move {
                                let link = LiveLink::new(&renderer_id, connection.clone());
                                let (status, session_ended) = answer(&peer, link, payload).await;
                                connection.send(message::callback_response(&renderer_id, &request_id, status));
                                if session_ended {
                                    // 4001: the worker does not reconnect by itself.
                                    connection.close(4001, "session ended");
                                }
                            });
                        }
                    }
                    Ok(Incoming::Other(kind)) => {
                        tracing::debug!(kind, "WebSocket: a message of unknown type, ignored");
                    }
                    Err(problem) => {
                        tracing::debug!(%problem, "WebSocket: a malformed message; closing");
                        connection.close(1007, "malformed message");
                    }
                }
            }
            // The writer ends when the socket fails or was closed.
            _ = &mut writer => break,
            Some(_) = running.join_next(), if !running.is_empty() => {}
            () = tokio::time::sleep_until(silence) => {
                connection.close(1001, "no heartbeat");
                silence = Instant::now() + SILENCE_LIMIT;
            }
        }
    }
    // Running callbacks stop; their waits for the page fail.
    let _ = closed_tx.send(true);
    running.abort_all();
    connection.drop_waiters();
    writer.abort();
}

/// Writes what callbacks send until the connection is to close: whatever
/// is ready at once goes out in one frame (a JSON array, as the worker reads
/// it, when there are several messages).
async fn write(
    mut sink: SplitSink<WebSocket, Message>,
    mut outgoing: mpsc::UnboundedReceiver<Outgoing>,
) {
    while let Some(first) = outgoing.recv().await {
        let mut batch = Vec::new();
        let mut closing = None;
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Outgoing::Text(text) => batch.push(text),
                Outgoing::Close(code, reason) => {
                    closing = Some((code, reason));
                    break;
                }
            }
            if batch.len() < BATCH {
                next = outgoing.try_recv().ok();
            }
        }
        let frame = match batch.len() {
            0 => None,
            1 => batch.pop(),
            _ => Some(format!("[{}]", batch.join(","))),
        };
        if let Some(frame) = frame
            && sink.send(Message::Text(frame.into())).await.is_err()
        {
            return;
        }
        if let Some((code, reason)) = closing {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = sink.send(Message::Close(Some(frame))).await;
            return;
        }
    }
}

/// Runs one callback request and says how it ended, and whether the
/// user's session has ended (the connection is then done).
async fn answer(peer: &Peer, link: LiveLink, payload: serde_json::Value) -> (Status, bool) {
    let user = match peer.current_user().await {
        Ok(user) => user,
        // The session ended: the socket closes.
        Err(ProtocolError::LoginRequired) => {
            return (
                Status::Error(ProtocolError::LoginRequired.to_string()),
                true,
            );
        }
        // The store did not answer: this request fails, the socket stays.
        Err(error) => return (Status::Error(error.to_string()), false),
    };
    (run(peer, link, user, payload).await, false)
}

/// Runs one callback request for `user`.
async fn run(
    peer: &Peer,
    link: LiveLink,
    user: Option<ferrodash_auth::Principal>,
    payload: serde_json::Value,
) -> Status {
    let app = &peer.app.inner;
    let request = match UpdateRequest::from_value(payload) {
        Ok(request) => request,
        Err(e) => return Status::Error(ProtocolError::MalformedBody(e).to_string()),
    };
    let checked = match dispatch::check(app, request, user.as_ref()) {
        Ok(checked) => checked,
        Err(refusal) => return Status::Error(refusal.to_string()),
    };
    let spec = &checked.registered.spec;
    if checked.registered.background.is_some() {
        return Status::Error(format!(
            "callback `{}` is a background callback: it runs over HTTP",
            spec.name
        ));
    }
    if !spec.websocket && !app.config.websocket.enabled {
        return Status::Error(format!(
            "callback `{}` is not a WebSocket callback: it runs over HTTP",
            spec.name
        ));
    }
    let caller = Caller {
        headers: peer.headers.clone(),
        user,
        side_updates: SideUpdates::Live(link.clone()),
        live: Some(link),
    };
    match dispatch::run(app, checked, caller).await {
        Answer::Updated(body) => Status::Updated(body),
        Answer::NoUpdate => Status::PreventUpdate,
        Answer::Refused(refusal) => Status::Error(refusal.to_string()),
        Answer::Failed(failure) => Status::Error(failure.message(app.config.dev_tools.ui)),
    }
}
