//! The JSON bodies of `POST _dash-update-component`: decoding the renderer's
//! request, which is untrusted, and encoding the answer (dash-protocol §6).

use std::fmt;

use serde_json::{Map, Value};

use crate::id::ComponentId;

/// A prop of a concrete component, as resolved by the renderer.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedProp {
    /// The concrete id.
    pub id: ComponentId,
    /// The property, possibly with an `@hash` suffix for outputs.
    pub property: String,
}

/// An Input or State with its current value in the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct DepValue {
    /// The concrete id.
    pub id: ComponentId,
    /// The property.
    pub property: String,
    /// The value; `None` when the browser has no value (`undefined`).
    pub value: Option<Value>,
}

/// One declared dependency as the renderer resolved it: a single prop, or a
/// list of props for ALL / ALLSMALLER wildcards.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<T> {
    /// A single prop.
    One(T),
    /// Several props (wildcard dependencies), in layout order.
    Many(Vec<T>),
}

/// A decoded callback request.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRequest {
    /// The callback's output string, its dispatch key.
    pub output: String,
    /// The resolved outputs: `None` for no-output callbacks; one entry per
    /// declared output for multi-output callbacks, else a single entry.
    pub outputs: Option<Outputs>,
    /// One entry per declared Input.
    pub inputs: Vec<Resolved<DepValue>>,
    /// One entry per declared State.
    pub state: Vec<Resolved<DepValue>>,
    /// `<id>.<prop>` of the inputs that triggered this run; empty on page load.
    pub changed_prop_ids: Vec<String>,
}

/// The `outputs` field of a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outputs {
    /// A single object: the output of a single-output callback.
    Object(ResolvedProp),
    /// A list: one entry per output of a multi-output callback, or the
    /// matches of a single output with an ALL wildcard.
    List(Vec<Resolved<ResolvedProp>>),
}

/// What is wrong with a request body, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// Where the problem is, like `inputs[1].id`; empty for the whole body.
    pub path: String,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "`{}`: {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for WireError {}

fn err(path: impl Into<String>, problem: impl Into<String>) -> WireError {
    WireError {
        path: path.into(),
        problem: problem.into(),
    }
}

/// What kind of JSON value `value` is, for messages: `a string`, `null`,
/// `a list`...
#[must_use]
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl UpdateRequest {
    /// Decodes a request body. serde_json's nesting limit bounds the depth.
    pub fn from_slice(body: &[u8]) -> Result<Self, WireError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| err("", format!("the body is not valid JSON: {e}")))?;
        Self::from_value(value)
    }

    /// Decodes a request already parsed as JSON.
    pub fn from_value(value: Value) -> Result<Self, WireError> {
        let Value::Object(mut body) = value else {
            return Err(err(
                "",
                format!("the body must be a JSON object, not {}", json_kind(&value)),
            ));
        };
        let output = match body.remove("output") {
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(err(
                    "output",
                    format!("must be a string, not {}", json_kind(&other)),
                ));
            }
            None => return Err(err("output", "is missing: it names the callback to run")),
        };
        let outputs = match body.remove("outputs") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(Outputs::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| resolved(v, &format!("outputs[{i}]"), resolved_prop))
                    .collect::<Result<_, _>>()?,
            )),
            Some(Value::Object(map)) => Some(Outputs::Object(resolved_prop(map, "outputs")?)),
            Some(other) => {
                return Err(err(
                    "outputs",
                    format!("must be an object or a list, not {}", json_kind(&other)),
                ));
            }
        };
        let inputs = dep_list(body.remove("inputs"), "inputs", true)?;
        let state = dep_list(body.remove("state"), "state", false)?;
        let changed_prop_ids = match body.remove("changedPropIds") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(s),
                    other => Err(err(
                        format!("changedPropIds[{i}]"),
                        format!("must be a string, not {}", json_kind(&other)),
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(err(
                    "changedPropIds",
                    format!("must be a list, not {}", json_kind(&other)),
                ));
            }
        };
        Ok(Self {
            output,
            outputs,
            inputs,
            state,
            changed_prop_ids,
        })
    }
}

