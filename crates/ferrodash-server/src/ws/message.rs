//! The JSON messages of `_dash-ws-callback` (docs/websocket.md §5): what the
//! browser's worker sends, read from untrusted text, and what the server
//! sends back.

use ferrodash_core::wire::json_kind as kind;
use serde_json::{Map, Value};

/// A message from the browser.
#[derive(Debug, PartialEq)]
pub(super) enum Incoming {
    /// Run a callback: the payload is the HTTP request body.
    Callback {
        renderer_id: String,
        request_id: String,
        payload: Value,
    },
    /// The page's answer to a `get_props_request`.
    Props {
        request_id: String,
        payload: Map<String, Value>,
    },
    /// The worker checks the connection; answer at once.
    Heartbeat,
    /// A type this server does not know: ignored.
    Other(String),
}

/// A string field of a message.
fn text(message: &mut Map<String, Value>, field: &str) -> Result<String, String> {
    match message.remove(field) {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 200 => Ok(s),
        Some(Value::String(_)) => Err(format!("`{field}` must have 1 to 200 characters")),
        Some(other) => Err(format!("`{field}` must be a string, not {}", kind(&other))),
        None => Err(format!("`{field}` is missing")),
    }
}

/// Reads one message, naming what is wrong with it.
pub(super) fn parse(frame: &str) -> Result<Incoming, String> {
    let value: Value =
        serde_json::from_str(frame).map_err(|e| format!("the message is not valid JSON: {e}"))?;
    let Value::Object(mut message) = value else {
        return Err(format!(
            "a message must be a JSON object, not {}",
            kind(&value)
        ));
    };
    let kind_name = text(&mut message, "type")?;
    match kind_name.as_str() {
        "heartbeat" => Ok(Incoming::Heartbeat),
        "callback_request" => Ok(Incoming::Callback {
            renderer_id: text(&mut message, "rendererId")?,
            request_id: text(&mut message, "requestId")?,
            payload: message
                .remove("payload")
                .ok_or("`payload` is missing: it is the callback request")?,
        }),
        "get_props_response" => Ok(Incoming::Props {
            request_id: text(&mut message, "requestId")?,
            payload: match message.remove("payload") {
                Some(Value::Object(props)) => props,
                Some(other) => {
                    return Err(format!(
                        "`payload` must be an object of props, not {}",
                        kind(&other)
                    ));
                }
                None => Map::new(),
            },
        }),
        _ => Ok(Incoming::Other(kind_name)),
    }
}

/// How a callback request ended.
#[derive(Debug)]
pub(super) enum Status {
    /// The HTTP answer's JSON body (`multi`, `response`, `sideUpdate`).
    Updated(Vec<u8>),
    /// Nothing changes.
    PreventUpdate,
    /// A failure or refusal, shown in the dev tools.
    Error(String),
}

