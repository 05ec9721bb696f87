//! WebSocket callbacks over a real socket, spoken the way Dash's worker
//! speaks them (docs/websocket.md): the config block, the handshake's
//! checks, callback requests and their answers, streamed `set_props`,
//! `get_props`, heartbeats, persistent callbacks, bad frames, and the login
//! rules.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ferrodash_components::{dcc, html};
use ferrodash_core::{CallbackError, PreventUpdate};
use ferrodash_server::{App, AppBuilder, Callback, Input, Limits, Live, SetProps};
use ferrodash_testing::client::TestClient;
use ferrodash_testing::server::{RunningServer, spawn_router};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::ws_client::{answer_to, connect, csrf_cookie, next_messages, send};

async fn shout(Input(text): Input<Option<String>>, set_props: SetProps) -> String {
    let text = text.unwrap_or_default();
    set_props.prop("status", "children", format!("shouting {text}"));
    text.to_uppercase()
}

async fn nothing(Input(_n): Input<Option<u64>>) -> Result<String, CallbackError> {
    Err(PreventUpdate.into())
}

async fn over_http(Input(text): Input<Option<String>>) -> String {
    text.unwrap_or_default()
}

async fn ask(Input(_n): Input<Option<u64>>, live: Live) -> Result<String, CallbackError> {
    let value = live.get_prop("text", "value").await?;
    Ok(format!("the page says {value}"))
}

/// Counts how many ticks a persistent callback pushed.
#[derive(Clone, Default)]
struct Ticks(Arc<AtomicU64>);

fn ticker(ticks: Ticks) -> Callback {
    Callback::new(move |set_props: SetProps, live: Live| {
        let ticks = ticks.clone();
        async move {
            loop {
                let n = ticks.0.fetch_add(1, Ordering::SeqCst) + 1;
                set_props.prop("ticker", "children", n);
                tokio::select! {
                    () = live.closed() => return,
                    () = tokio::time::sleep(Duration::from_millis(20)) => {}
                }
            }
        }
    })
    .name("ticker")
    .persistent()
}

fn builder(ticks: &Ticks) -> AppBuilder {
    App::builder()
        .title("Live")
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input("text").value("hi"),
            html::button("ask").id("ask"),
            html::div(()).id("out"),
            html::div(()).id("status"),
            html::div(()).id("plain"),
            html::div(()).id("asked"),
            html::div(()).id("ticker"),
        )))
        .callback(
            Callback::new(shout)
                .output("out", "children")
                .input("text", "value")
                .websocket(),
        )
        .callback(
            Callback::new(nothing)
                .output("asked", "title")
                .input("ask", "n_clicks")
                .websocket(),
        )
        .callback(
            Callback::new(over_http)
                .output("plain", "children")
                .input("text", "value"),
        )
        .callback(
            Callback::new(ask)
                .output("asked", "children")
                .input("ask", "n_clicks")
                .websocket(),
        )
        .callback(ticker(ticks.clone()))
}

async fn serve(app: &App) -> RunningServer {
    spawn_router(app.router()).await.expect("a loopback port")
}

fn request(request_id: &str, payload: &Value) -> Value {
    json!({"type": "callback_request", "rendererId": "page-1", "requestId": request_id, "payload": payload})
}

