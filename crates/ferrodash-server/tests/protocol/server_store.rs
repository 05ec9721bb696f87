//! Server-side stores: the page's dcc.Store holds a key, the data stays on
//! the server, and a later callback reads it back typed.

use std::time::Duration;

use axum::body::Body;
use ferrodash_cache::{MemoCache, Scope, ServerStore, StoreKey};
use ferrodash_components::{dcc, html};
use ferrodash_core::CallbackError;
use ferrodash_server::{App, Callback, Input, Store};
use ferrodash_testing::client::{CallbackCall, TestClient};
use http::{Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Sale {
    region: String,
    amount: f64,
}

const ROWS: usize = 50_000;

async fn load(
    Input(region): Input<String>,
    store: Store,
) -> Result<StoreKey<Vec<Sale>>, CallbackError> {
    let rows: Vec<Sale> = (0..ROWS)
        .map(|i| Sale {
            region: region.clone(),
            amount: (i % 100) as f64,
        })
        .collect();
    Ok(store.put(&rows).await?)
}

async fn total(
    Input(key): Input<StoreKey<Vec<Sale>>>,
    store: Store,
) -> Result<String, CallbackError> {
    let rows = store.get(&key).await?;
    let sum: f64 = rows.iter().map(|r| r.amount).sum();
    Ok(format!("{} rows of {}: {sum}", rows.len(), rows[0].region))
}

fn app(store: Option<ServerStore>) -> App {
    let mut builder = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input("region").value("north"),
            dcc::store("rows"),
            html::div(()).id("total"),
        )))
        // The user is whoever the header names (a stand-in for a login).
        .cache_scope(|headers| {
            headers
                .get("x-user")
                .and_then(|v| v.to_str().ok())
                .map_or(Scope::Public, Scope::user)
        })
        .callback(
            Callback::new(load)
                .output("rows", "data")
                .input("region", "value"),
        )
        .callback(
            Callback::new(total)
                .output("total", "children")
                .input("rows", "data"),
        );
    if let Some(store) = store {
        builder = builder.with_state(store);
    }
    builder.build().unwrap()
}

fn load_call() -> CallbackCall {
    CallbackCall::new()
        .output("rows", "data")
        .input("region", "value", json!("north"))
}

fn total_call(key: &Value) -> CallbackCall {
    CallbackCall::new()
        .output("total", "children")
        .input("rows", "data", key.clone())
}

async fn call_as(client: &TestClient, user: &str, call: &CallbackCall) -> (u16, Value) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(client.url("_dash-update-component"))
        .header("content-type", "application/json")
        .header("x-user", user)
        .body(Body::from(call.body().to_string()))
        .unwrap();
    let answer = client.send(request).await;
    let status = answer.status();
    let body = if answer.text().is_empty() {
        Value::Null
    } else {
        answer.json()
    };
    (status.as_u16(), body)
}

#[tokio::test]
async fn only_the_key_travels_and_the_data_comes_back_typed() {
    let client = TestClient::new(&app(None));
    let (status, answer) = call_as(&client, "ada", &load_call()).await;
    assert_eq!(status, 200, "{answer}");
    let key = answer["response"]["rows"]["data"].clone();
    let token = key.as_str().expect("the store holds a string key");
    assert!(token.starts_with("fds1-"), "{token}");
    // 50,000 rows stayed on the server: the whole answer is a few dozen bytes.
    assert!(answer.to_string().len() < 200, "{answer}");

    let (status, answer) = call_as(&client, "ada", &total_call(&key)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["response"]["total"]["children"],
        json!(format!("{ROWS} rows of north: {}", 49.5 * ROWS as f64))
    );
}

#[tokio::test]
async fn another_users_key_reads_nothing() {
    let client = TestClient::new(&app(None));
    let (_, answer) = call_as(&client, "ada", &load_call()).await;
    let key = answer["response"]["rows"]["data"].clone();
    let (status, answer) = call_as(&client, "bob", &total_call(&key)).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"], "invalid_argument");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("server-side store key"), "{message}");
    assert!(message.contains("no data"), "{message}");
}

#[tokio::test]
async fn malformed_unknown_and_expired_keys_are_clear_4xx() {
    let store = ServerStore::new(MemoCache::in_memory()).with_ttl(Duration::from_secs(1));
    let client = TestClient::new(&app(Some(store)));

    // Not a key at all: refused when the input is read.
    for garbage in [
        json!("../../etc/passwd"),
        json!(42),
        json!({"a": 1}),
        json!(null),
    ] {
        let (status, answer) = call_as(&client, "ada", &total_call(&garbage)).await;
        assert_eq!(status, 422, "{garbage}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains("rows.data"), "{message}");
    }

    // Well formed, but nothing was ever stored under it.
    let unknown = json!("fds1-0123456789abcdef0123456789abcdef-99999999999");
    let (status, answer) = call_as(&client, "ada", &total_call(&unknown)).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("no data"));

    // Stored, then expired.
    let (_, answer) = call_as(&client, "ada", &load_call()).await;
    let key = answer["response"]["rows"]["data"].clone();
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, answer) = call_as(&client, "ada", &total_call(&key)).await;
    assert_eq!(status, 422, "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("expired"), "{message}");
}
