//! Dash's `Patch` (partial prop updates, dash-protocol §6.5), as
//! ferrodash-core builds and serializes it. The renderer applies patches in
//! the browser; the server only builds them, so that is what is fuzzed.
//!
//! The input is JSON in the wire form: a patch
//! `{"__dash_patch_update": …, "operations": [...]}` or just its list of
//! operations, each `{"operation", "location", "params"}`. Every operation
//! the builder can express is built with `Patch`'s methods (unknown names,
//! and locations that are not strings and 64-bit integers, are skipped).
//!
//! Invariant: the patch serializes to exactly the operations built (name,
//! location, params, in order) under the patch marker; as a prop value it
//! is the same JSON; and in a callback answer (`UpdateResponse`) it reads
//! back unchanged under its output.
#![no_main]

use ferrodash_core::wire::UpdateResponse;
use ferrodash_core::{ComponentId, IntoPropValue, Location, PATCH_MARKER, Patch, PathSegment};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let operations = match &input {
        Value::Array(operations) => operations.as_slice(),
        Value::Object(patch) => match patch.get("operations") {
            Some(Value::Array(operations)) => operations.as_slice(),
            _ => return,
        },
        _ => return,
    };

    let mut patch = Patch::new();
    let mut expected = Vec::new();
    for operation in operations.iter().take(64) {
        let Some(name) = operation["operation"].as_str() else {
            continue;
        };
        let segments = match &operation["location"] {
            Value::Null => Some(Vec::new()),
            Value::Array(steps) => steps.iter().map(segment).collect(),
            _ => None,
        };
        let Some(segments) = segments else {
            continue;
        };
        let location_json: Vec<Value> = segments
            .iter()
            .map(|s| match s {
                PathSegment::Key(k) => Value::String(k.clone()),
                PathSegment::Index(i) => Value::from(*i),
            })
            .collect();
        let location = Location(segments);
        let value = operation["params"]["value"].clone();
        let mut params = Map::new();
        patch = match name {
            "Delete" => patch.delete(location),
            "Clear" => patch.clear(location),
            "Reverse" => patch.reverse(location),
            "Insert" => {
                let Some(index) = operation["params"]["index"].as_i64() else {
                    continue;
                };
                params.insert("value".into(), value.clone());
                params.insert("index".into(), index.into());
                patch.insert(location, index, value)
            }
            _ => {
                let with_value: fn(Patch, Location, Value) -> Patch = match name {
                    "Assign" => Patch::assign,
                    "Merge" => Patch::merge,
                    "Extend" => Patch::extend,
                    "Append" => Patch::append,
                    "Prepend" => Patch::prepend,
                    "Add" => Patch::add,
                    "Sub" => Patch::sub,
                    "Mul" => Patch::mul,
                    "Div" => Patch::div,
                    "Remove" => Patch::remove,
                    _ => continue,
                };
                params.insert("value".into(), value.clone());
                with_value(patch, location, value)
            }
        };
        expected.push(json!({"operation": name, "location": location_json, "params": params}));
    }
    assert_eq!(patch.len(), expected.len());
    assert_eq!(patch.is_empty(), expected.is_empty());

    let wire = serde_json::to_value(&patch).expect("a patch serializes");
    assert_eq!(
        wire,
        json!({(PATCH_MARKER): PATCH_MARKER, "operations": expected}),
        "the patch does not serialize to its operations"
    );
    let text = serde_json::to_string(&patch).expect("a patch serializes");
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("a serialized patch is JSON"),
        wire
    );
    assert_eq!(patch.clone().into_prop_value(), wire);

    let id = ComponentId::dict([("kind", "graph".into()), ("index", 3.into())]);
    let mut response = UpdateResponse::new();
    response.set_output(&id, "figure@0123abcd", patch.into_prop_value());
    let answer: Value = serde_json::from_slice(&response.to_bytes()).expect("an answer is JSON");
    assert_eq!(answer["multi"], true);
    assert_eq!(answer["response"][id.stringify()]["figure"], wire);
});

/// A location step: a key, or an index that fits an `i64`.
fn segment(step: &Value) -> Option<PathSegment> {
    match step {
        Value::String(key) => Some(PathSegment::Key(key.clone())),
        Value::Number(n) => n.as_i64().map(PathSegment::Index),
        _ => None,
    }
}
