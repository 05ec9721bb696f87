//! A WebSocket client speaking as Dash's worker does, for the tests.

use std::time::Duration;

use ferrodash_testing::client::CSRF_TOKEN;
use ferrodash_testing::server::RunningServer;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the socket as the worker does: same Origin as the page, with the
/// page's cookies.
pub(crate) async fn connect(
    server: &RunningServer,
    origin: Option<&str>,
    cookies: &str,
) -> Result<Socket, u16> {
    let url = server
        .url("/_dash-ws-callback")
        .replacen("http://", "ws://", 1);
    let mut request = url.into_client_request().expect("a request");
    let own = format!("http://{}", server.addr());
    let headers = request.headers_mut();
    if let Some(origin) = origin {
        let origin = if origin == "own" {
            own.as_str()
        } else {
            origin
        };
        headers.insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    if !cookies.is_empty() {
        headers.insert("cookie", HeaderValue::from_str(cookies).unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("{other}"),
    }
}

pub(crate) fn csrf_cookie() -> String {
    format!("_csrf_token={CSRF_TOKEN}")
}

pub(crate) async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("sent");
}

/// The next messages (frames may hold arrays).
pub(crate) async fn next_messages(socket: &mut Socket) -> Vec<Value> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("an answer within 10 s")
            .expect("the socket is open")
            .expect("a frame");
        match frame {
            Message::Text(text) => {
                return match serde_json::from_str::<Value>(text.as_str()).expect("JSON") {
                    Value::Array(items) => items,
                    one => vec![one],
                };
            }
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => {}
        }
    }
}

/// Reads until the answer to `request_id`, collecting what came before.
pub(crate) async fn answer_to(socket: &mut Socket, request_id: &str) -> (Value, Vec<Value>) {
    let mut before = Vec::new();
    loop {
        for message in next_messages(socket).await {
            if message["type"] == "callback_response" && message["requestId"] == request_id {
                return (message, before);
            }
            before.push(message);
        }
    }
}