fn dep_list(
    value: Option<Value>,
    field: &str,
    required: bool,
) -> Result<Vec<Resolved<DepValue>>, WireError> {
    match value {
        None if required => Err(err(field, "is missing")),
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| resolved(v, &format!("{field}[{i}]"), dep_value))
            .collect(),
        Some(other) => Err(err(
            field,
            format!("must be a list, not {}", json_kind(&other)),
        )),
    }
}

fn resolved<T>(
    value: Value,
    path: &str,
    one: fn(Map<String, Value>, &str) -> Result<T, WireError>,
) -> Result<Resolved<T>, WireError> {
    match value {
        Value::Object(map) => Ok(Resolved::One(one(map, path)?)),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(map) => one(map, &format!("{path}[{i}]")),
                other => Err(err(
                    format!("{path}[{i}]"),
                    format!("must be an object, not {}", json_kind(&other)),
                )),
            })
            .collect::<Result<_, _>>()
            .map(Resolved::Many),
        other => Err(err(
            path,
            format!("must be an object or a list, not {}", json_kind(&other)),
        )),
    }
}

fn id_and_property(
    map: &mut Map<String, Value>,
    path: &str,
) -> Result<(ComponentId, String), WireError> {
    let id = match map.remove("id") {
        None => return Err(err(format!("{path}.id"), "is missing")),
        Some(v @ (Value::String(_) | Value::Object(_))) => serde_json::from_value::<ComponentId>(v)
            .map_err(|e| {
                err(
                    format!("{path}.id"),
                    format!("is not a valid component id: {e}"),
                )
            })?,
        Some(other) => {
            return Err(err(
                format!("{path}.id"),
                format!("must be a string or an object, not {}", json_kind(&other)),
            ));
        }
    };
    if id.has_wildcard() {
        return Err(err(
            format!("{path}.id"),
            "must be a concrete id, not a wildcard pattern",
        ));
    }
    let property = match map.remove("property") {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(err(
                format!("{path}.property"),
                format!("must be a string, not {}", json_kind(&other)),
            ));
        }
        None => return Err(err(format!("{path}.property"), "is missing")),
    };
    Ok((id, property))
}

fn resolved_prop(mut map: Map<String, Value>, path: &str) -> Result<ResolvedProp, WireError> {
    let (id, property) = id_and_property(&mut map, path)?;
    Ok(ResolvedProp { id, property })
}

fn dep_value(mut map: Map<String, Value>, path: &str) -> Result<DepValue, WireError> {
    let (id, property) = id_and_property(&mut map, path)?;
    Ok(DepValue {
        id,
        property,
        value: map.remove("value"),
    })
}

/// The answer to a callback request (dash-protocol §6.3).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateResponse {
    response: Map<String, Value>,
    side_update: Map<String, Value>,
}

impl UpdateResponse {
    /// An empty answer: `{"multi":true,"response":{}}`.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets an output value. `property` may carry an `@hash` suffix, which is
    /// stripped; several props of one component share one key.
    pub fn set_output(&mut self, id: &ComponentId, property: &str, value: Value) {
        let clean = property.split('@').next().unwrap_or(property);
        let entry = self
            .response
            .entry(id.stringify())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(props) = entry {
            props.insert(clean.to_owned(), value);
        }
    }

    /// Adds a side update (`set_props`), shallow-merged with earlier ones for
    /// the same id.
    pub fn set_props(&mut self, id_key: String, props: Map<String, Value>) {
        let entry = self
            .side_update
            .entry(id_key)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(existing) = entry {
            existing.extend(props);
        }
    }

    /// Whether neither outputs nor side updates were set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.response.is_empty() && self.side_update.is_empty()
    }

    /// The response body.
    #[must_use]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.body()).unwrap_or(Value::Null)
    }

    /// The response body as bytes, written without copying the values.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.body()).unwrap_or_default()
    }

    fn body(&self) -> Body<'_> {
        Body {
            multi: true,
            side_update: (!self.side_update.is_empty()).then_some(&self.side_update),
            response: &self.response,
        }
    }
}

