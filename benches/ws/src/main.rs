//! A callback's round trip over the page's WebSocket against an HTTP POST.
//!
//! `bench-websocket serve PORT` serves an app with one echo callback, marked
//! `websocket`. `bench-websocket drive HOST:PORT TRIPS CONCURRENCY` runs
//! TRIPS round trips of that callback over HTTP (CONCURRENCY keep-alive
//! connections, as a browser keeps several) and then over one WebSocket
//! (CONCURRENCY requests in flight, as the renderer's shared socket carries
//! several), and prints the latencies of each and their ratios.
//! `benches/ws/run.sh` runs both.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrodash::prelude::*;
use ferrodash_benches::percentile;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

async fn echo(Input(text): Input<Option<String>>) -> String {
    text.unwrap_or_default()
}

fn app() -> Result<App, ferrodash::BuildErrors> {
    App::builder()
        .layout(html::div((dcc::input("text"), html::div(()).id("out"))))
        .callback(
            Callback::new(echo)
                .output("out", "children")
                .input("text", "value")
                .websocket(),
        )
        .build()
}

/// A well-formed double-submit token.
const CSRF: &str = "wsBenchToken0123456789abcdefghijklmnopqrstu";

fn body(n: usize) -> Value {
    json!({"output": "out.children", "outputs": {"id": "out", "property": "children"},
           "inputs": [{"id": "text", "property": "value", "value": format!("trip {n}")}],
           "changedPropIds": ["text.value"]})
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

async fn http_trip(client: &HttpClient, url: &str, n: usize) -> Result<Duration, String> {
    let request = hyper::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/json")
        .header("cookie", format!("_csrf_token={CSRF}"))
        .header("x-csrftoken", CSRF)
        .body(Full::new(Bytes::from(body(n).to_string())))
        .map_err(|e| e.to_string())?;
    let sent = Instant::now();
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let took = sent.elapsed();
    let answer: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let children = answer.pointer("/response/out/children");
    if !status.is_success() || children.and_then(Value::as_str) != Some(&*format!("trip {n}")) {
        return Err(format!("wrong answer {status}: {answer}"));
    }
    Ok(took)
}

async fn over_http(host: &str, trips: usize, concurrency: usize) -> Result<Vec<Duration>, String> {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let url = format!("http://{host}/_dash-update-component");
    let tasks: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for n in (worker..trips).step_by(concurrency) {
                    latencies.push(http_trip(&client, &url, n).await?);
                }
                Ok::<_, String>(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok(all)
}

type Waiting = Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>>;

async fn over_websocket(
    host: &str,
    trips: usize,
    concurrency: usize,
) -> Result<Vec<Duration>, String> {
    let mut request = format!("ws://{host}/_dash-ws-callback")
        .into_client_request()
        .map_err(|e| e.to_string())?;
    let headers = request.headers_mut();
    headers.insert(
        "origin",
        HeaderValue::from_str(&format!("http://{host}")).map_err(|e| e.to_string())?,
    );
    headers.insert(
        "cookie",
        HeaderValue::from_str(&format!("_csrf_token={CSRF}")).map_err(|e| e.to_string())?,
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sink, mut stream) = socket.split();
    let waiting: Waiting = Arc::default();
    let (outgoing, mut to_send) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(text) = to_send.recv().await {
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    let reader = {
        let waiting = waiting.clone();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                let Message::Text(text) = frame else { continue };
                let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                let messages = match value {
                    Value::Array(items) => items,
                    one => vec![one],
                };
                for message in messages {
                    let id = message
                        .get("requestId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    let waiter = waiting.lock().ok().and_then(|mut w| w.remove(&id));
                    if let Some(waiter) = waiter {
                        let _ = waiter.send(message);
                    }
                }
            }
        })
    };
    let tasks: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (waiting, outgoing) = (waiting.clone(), outgoing.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for n in (worker..trips).step_by(concurrency) {
                    let id = format!("bench-{n}");
                    let (done, answer) = oneshot::channel();
                    waiting
                        .lock()
                        .map_err(|e| e.to_string())?
                        .insert(id.clone(), done);
                    let message = json!({"type": "callback_request", "rendererId": "bench",
                                         "requestId": id, "payload": body(n)});
                    let sent = Instant::now();
                    outgoing
                        .send(message.to_string())
                        .map_err(|e| e.to_string())?;
                    let answer = answer.await.map_err(|e| e.to_string())?;
                    latencies.push(sent.elapsed());
                    let children = answer.pointer("/payload/data/response/out/children");
                    if children.and_then(Value::as_str) != Some(&*format!("trip {n}")) {
                        return Err(format!("wrong answer: {answer}"));
                    }
                }
                Ok::<_, String>(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.map_err(|e| e.to_string())??);
    }
    drop(outgoing);
    reader.abort();
    writer.abort();
    Ok(all)
}

/// One round's figures: p50, p99 (ms) and trips per second.
fn figures(mut latencies: Vec<Duration>, total: Duration) -> [f64; 3] {
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    #[allow(clippy::cast_precision_loss)]
    let rate = latencies.len() as f64 / total.as_secs_f64();
    [
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        rate,
    ]
}

/// The median of each figure over the rounds.
fn medians(rounds: &[[f64; 3]]) -> [f64; 3] {
    let mut out = [0.0; 3];
    for (i, slot) in out.iter_mut().enumerate() {
        let mut column: Vec<f64> = rounds.iter().filter_map(|r| r.get(i).copied()).collect();
        column.sort_by(f64::total_cmp);
        *slot = column.get(column.len() / 2).copied().unwrap_or(0.0);
    }
    out
}

/// Rounds of each transport, interleaved so both see the same machine.
const ROUNDS: usize = 7;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => {
            let port = args.get(2).map_or("18660", String::as_str);
            app()?.serve(format!("127.0.0.1:{port}")).await?;
        }
        Some("drive") => {
            let host = args.get(2).map_or("127.0.0.1:18660", String::as_str);
            let trips: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(20_000);
            let concurrency: usize = args.get(4).and_then(|c| c.parse().ok()).unwrap_or(1).max(1);
            let per_round = (trips / ROUNDS).max(1);
            println!(
                "--- {ROUNDS} rounds of {per_round} round trips each, {concurrency} at a time (medians of the rounds)"
            );
            // A warm-up of each, not counted.
            over_http(host, 200, concurrency).await?;
            over_websocket(host, 200, concurrency).await?;
            let (mut http, mut ws) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                let started = Instant::now();
                let trips = over_http(host, per_round, concurrency).await?;
                http.push(figures(trips, started.elapsed()));
                let started = Instant::now();
                let trips = over_websocket(host, per_round, concurrency).await?;
                ws.push(figures(trips, started.elapsed()));
            }
            let (http, ws) = (medians(&http), medians(&ws));
            for (name, [p50, p99, rate]) in [("HTTP", http), ("WebSocket", ws)] {
                println!("{name:<9}  p50 {p50:>7.3} ms  p99 {p99:>7.3} ms  {rate:>8.0} trips/s");
            }
            println!(
                "WebSocket / HTTP: p50 {:.2}, p99 {:.2}, throughput {:.2}",
                ws[0] / http[0],
                ws[1] / http[1],
                ws[2] / http[2]
            );
        }
        _ => {
            return Err(
                "usage: bench-websocket serve PORT | drive HOST:PORT TRIPS CONCURRENCY".into(),
            );
        }
    }
    Ok(())
}
