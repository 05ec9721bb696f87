//! JSON-RPC 2.0 as MCP uses it: one message per POST, read from untrusted
//! JSON, and the answers.

use serde_json::{Map, Value, json};

/// Error codes.
pub(crate) const PARSE_ERROR: i64 = -32700;
pub(crate) const INVALID_REQUEST: i64 = -32600;
pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
pub(crate) const INVALID_PARAMS: i64 = -32602;
pub(crate) const INTERNAL_ERROR: i64 = -32603;
/// MCP's "resource not found".
pub(crate) const RESOURCE_NOT_FOUND: i64 = -32002;
/// Ours: too many requests for now.
pub(crate) const RATE_LIMITED: i64 = -32000;

/// A message from the client.
#[derive(Debug, PartialEq)]
pub(crate) enum Message {
    /// A request: answered with a result or an error.
    Request {
        id: Value,
        method: String,
        params: Map<String, Value>,
    },
    /// A notification (or a response to us): accepted, not answered.
    Notification,
}

/// An error answer's code and message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RpcError {
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl RpcError {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }
}

/// Reads one message; the error names what is wrong.
pub(crate) fn parse(body: &[u8]) -> Result<Message, RpcError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| RpcError::new(PARSE_ERROR, format!("the body is not valid JSON: {e}")))?;
    let Value::Object(mut message) = value else {
        return Err(RpcError::new(
            INVALID_REQUEST,
            "a message is one JSON-RPC object (batches are not part of this protocol version)",
        ));
    };
    if message.get("jsonrpc") != Some(&Value::from("2.0")) {
        return Err(RpcError::new(INVALID_REQUEST, "`jsonrpc` must be \"2.0\""));
    }
    let id = message.remove("id");
    let Some(method) = message.remove("method") else {
        // A response to a request of ours: we send none, so nothing to do.
        return Ok(Message::Notification);
    };
    let Value::String(method) = method else {
        return Err(RpcError::new(INVALID_REQUEST, "`method` must be a string"));
    };
    let params = match message.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(params)) => params,
        Some(_) => return Err(RpcError::new(INVALID_REQUEST, "`params` must be an object")),
    };
    match id {
        None => Ok(Message::Notification),
        Some(id @ (Value::String(_) | Value::Number(_))) => {
            Ok(Message::Request { id, method, params })
        }
        Some(_) => Err(RpcError::new(
            INVALID_REQUEST,
            "`id` must be a string or a number",
        )),
    }
}

/// A result answer.
pub(crate) fn result(id: &Value, result: &Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

/// An error answer (`id` null when the request's could not be read).
pub(crate) fn error(id: Option<&Value>, error: &RpcError) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id.cloned().unwrap_or(Value::Null),
        "error": {"code": error.code, "message": error.message},
    })
}

/// A string parameter.
pub(crate) fn text_param<'p>(
    params: &'p Map<String, Value>,
    name: &str,
) -> Result<&'p str, RpcError> {
    match params.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(RpcError::invalid_params(format!(
            "`{name}` must be a string"
        ))),
        None => Err(RpcError::invalid_params(format!("`{name}` is missing"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_and_bad_ones_named() {
        assert_eq!(
            parse(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            Ok(Message::Request {
                id: json!(1),
                method: "ping".into(),
                params: Map::new()
            })
        );
        assert_eq!(
            parse(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            Ok(Message::Notification)
        );
        for (body, code, problem) in [
            (&b"{"[..], PARSE_ERROR, "not valid JSON"),
            (
                br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
                INVALID_REQUEST,
                "batches",
            ),
            (br#"{"id":1,"method":"ping"}"#, INVALID_REQUEST, "`jsonrpc`"),
            (
                br#"{"jsonrpc":"2.0","id":1,"method":7}"#,
                INVALID_REQUEST,
                "`method`",
            ),
            (
                br#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#,
                INVALID_REQUEST,
                "`id`",
            ),
            (
                br#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#,
                INVALID_REQUEST,
                "`params`",
            ),
        ] {
            let error = parse(body).unwrap_err();
            assert_eq!(error.code, code);
            assert!(error.message.contains(problem), "{}", error.message);
        }
    }
}