/// A JSON string literal.
fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// `callback_response` for `request_id` of `renderer_id`.
pub(super) fn callback_response(renderer_id: &str, request_id: &str, status: Status) -> String {
    let payload = match status {
        Status::Updated(body) => {
            // Our own encoder wrote the body: valid JSON, spliced in as is.
            format!(
                r#"{{"status":"ok","data":{}}}"#,
                String::from_utf8_lossy(&body)
            )
        }
        Status::PreventUpdate => r#"{"status":"prevent_update"}"#.to_owned(),
        Status::Error(message) => format!(r#"{{"status":"error","message":{}}}"#, quoted(&message)),
    };
    format!(
        r#"{{"type":"callback_response","rendererId":{},"requestId":{},"payload":{payload}}}"#,
        quoted(renderer_id),
        quoted(request_id)
    )
}

/// `set_props` of one component, streamed to `renderer_id`.
pub(super) fn set_props(
    renderer_id: &str,
    component_id: &str,
    props: Map<String, Value>,
) -> String {
    let mut payload = Map::new();
    payload.insert("componentId".into(), Value::String(component_id.to_owned()));
    payload.insert("props".into(), Value::Object(props));
    let mut message = Map::new();
    message.insert("type".into(), Value::from("set_props"));
    message.insert("rendererId".into(), Value::from(renderer_id));
    message.insert("payload".into(), Value::Object(payload));
    Value::Object(message).to_string()
}

/// `get_props_request`: the page's current values of `properties`.
pub(super) fn get_props_request(
    renderer_id: &str,
    request_id: &str,
    component_id: &str,
    properties: &[&str],
) -> String {
    serde_json::json!({
        "type": "get_props_request",
        "rendererId": renderer_id,
        "requestId": request_id,
        "payload": {"componentId": component_id, "properties": properties},
    })
    .to_string()
}

/// The answer to a heartbeat.
pub(super) const HEARTBEAT_ACK: &str = r#"{"type":"heartbeat_ack"}"#;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn messages_are_read_and_bad_ones_named() {
        assert_eq!(parse(r#"{"type":"heartbeat"}"#), Ok(Incoming::Heartbeat));
        assert_eq!(
            parse(
                r#"{"type":"callback_request","rendererId":"r","requestId":"r-1","payload":{"output":"a.b"}}"#
            ),
            Ok(Incoming::Callback {
                renderer_id: "r".into(),
                request_id: "r-1".into(),
                payload: json!({"output": "a.b"})
            })
        );
        assert_eq!(
            parse(
                r#"{"type":"get_props_response","rendererId":"r","requestId":"q","payload":{"value":3}}"#
            ),
            Ok(Incoming::Props {
                request_id: "q".into(),
                payload: json!({"value": 3}).as_object().cloned().unwrap()
            })
        );
        assert_eq!(
            parse(r#"{"type":"hello"}"#),
            Ok(Incoming::Other("hello".into()))
        );
        for (frame, problem) in [
            ("nope", "not valid JSON"),
            ("[1]", "must be a JSON object, not a list"),
            ("{}", "`type` is missing"),
            (r#"{"type":7}"#, "`type` must be a string, not a number"),
            (
                r#"{"type":"callback_request","rendererId":"r"}"#,
                "`requestId` is missing",
            ),
            (
                r#"{"type":"callback_request","rendererId":"r","requestId":"x"}"#,
                "`payload` is missing",
            ),
            (
                r#"{"type":"get_props_response","requestId":"q","payload":[]}"#,
                "must be an object of props",
            ),
        ] {
            let error = parse(frame).unwrap_err();
            assert!(error.contains(problem), "{frame}: {error}");
        }
        let long = format!(
            r#"{{"type":"callback_request","rendererId":"{}","requestId":"x","payload":{{}}}}"#,
            "r".repeat(201)
        );
        assert!(parse(&long).unwrap_err().contains("1 to 200 characters"));
    }

    #[test]
    fn answers_are_json_with_the_ids_echoed() {
        let ok: Value = serde_json::from_str(&callback_response(
            "r\"1",
            "r-2",
            Status::Updated(br#"{"multi":true,"response":{"a":{"b":1}}}"#.to_vec()),
        ))
        .unwrap();
        assert_eq!(
            ok,
            json!({"type": "callback_response", "rendererId": "r\"1", "requestId": "r-2",
                   "payload": {"status": "ok", "data": {"multi": true, "response": {"a": {"b": 1}}}}})
        );
        let error: Value = serde_json::from_str(&callback_response(
            "r",
            "q",
            Status::Error("bad \"x\"".into()),
        ))
        .unwrap();
        assert_eq!(
            error["payload"],
            json!({"status": "error", "message": "bad \"x\""})
        );
        let prevent: Value =
            serde_json::from_str(&callback_response("r", "q", Status::PreventUpdate)).unwrap();
        assert_eq!(prevent["payload"], json!({"status": "prevent_update"}));
        let props: Value = serde_json::from_str(&set_props(
            "r",
            r#"{"i":1}"#,
            json!({"children": "5"}).as_object().cloned().unwrap(),
        ))
        .unwrap();
        assert_eq!(
            props,
            json!({"type": "set_props", "rendererId": "r",
                   "payload": {"componentId": "{\"i\":1}", "props": {"children": "5"}}})
        );
    }
}
