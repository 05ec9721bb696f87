//! Parameter values: any `serde::Serialize` struct or map, turned into
//! scalars (and lists of scalars) to bind.

use serde::Serialize;
use serde_json::Value;

/// One value to bind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

/// A parameter's value: a scalar, or a list of scalars that expands to one
/// placeholder per element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ParamValue {
    Scalar(Scalar),
    List(Vec<Scalar>),
}

/// Named parameter values, in the order given.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Params {
    entries: Vec<(String, ParamValue)>,
}

impl Params {
    /// Values from a struct or map; `()`, `None` and unit structs give none.
    pub(crate) fn from_serialize<P: Serialize + ?Sized>(values: &P) -> Result<Self, String> {
        let value = serde_json::to_value(values)
            .map_err(|e| format!("parameter values could not be serialized: {e}"))?;
        let fields = match value {
            Value::Null => return Ok(Self::default()),
            Value::Object(fields) => fields,
            other => {
                return Err(format!(
                    "parameter values must be a struct or a map of names to values, found {}",
                    kind(&other)
                ));
            }
        };
        let mut entries = Vec::with_capacity(fields.len());
        for (name, value) in fields {
            let param = match value {
                Value::Array(items) => ParamValue::List(
                    items
                        .into_iter()
                        .map(|item| scalar(&name, item, true))
                        .collect::<Result<_, _>>()?,
                ),
                other => ParamValue::Scalar(scalar(&name, other, false)?),
            };
            entries.push((name, param));
        }
        Ok(Self { entries })
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub(crate) fn get(&self, name: &str) -> Option<&ParamValue> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }
}

fn scalar(name: &str, value: Value, in_list: bool) -> Result<Scalar, String> {
    Ok(match value {
        Value::Null => Scalar::Null,
        Value::Bool(b) => Scalar::Bool(b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Scalar::Int(i)
            } else if n.is_u64() {
                return Err(format!(
                    "parameter `{name}`: {n} does not fit a signed 64-bit integer"
                ));
            } else {
                Scalar::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Scalar::Text(s),
        other => {
            let place = if in_list { "a list element" } else { "a value" };
            return Err(format!(
                "parameter `{name}`: {place} must be null, a boolean, a number or a string \
                 (a list of these is allowed for `IN (:{name})`), found {}",
                kind(&other)
            ));
        }
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::{ParamValue, Params, Scalar};

    #[test]
    fn structs_maps_and_lists() {
        let p = Params::from_serialize(&json!({"a": 1, "b": [1, 2], "c": null, "d": "x"})).unwrap();
        assert_eq!(p.get("a"), Some(&ParamValue::Scalar(Scalar::Int(1))));
        assert_eq!(
            p.get("b"),
            Some(&ParamValue::List(vec![Scalar::Int(1), Scalar::Int(2)]))
        );
        assert_eq!(p.get("c"), Some(&ParamValue::Scalar(Scalar::Null)));
        let empty = Params::from_serialize(&()).unwrap();
        assert_eq!(empty.names().count(), 0);
        let map: BTreeMap<&str, f64> = [("x", 1.5)].into();
        assert_eq!(
            Params::from_serialize(&map).unwrap().get("x"),
            Some(&ParamValue::Scalar(Scalar::Float(1.5)))
        );
    }

    #[test]
    fn nested_values_are_refused() {
        let e = Params::from_serialize(&json!({"a": {"b": 1}})).unwrap_err();
        assert!(
            e.contains("parameter `a`") && e.contains("an object"),
            "{e}"
        );
        let e = Params::from_serialize(&json!({"a": [[1]]})).unwrap_err();
        assert!(e.contains("list element") && e.contains("a list"), "{e}");
        let e = Params::from_serialize(&json!([1, 2])).unwrap_err();
        assert!(e.contains("struct or a map"), "{e}");
        let e = Params::from_serialize(&json!({"big": u64::MAX})).unwrap_err();
        assert!(e.contains("big"), "{e}");
    }
}
