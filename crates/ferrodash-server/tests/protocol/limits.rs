//! The server's limits on what a client can hold, over a real socket: slow
//! headers and idle kept-alive connections are closed, a trickled body is
//! answered 408, a callback past its timeout 504, requests past the cap
//! 503, and a body is never read before its CSRF check and declared length
//! pass.

use std::time::{Duration, Instant};

use ferrodash_components::html;
use ferrodash_server::{App, Callback, Input, Limits};
use ferrodash_testing::client::{CSRF_TOKEN, CallbackCall, TestClient};
use http::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

async fn nap(Input(ms): Input<u64>) -> String {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms")
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.header_read_timeout = Duration::from_secs(1);
    limits.body_read_timeout = Duration::from_secs(1);
    limits.callback_timeout = Duration::from_secs(1);
    limits
}

fn app(limits: Limits) -> App {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .limits(limits)
        .layout(html::div((html::div(()).id("ms"), html::div(()).id("out"))))
        .callback(
            Callback::new(nap)
                .output("out", "children")
                .input("ms", "children"),
        )
        .build()
        .unwrap()
}

fn nap_call(ms: u64) -> CallbackCall {
    CallbackCall::new()
        .output("out", "children")
        .input("ms", "children", json!(ms))
}

/// Serves `app` on a free loopback port.
async fn serve(app: App) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(app.serve_on(listener));
    address
}

/// Reads until the server closes the connection or `wait` passes: what it
/// sent, and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> (String, bool) {
    let mut seen = Vec::new();
    let deadline = Instant::now() + wait;
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return (String::from_utf8_lossy(&seen).into_owned(), false),
            Ok(Ok(0) | Err(_)) => return (String::from_utf8_lossy(&seen).into_owned(), true),
            Ok(Ok(n)) => seen.extend_from_slice(&buffer[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_sent_too_slowly_get_the_connection_closed() {
    let address = serve(app(limits())).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    // Half a request head, then nothing: a slowloris client.
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(closed, "the connection was still open after 10 s");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "closed after {:?}, the header read timeout is 1 s",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_kept_alive_connection_is_closed() {
    let address = serve(app(limits())).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let (seen, closed) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    assert!(closed, "an idle connection was still open after 10 s");
}

/// A callback request's head over the socket, with the CSRF token or not,
/// declaring `length` bytes of body.
fn callback_head(length: usize, csrf: bool) -> String {
    let token = if csrf {
        format!("Cookie: _csrf_token={CSRF_TOKEN}\r\nX-CSRFToken: {CSRF_TOKEN}\r\n")
    } else {
        String::new()
    };
    format!(
        "POST /_dash-update-component HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n{token}\r\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trickled_body_is_answered_408() {
    let address = serve(app(limits())).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(callback_head(1000, true).as_bytes())
        .await
        .unwrap();
    stream.write_all(b"{\"output\": ").await.unwrap();
    let (seen, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(seen.starts_with("HTTP/1.1 408"), "{seen}");
    assert!(seen.contains("body_timeout"), "{seen}");
    assert!(seen.contains("did not arrive within 1s"), "{seen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_csrf_check_and_the_declared_length_come_before_the_body() {
    let mut limits = limits();
    limits.body_read_timeout = Duration::from_secs(30);
    let address = serve(app(limits)).await;
    // No token: refused on the headers, though no byte of the body came.
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(callback_head(1_000_000, false).as_bytes())
        .await
        .unwrap();
    let started = Instant::now();
    let (seen, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(seen.starts_with("HTTP/1.1 403"), "{seen}");
    assert!(seen.contains("X-CSRFToken header is missing"), "{seen}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // A declared length over the limit: 413 at once.
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(callback_head(3 * 1024 * 1024, true).as_bytes())
        .await
        .unwrap();
    let (seen, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(seen.starts_with("HTTP/1.1 413"), "{seen}");
    assert!(
        seen.contains("larger than the limit of 2097152 bytes"),
        "{seen}"
    );
}

#[tokio::test]
async fn the_default_body_limit_is_2_mib() {
    let app = app(Limits::default());
    let client = TestClient::new(&app);
    let padding = "x".repeat(2 * 1024 * 1024 + 1);
    let body = json!({"output": "out.children", "outputs": {"id": "out", "property": "children"},
        "inputs": [{"id": "ms", "property": "children", "value": 1}], "padding": padding});
    let request = http::Request::builder()
        .method("POST")
        .uri("/_dash-update-component")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let answer = client.send(request).await;
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["error"], "body_too_large");
}

#[tokio::test]
async fn a_callback_past_its_timeout_is_stopped_with_504() {
    let app = app(limits());
    let client = TestClient::new(&app);
    let ok = client.call(&nap_call(10)).await;
    assert_eq!(ok.json()["response"]["out"]["children"], "slept 10 ms");
    let started = Instant::now();
    let slow = client.call(&nap_call(30_000)).await;
    assert_eq!(slow.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(slow.json()["error"], "callback_timeout");
    assert!(
        slow.json()["message"]
            .as_str()
            .unwrap()
            .contains("callback `nap` did not finish within 1s"),
        "{}",
        slow.text()
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_past_the_cap_get_503_at_once_and_health_still_answers() {
    let mut limits = limits();
    limits.callback_timeout = Duration::from_secs(30);
    limits.max_concurrent_requests = 1;
    let app = app(limits);
    let client = TestClient::new(&app);
    let slow = tokio::spawn({
        let client = client.clone();
        async move { client.call(&nap_call(1500)).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = client.call(&nap_call(1)).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.json()["error"], "busy");
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(client.get("/health").await.status(), StatusCode::OK);
    assert_eq!(
        slow.await.unwrap().json()["response"]["out"]["children"],
        "slept 1500 ms"
    );
    // The permit came back.
    assert_eq!(client.call(&nap_call(1)).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn stopping_lets_the_requests_under_way_finish_and_takes_no_new_ones() {
    let mut limits = limits();
    limits.callback_timeout = Duration::from_secs(30);
    limits.shutdown_grace = Duration::from_secs(10);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app(limits).serve_until(listener, async {
        let _ = stopped.await;
    }));
    // A request that takes 1.5 s, under way when the stop comes.
    let body = nap_call(1500).body().to_string();
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(format!("{}{body}", callback_head(body.len(), true)).as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = stop.send(());
    tokio::time::sleep(Duration::from_millis(200)).await;
    // No new connection is served.
    let refused = match TcpStream::connect(address).await {
        Err(_) => true,
        Ok(mut late) => {
            let _ = late
                .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .await;
            let (seen, _) = read_until_closed(&mut late, Duration::from_secs(3)).await;
            seen.is_empty()
        }
    };
    assert!(refused, "a connection made after the stop was served");
    // The request under way finishes with its answer.
    let (seen, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    assert!(seen.contains("slept 1500 ms"), "{seen}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once its requests are done")
        .unwrap()
        .unwrap();
}
