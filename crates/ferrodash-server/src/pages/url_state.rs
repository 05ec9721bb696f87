//! Shareable views: component props bound to query parameters, so the
//! address always holds the view and opening it brings the view back.
//!
//! Values travel as text when they are text that does not read as JSON,
//! and as JSON otherwise (numbers, lists, booleans, and text such as `"12"`
//! that would read as a number): every value comes back as exactly what it
//! was.

use ferrodash_core::{ComponentId, Node, PropValue};
use serde_json::Value;

/// One prop bound to a query parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlBinding {
    /// The component's (string) id.
    pub(crate) id: String,
    /// The bound prop.
    pub(crate) prop: String,
    /// The query parameter's name: see [`name_keys`].
    pub(crate) key: String,
}

/// Names each binding's query parameter: the component's id, or `id.prop`
/// when several props of one component are bound (each needs its own).
pub(crate) fn name_keys(bindings: &mut [UrlBinding]) {
    let ids: Vec<String> = bindings.iter().map(|b| b.id.clone()).collect();
    for binding in bindings.iter_mut() {
        let shared = ids.iter().filter(|id| **id == binding.id).count() > 1;
        binding.key = if shared {
            format!("{}.{}", binding.id, binding.prop)
        } else {
            binding.id.clone()
        };
    }
}

/// A query value read back: JSON when it is JSON, else the text itself.
pub(crate) fn decode(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// Sets each bound prop found in `query` on its component in `layout`.
pub(crate) fn restore(layout: &mut Node, bindings: &[UrlBinding], query: &[(String, String)]) {
    for binding in bindings {
        let Some((_, text)) = query.iter().rev().find(|(k, _)| *k == binding.key) else {
            continue;
        };
        let value = decode(text);
        let id = ComponentId::from(binding.id.as_str());
        layout.walk_mut(&mut |component| {
            if component.get_id() == Some(&id) {
                component.set_in_place(binding.prop.clone(), PropValue::Json(value.clone()));
            }
        });
    }
}

/// The clientside function that writes the bound props into the address,
/// replacing the current history entry (no reload, no new entry per key
/// press); arguments come in the order of `bindings`.
pub(crate) fn clientside_source(bindings: &[UrlBinding]) -> String {
    let keys = serde_json::to_string(&bindings.iter().map(|b| &b.key).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".to_owned());
    format!(
        "function (...values) {{\n  \
           const keys = {keys};\n  \
           const params = new URLSearchParams(window.location.search);\n  \
           keys.forEach((key, i) => {{\n    \
             const v = values[i];\n    \
             if (v === undefined || v === null || v === '') {{ params.delete(key); return; }}\n    \
             let text = typeof v === 'string' ? v : JSON.stringify(v);\n    \
             if (typeof v === 'string') {{ try {{ JSON.parse(v); text = JSON.stringify(v); }} catch (e) {{}} }}\n    \
             params.set(key, text);\n  \
           }});\n  \
           const query = params.toString();\n  \
           const url = window.location.pathname + (query ? '?' + query : '') + window.location.hash;\n  \
           window.history.replaceState(window.history.state, '', url);\n  \
           return window.dash_clientside.no_update;\n\
         }}"
    )
}

#[cfg(test)]
mod tests {
    use ferrodash_components::{dcc, html};
    use ferrodash_core::Node;
    use serde_json::json;

    use super::{UrlBinding, decode, name_keys, restore};

    fn binding(id: &str, prop: &str) -> UrlBinding {
        UrlBinding {
            id: id.into(),
            prop: prop.into(),
            key: id.into(),
        }
    }

    #[test]
    fn two_props_of_one_component_get_a_parameter_each() {
        let mut layout: Node = dcc::date_picker_range("days").into();
        let mut bindings = [
            binding("days", "start_date"),
            binding("days", "end_date"),
            binding("region", "value"),
        ];
        name_keys(&mut bindings);
        let keys: Vec<&str> = bindings.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, ["days.start_date", "days.end_date", "region"]);
        let query = [
            ("days.start_date".to_owned(), "2026-01-01".to_owned()),
            ("days.end_date".to_owned(), "2026-02-01".to_owned()),
        ];
        restore(&mut layout, &bindings, &query);
        let text = serde_json::to_string(&layout).unwrap();
        assert!(text.contains(r#""start_date":"2026-01-01""#), "{text}");
        assert!(text.contains(r#""end_date":"2026-02-01""#), "{text}");
    }

    #[test]
    fn values_come_back_as_they_were() {
        assert_eq!(decode("Europe"), json!("Europe"));
        assert_eq!(decode("[2,4]"), json!([2, 4]));
        assert_eq!(decode("12"), json!(12));
        assert_eq!(decode("\"12\""), json!("12"));
        assert_eq!(decode("true"), json!(true));
        assert_eq!(decode("{\"a\":1}"), json!({"a": 1}));
        assert_eq!(decode(""), json!(""));
    }

    #[test]
    fn bound_props_are_set_from_the_query() {
        let mut layout: Node = html::div((
            dcc::dropdown("region").value("All"),
            html::div(dcc::range_slider("months").value(json!([0, 11]))),
            dcc::input("search"),
        ))
        .into();
        let bindings = [
            binding("region", "value"),
            binding("months", "value"),
            binding("search", "value"),
        ];
        let query = [
            ("region".to_owned(), "Europe".to_owned()),
            ("months".to_owned(), "[2,4]".to_owned()),
            ("other".to_owned(), "x".to_owned()),
        ];
        restore(&mut layout, &bindings, &query);
        let text = serde_json::to_string(&layout).unwrap();
        assert!(text.contains(r#""id":"region","value":"Europe""#), "{text}");
        assert!(text.contains(r#""value":[2,4]"#), "{text}");
        assert!(
            !text.contains("search\",\"value"),
            "unbound in the query: untouched"
        );
    }
}
