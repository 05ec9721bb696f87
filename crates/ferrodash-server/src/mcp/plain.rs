//! Answers for agents: figures' typed arrays (`{"dtype", "bdata"}`, base64
//! that plotly.js reads fast) turned back into plain lists of numbers an
//! agent can read.

use serde_json::{Map, Value};

/// `value` with every typed array replaced by its numbers.
pub(crate) fn plain_arrays(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(plain_arrays).collect()),
        Value::Object(map) => match typed_array(&map) {
            Some(numbers) => numbers,
            None => Value::Object(map.into_iter().map(|(k, v)| (k, plain_arrays(v))).collect()),
        },
        other => other,
    }
}

/// The numbers of a typed array object; `None` for any other object.
fn typed_array(map: &Map<String, Value>) -> Option<Value> {
    let (Some(Value::String(dtype)), Some(Value::String(bdata))) =
        (map.get("dtype"), map.get("bdata"))
    else {
        return None;
    };
    let shape = map.get("shape");
    if map.len() > 2 + usize::from(shape.is_some()) {
        return None;
    }
    let numbers = ferrodash_figures::data_array::decode(dtype, bdata).ok()?;
    let as_json = |n: &f64| serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number);
    // A matrix (`shape` "rows,cols") becomes a list of rows.
    let columns = shape
        .and_then(Value::as_str)
        .and_then(|s| s.split_once(','))
        .and_then(|(_, c)| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0);
    Some(match columns {
        Some(columns) => Value::Array(
            numbers
                .chunks(columns)
                .map(|row| Value::Array(row.iter().map(as_json).collect()))
                .collect(),
        ),
        None => Value::Array(numbers.iter().map(as_json).collect()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn typed_arrays_become_numbers_and_the_rest_stays() {
        let (dtype, bdata) = ferrodash_figures::data_array::encode(&[1.0, 2.5, -3.0]);
        let figure = json!({
            "data": [{"type": "bar", "x": ["a", "b", "c"], "y": {"dtype": dtype.as_str(), "bdata": bdata}}],
            "layout": {"title": {"text": "t"}},
        });
        assert_eq!(
            plain_arrays(figure),
            json!({
                "data": [{"type": "bar", "x": ["a", "b", "c"], "y": [1.0, 2.5, -3.0]}],
                "layout": {"title": {"text": "t"}},
            })
        );
        // Not a typed array: kept as it is.
        let other = json!({"dtype": "f8", "bdata": "AAAA", "extra": 1});
        assert_eq!(plain_arrays(other.clone()), other);
        let (dtype, bdata) = ferrodash_figures::data_array::encode(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            plain_arrays(json!({"z": {"dtype": dtype.as_str(), "bdata": bdata, "shape": "2,2"}})),
            json!({"z": [[1.0, 2.0], [3.0, 4.0]]})
        );
    }
}