/// The answer's shape on the wire, borrowing the values.
#[derive(serde::Serialize)]
struct Body<'a> {
    multi: bool,
    #[serde(rename = "sideUpdate", skip_serializing_if = "Option::is_none")]
    side_update: Option<&'a Map<String, Value>>,
    response: &'a Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_a_multi_output_request() {
        let body = json!({"output":"..total.children...total.style..",
            "outputs":[{"id":"total","property":"children"},{"id":"total","property":"style"}],
            "inputs":[{"id":"qty","property":"value","value":3}],
            "changedPropIds":["qty.value"],"parsedChangedPropsIds":["qty.value"],
            "state":[{"id":"price","property":"value","value":9.5}]});
        let req = UpdateRequest::from_value(body).unwrap();
        assert_eq!(req.output, "..total.children...total.style..");
        assert!(matches!(&req.outputs, Some(Outputs::List(v)) if v.len() == 2));
        assert_eq!(req.changed_prop_ids, ["qty.value"]);
        let Resolved::One(state) = &req.state[0] else {
            panic!()
        };
        assert_eq!(state.value, Some(json!(9.5)));
    }

    #[test]
    fn decodes_wildcard_lists_and_missing_values() {
        let body = json!({"output":"x.children","outputs":{"id":{"kind":"cell","row":2},"property":"children"},
            "inputs":[[{"id":{"k":"b","i":0},"property":"n_clicks"},{"id":{"k":"b","i":1},"property":"n_clicks","value":4}]]});
        let req = UpdateRequest::from_value(body).unwrap();
        let Resolved::Many(list) = &req.inputs[0] else {
            panic!()
        };
        assert_eq!(list[0].value, None);
        assert_eq!(list[1].value, Some(json!(4)));
        assert!(req.state.is_empty());
    }

    #[test]
    fn names_the_bad_field() {
        let cases = [
            (json!([]), "the body must be a JSON object, not a list"),
            (
                json!({"inputs": []}),
                "`output`: is missing: it names the callback to run",
            ),
            (
                json!({"output": 3, "inputs": []}),
                "`output`: must be a string, not a number",
            ),
            (json!({"output": "a.b"}), "`inputs`: is missing"),
            (
                json!({"output": "a.b", "inputs": [3]}),
                "`inputs[0]`: must be an object or a list, not a number",
            ),
            (
                json!({"output": "a.b", "inputs": [{"property": "v"}]}),
                "`inputs[0].id`: is missing",
            ),
            (
                json!({"output": "a.b", "inputs": [{"id": [1], "property": "v"}]}),
                "`inputs[0].id`: must be a string or an object, not a list",
            ),
            (
                json!({"output": "a.b", "inputs": [{"id": {"a": {"b": 1}}, "property": "v"}]}),
                "`inputs[0].id`: is not a valid component id",
            ),
            (
                json!({"output": "a.b", "inputs": [{"id": {"a": ["ALL"]}, "property": "v"}]}),
                "`inputs[0].id`: must be a concrete id",
            ),
            (
                json!({"output": "a.b", "inputs": [{"id": "x", "property": 1}]}),
                "`inputs[0].property`: must be a string, not a number",
            ),
            (
                json!({"output": "a.b", "inputs": [], "changedPropIds": "x"}),
                "`changedPropIds`: must be a list, not a string",
            ),
            (
                json!({"output": "a.b", "inputs": [], "outputs": 1}),
                "`outputs`: must be an object or a list, not a number",
            ),
        ];
        for (body, expected) in cases {
            let e = UpdateRequest::from_value(body.clone())
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(expected),
                "{body}: got {e:?}, expected {expected:?}"
            );
        }
        let e = UpdateRequest::from_slice(b"\xff\x00garbage")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("the body is not valid JSON"), "{e}");
        let deep = "[".repeat(10_000);
        let e = UpdateRequest::from_slice(deep.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("recursion limit"), "{e}");
    }

    #[test]
    fn encodes_responses_like_dash() {
        let mut r = UpdateResponse::new();
        assert_eq!(r.to_json(), json!({"multi": true, "response": {}}));
        r.set_output(&"total".into(), "children", json!("28.5"));
        r.set_output(&"total".into(), "style@abc", json!({"fontWeight": "bold"}));
        let mut p = Map::new();
        p.insert("style".into(), json!({"color": "red"}));
        r.set_props("qty".into(), p);
        assert_eq!(
            serde_json::to_string(&r.to_json()).unwrap(),
            r#"{"multi":true,"sideUpdate":{"qty":{"style":{"color":"red"}}},"response":{"total":{"children":"28.5","style":{"fontWeight":"bold"}}}}"#
        );
    }
}
