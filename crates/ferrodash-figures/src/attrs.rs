//! The escape hatch: any attribute set by dotted path, merged over the
//! typed attributes when a trace or layout is serialized.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// Attributes set by dotted path (`"marker.line.width"`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Extra(Map<String, Value>);

impl Extra {
    /// Sets `path` to `value`, creating the objects on the way; an object
    /// value merges with what the path already holds.
    pub(crate) fn set(&mut self, path: &str, value: Value) {
        let mut overlay = value;
        for key in path.rsplit('.') {
            let mut map = Map::new();
            map.insert(key.to_owned(), overlay);
            overlay = Value::Object(map);
        }
        if let Value::Object(overlay) = overlay {
            merge_map(&mut self.0, overlay);
        }
    }

    /// Serializes `base` with these attributes merged over it.
    pub(crate) fn serialize_over<T: Serialize, S: Serializer>(
        &self,
        base: &T,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            return base.serialize(s);
        }
        let mut value = serde_json::to_value(base).map_err(serde::ser::Error::custom)?;
        merge(&mut value, Value::Object(self.0.clone()));
        value.serialize(s)
    }
}

/// Merges `overlay` into `base`: objects key by key, anything else replaces.
pub(crate) fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => merge_map(base, overlay),
        (base, overlay) => *base = overlay,
    }
}

fn merge_map(base: &mut Map<String, Value>, overlay: Map<String, Value>) {
    for (key, value) in overlay {
        match base.get_mut(&key) {
            Some(existing) => merge(existing, value),
            None => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dotted_paths_nest_and_merge() {
        let mut extra = Extra::default();
        extra.set("marker.line.width", json!(2));
        extra.set("marker.line.color", json!("red"));
        extra.set("marker", json!({"opacity": 0.5}));
        extra.set("name", json!("a"));
        let base = json!({"marker": {"color": "blue", "line": {"width": 1}}, "x": [1]});
        let out = serde_json::to_value(Wrapper(&extra, &base)).unwrap();
        assert_eq!(
            out,
            json!({
                "marker": {"color": "blue", "line": {"width": 2, "color": "red"}, "opacity": 0.5},
                "x": [1],
                "name": "a"
            })
        );
    }

    struct Wrapper<'a>(&'a Extra, &'a Value);
    impl Serialize for Wrapper<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.0.serialize_over(self.1, s)
        }
    }
}
