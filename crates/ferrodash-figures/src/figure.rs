//! [`Figure`]: what dcc.Graph's `figure` prop takes.

use ferrodash_core::IntoPropValue;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::data_array::{ArrayEncoding, EncodingScope};
use crate::layout::Layout;
use crate::trace::Trace;

/// A Plotly figure: traces and a layout.
///
/// Serializes to exactly `{"data": […], "layout": {…}}` (no `config`
/// key; dcc.Graph takes the config as a separate prop). Numeric arrays
/// are plotly.js typed arrays unless [`Figure::array_encoding`] says
/// otherwise. A callback can return a `Figure` for a `figure` output.
///
/// ```
/// use ferrodash_figures::{Figure, Layout, trace::Bar};
///
/// let fig = Figure::new()
///     .trace(Bar::new().x(vec!["a", "b"]).y(vec![1, 2]))
///     .layout(Layout::new().title("Two bars"));
/// let json = fig.to_value();
/// assert_eq!(json["data"][0]["type"], "bar");
/// assert_eq!(json["layout"]["title"]["text"], "Two bars");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figure {
    /// The traces, drawn in order.
    pub data: Vec<Trace>,
    /// The layout.
    pub layout: Layout,
    encoding: ArrayEncoding,
}

impl Figure {
    /// An empty figure.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The figure with a trace appended.
    #[must_use]
    pub fn trace(mut self, trace: impl Into<Trace>) -> Self {
        self.data.push(trace.into());
        self
    }

    /// Appends a trace.
    pub fn add_trace(&mut self, trace: impl Into<Trace>) {
        self.data.push(trace.into());
    }

    /// The figure with another layout.
    #[must_use]
    pub fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// How numeric arrays are written: typed arrays (the default) or JSON
    /// lists (for debugging, or to compare the two).
    #[must_use]
    pub const fn array_encoding(mut self, encoding: ArrayEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The array encoding in use.
    #[must_use]
    pub const fn encoding(&self) -> ArrayEncoding {
        self.encoding
    }

    /// Sets an attribute by dotted path on every trace, like Plotly's
    /// `update_traces`.
    #[must_use]
    pub fn update_traces(mut self, path: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        for trace in &mut self.data {
            trace.set(path, value.clone());
        }
        self
    }

    /// Sets a layout attribute by dotted path, like Plotly's `update_layout`.
    #[must_use]
    pub fn update_layout(mut self, path: &str, value: impl Into<Value>) -> Self {
        self.layout.set_in_place(path, value);
        self
    }

    /// The figure as JSON.
    #[must_use]
    pub fn to_value(&self) -> Value {
        // Serializing plain data into a `Value` cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The figure as JSON text.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let _scope = EncodingScope::enter(self.encoding);
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("data", &self.data)?;
        map.serialize_entry("layout", &self.layout)?;
        map.end()
    }
}

impl IntoPropValue for Figure {
    fn into_prop_value(self) -> Value {
        self.to_value()
    }
}

impl From<Figure> for Value {
    /// The figure's JSON, as a component builder's `figure(..)` takes it.
    fn from(figure: Figure) -> Self {
        figure.to_value()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::trace::Scatter;

    #[test]
    fn exactly_data_and_layout() {
        let v = Figure::new().to_value();
        assert_eq!(v, json!({"data": [], "layout": {}}));
    }

    #[test]
    fn encoding_switch() {
        let fig = Figure::new().trace(Scatter::new().y(vec![1.5, 2.0]));
        assert_eq!(fig.to_value()["data"][0]["y"]["dtype"], "f4");
        let fig = fig.array_encoding(ArrayEncoding::Json);
        assert_eq!(fig.to_value()["data"][0]["y"], json!([1.5, 2]));
    }

    #[test]
    fn into_prop_value_and_updates() {
        let fig = Figure::new()
            .trace(Scatter::new().name("a"))
            .trace(Scatter::new().name("b"))
            .update_traces("marker.size", 4)
            .update_layout("title.text", "T");
        let v = fig.into_prop_value();
        assert_eq!(v["data"][1]["marker"]["size"], 4);
        assert_eq!(v["layout"]["title"]["text"], "T");
    }
}
