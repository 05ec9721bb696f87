//! Integration tests of ferrodash-figures: the JSON each chart sends to
//! dcc.Graph, typed-array round trips and errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

mod charts;
mod encoding;
mod errors;
mod hierarchy;

use ferrodash_figures::data_array::decode;
use ferrodash_figures::{ArrayEncoding, Figure};
use serde_json::{Map, Value, json};

/// A number as the JSON encoding writes it: whole numbers without a
/// fraction, `NaN` as `null`.
fn number(v: f64) -> Value {
    if v.is_finite() && v.trunc() == v && v.abs() <= 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        return json!(v as i64);
    }
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// `value` with every typed array decoded back to a JSON list (of lists
/// for a matrix), as plotly.js would see it.
fn decode_all(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.contains_key("dtype") && map.contains_key("bdata") => {
            let values = decode(
                map["dtype"].as_str().unwrap(),
                map["bdata"].as_str().unwrap(),
            )
            .expect("valid typed array");
            match map.get("shape").and_then(Value::as_str) {
                None => Value::Array(values.into_iter().map(number).collect()),
                Some(shape) => {
                    let (rows, cols) = shape.split_once(',').unwrap();
                    let (rows, cols): (usize, usize) =
                        (rows.parse().unwrap(), cols.parse().unwrap());
                    assert_eq!(rows * cols, values.len());
                    Value::Array(
                        values
                            .chunks(cols.max(1))
                            .map(|r| Value::Array(r.iter().copied().map(number).collect()))
                            .collect(),
                    )
                }
            }
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), decode_all(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(decode_all).collect()),
        other => other.clone(),
    }
}

/// The figure's JSON with plain lists, checked to equal the typed-array
/// JSON once that is decoded.
fn plain(fig: &Figure) -> Value {
    let typed = fig.clone().array_encoding(ArrayEncoding::Typed).to_value();
    let json = fig.clone().array_encoding(ArrayEncoding::Json).to_value();
    assert_eq!(
        decode_all(&typed),
        json,
        "typed arrays decode to the JSON lists"
    );
    json
}

/// The numbers of a JSON list.
fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// The strings of a JSON list.
fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap_or("<null>").to_owned())
        .collect()
}
