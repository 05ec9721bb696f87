//! The baseline for `run.sh`: a bare axum handler that parses a callback
//! request and echoes `inputs[0].value` in the JSON a ferrodash callback
//! returns, with none of ferrodash's checks.
//!
//! Run with `cargo run --release -p ferrodash-benches --bin bench-bare-axum -- PORT`;
//! it serves on `127.0.0.1:PORT` until killed.

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// Parses the body and answers `{"multi":true,"response":{"out":{"children":<value>}}}`.
async fn update_component(body: Bytes) -> Response {
    let mut request: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    // Moved out rather than cloned, and looked up without `Value::pointer`
    // (which splits and unescapes the path): the baseline does the least work.
    let value = request
        .get_mut("inputs")
        .and_then(|inputs| inputs.get_mut(0))
        .and_then(|input| input.get_mut("value"))
        .map_or(Value::Null, Value::take);
    let answer = json!({"multi": true, "response": {"out": {"children": value}}});
    match serde_json::to_vec(&answer) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = ferrodash_benches::loopback_addr_from_args()?;
    let router = Router::new().route("/_dash-update-component", post(update_component));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router).await?;
    Ok(())
}