fn shout_payload(text: &str) -> Value {
    json!({
        "output": "out.children",
        "outputs": {"id": "out", "property": "children"},
        "inputs": [{"id": "text", "property": "value", "value": text}],
        "changedPropIds": ["text.value"],
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_config_block_and_worker_are_there_only_when_the_app_has_websocket_callbacks() {
    let app = builder(&Ticks::default()).build().unwrap();
    let client = TestClient::new(&app);
    let page = client.get("/").await.text();
    let start = page.find("\"websocket\":").expect("a websocket block");
    let block: Value = serde_json::Deserializer::from_str(&page[start + 12..])
        .into_iter::<Value>()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(block["enabled"], false);
    assert_eq!(block["url"], "/_dash-ws-callback");
    assert_eq!(block["inactivity_timeout"], 300_000);
    let worker = block["worker_url"]
        .as_str()
        .unwrap()
        .replace("\\u002f", "/");
    assert!(worker.contains("dash-ws-worker.v"), "{worker}");
    let script = client.get(&worker).await;
    assert_eq!(script.status(), 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .contains("javascript")
    );
    let deps = client.dependencies().await;
    let flags: Vec<(bool, bool)> = deps
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["websocket"].as_bool().unwrap(),
                d["persistent"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(flags.contains(&(true, true)), "the ticker: {flags:?}");
    assert!(
        flags.contains(&(false, false)),
        "the HTTP callback: {flags:?}"
    );

    let plain = crate::support::echo_app();
    let page = TestClient::new(&plain).get("/").await.text();
    assert!(!page.contains("\"websocket\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_handshake_needs_the_apps_origin_and_the_pages_cookie() {
    let app = builder(&Ticks::default()).build().unwrap();
    let server = serve(&app).await;
    assert_eq!(
        connect(&server, None, &csrf_cookie()).await.err(),
        Some(403)
    );
    assert_eq!(
        connect(&server, Some("http://evil.example"), &csrf_cookie())
            .await
            .err(),
        Some(403)
    );
    assert_eq!(connect(&server, Some("own"), "").await.err(), Some(403));
    assert!(connect(&server, Some("own"), &csrf_cookie()).await.is_ok());
    // An allowed other origin.
    let allowed = builder(&Ticks::default())
        .websocket_allowed_origins(["https://portal.example.com"])
        .build()
        .unwrap();
    let server = serve(&allowed).await;
    assert!(
        connect(&server, Some("https://portal.example.com"), &csrf_cookie())
            .await
            .is_ok()
    );
    // A plain GET is no handshake.
    let plain = reqwest_get(&server.url("/_dash-ws-callback")).await;
    assert_eq!(plain, 400);
}

async fn reqwest_get(url: &str) -> u16 {
    let (host, path) = url.trim_start_matches("http://").split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn callbacks_answer_over_the_socket_with_set_props_streamed_first() {
    let app = builder(&Ticks::default()).build().unwrap();
    let server = serve(&app).await;
    let mut socket = connect(&server, Some("own"), &csrf_cookie()).await.unwrap();

    send(&mut socket, json!({"type": "heartbeat"})).await;
    let acks = next_messages(&mut socket).await;
    assert_eq!(acks, vec![json!({"type": "heartbeat_ack"})]);

    send(&mut socket, request("page-1-1", &shout_payload("hello"))).await;
    let (answer, before) = answer_to(&mut socket, "page-1-1").await;
    assert_eq!(answer["rendererId"], "page-1");
    assert_eq!(
        answer["payload"],
        json!({"status": "ok", "data": {"multi": true, "response": {"out": {"children": "HELLO"}}}})
    );
    assert_eq!(
        before,
        vec![json!({"type": "set_props", "rendererId": "page-1",
                    "payload": {"componentId": "status", "props": {"children": "shouting hello"}}})]
    );

    // PreventUpdate.
    let payload = json!({
        "output": "asked.title", "outputs": {"id": "asked", "property": "title"},
        "inputs": [{"id": "ask", "property": "n_clicks", "value": 1}], "changedPropIds": ["ask.n_clicks"],
    });
    send(&mut socket, request("page-1-2", &payload)).await;
    let (answer, _) = answer_to(&mut socket, "page-1-2").await;
    assert_eq!(answer["payload"], json!({"status": "prevent_update"}));

    // Refusals are errors naming the problem, and the socket stays open.
    let http_only = json!({
        "output": "plain.children", "outputs": {"id": "plain", "property": "children"},
        "inputs": [{"id": "text", "property": "value", "value": "x"}], "changedPropIds": [],
    });
    for (id, payload, problem) in [
        ("e1", http_only, "is not a WebSocket callback"),
        (
            "e2",
            json!({"output": "nope.children", "inputs": []}),
            "no callback has the output `nope.children`",
        ),
        ("e3", json!({"output": 5}), "`output`: must be a string"),
        (
            "e4",
            json!({"output": "out.children", "outputs": {"id": "status", "property": "children"},
                      "inputs": [{"id": "text", "property": "value", "value": "x"}]}),
            "does not match callback",
        ),
    ] {
        send(&mut socket, request(id, &payload)).await;
        let (answer, _) = answer_to(&mut socket, id).await;
        assert_eq!(answer["payload"]["status"], "error", "{answer}");
        let message = answer["payload"]["message"].as_str().unwrap();
        assert!(message.contains(problem), "{id}: {message}");
    }
    // Unknown message types are ignored.
    send(
        &mut socket,
        json!({"type": "tab_visible", "rendererId": "page-1"}),
    )
    .await;
    send(&mut socket, request("page-1-3", &shout_payload("again"))).await;
    let (answer, _) = answer_to(&mut socket, "page-1-3").await;
    assert_eq!(
        answer["payload"]["data"]["response"]["out"]["children"],
        "AGAIN"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_asks_the_page_for_a_prop() {
    let app = builder(&Ticks::default()).build().unwrap();
    let server = serve(&app).await;
    let mut socket = connect(&server, Some("own"), &csrf_cookie()).await.unwrap();
    let payload = json!({
        "output": "asked.children", "outputs": {"id": "asked", "property": "children"},
        "inputs": [{"id": "ask", "property": "n_clicks", "value": 1}], "changedPropIds": ["ask.n_clicks"],
    });
    send(&mut socket, request("page-1-9", &payload)).await;
    let asked = next_messages(&mut socket).await.remove(0);
    assert_eq!(asked["type"], "get_props_request");
    assert_eq!(asked["rendererId"], "page-1");
    assert_eq!(
        asked["payload"],
        json!({"componentId": "text", "properties": ["value"]})
    );
    send(
        &mut socket,
        json!({"type": "get_props_response", "rendererId": "page-1",
               "requestId": asked["requestId"], "payload": {"value": "typed"}}),
    )
    .await;
    let (answer, _) = answer_to(&mut socket, "page-1-9").await;
    assert_eq!(
        answer["payload"]["data"]["response"]["asked"]["children"],
        "the page says \"typed\""
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_persistent_callback_pushes_until_the_socket_closes() {
    let ticks = Ticks::default();
    let app = builder(&ticks).build().unwrap();
    let output = TestClient::new(&app)
        .dependencies()
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["persistent"] == true)
        .map(|d| d["output"].as_str().unwrap().to_owned())
        .unwrap();
    let server = serve(&app).await;
    let mut socket = connect(&server, Some("own"), &csrf_cookie()).await.unwrap();
    send(
        &mut socket,
        request(
            "page-1-1",
            &json!({"output": output, "inputs": [], "changedPropIds": []}),
        ),
    )
    .await;
    let mut seen = Vec::new();
    while seen.len() < 10 {
        for message in next_messages(&mut socket).await {
            assert_eq!(message["type"], "set_props", "{message}");
            assert_eq!(message["payload"]["componentId"], "ticker");
            seen.push(message["payload"]["props"]["children"].as_u64().unwrap());
        }
    }
    assert_eq!(seen[..10], (1..=10).collect::<Vec<u64>>());
    socket.close(None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopped = ticks.0.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        ticks.0.load(Ordering::SeqCst),
        stopped,
        "the loop ended with the socket"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_and_binary_frames_close_the_socket_with_a_reason() {
    let app = builder(&Ticks::default()).build().unwrap();
    let server = serve(&app).await;
    for (frame, code) in [
        (Message::Text("{not json".into()), 1007),
        (Message::Text(r#"{"type":"callback_request"}"#.into()), 1007),
        (Message::Binary(vec![1, 2, 3].into()), 1003),
    ] {
        let mut socket = connect(&server, Some("own"), &csrf_cookie()).await.unwrap();
        socket.send(frame).await.unwrap();
        let closed = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .unwrap();
        match closed {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), code),
            other => panic!("{other:?}"),
        }
    }
}

/// Open sockets are capped apart from requests: past the cap a handshake
/// gets 503, plain requests still go through, and a closed socket gives
/// its place back.
#[tokio::test(flavor = "multi_thread")]
async fn open_sockets_are_capped_and_a_closed_one_frees_its_place() {
    let mut limits = Limits::default();
    limits.max_websocket_connections = 2;
    let app = builder(&Ticks::default()).limits(limits).build().unwrap();
    let server = serve(&app).await;
    let mut first = connect(&server, Some("own"), &csrf_cookie()).await.unwrap();
    let _second = connect(&server, Some("own"), &csrf_cookie()).await.unwrap();
    assert_eq!(
        connect(&server, Some("own"), &csrf_cookie()).await.err(),
        Some(503)
    );
    // Plain HTTP is not held up by the sockets.
    assert_eq!(reqwest_get(&server.url("/")).await, 200);
    // The open sockets still work.
    send(&mut first, request("c-1", &shout_payload("still"))).await;
    let (answer, _) = answer_to(&mut first, "c-1").await;
    assert_eq!(
        answer["payload"]["data"]["response"]["out"]["children"],
        "STILL"
    );
    first.close(None).await.unwrap();
    drop(first);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        match connect(&server, Some("own"), &csrf_cookie()).await {
            Ok(_third) => break,
            Err(503) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(status) => panic!("the closed socket's place never came back: {status}"),
        }
    }
}
