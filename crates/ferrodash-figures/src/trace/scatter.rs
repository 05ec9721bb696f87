//! `scatter` and `scattergl` traces: points and lines.

use serde::Serialize;

use super::{Common, Line, Marker};
use crate::attrs::Extra;
use crate::data_array::DataArray;

/// What a scatter trace draws (`mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Mode {
    /// `"lines"`.
    #[serde(rename = "lines")]
    Lines,
    /// `"markers"`.
    #[serde(rename = "markers")]
    Markers,
    /// `"lines+markers"`.
    #[serde(rename = "lines+markers")]
    LinesMarkers,
    /// `"text"`.
    #[serde(rename = "text")]
    Text,
    /// `"markers+text"`.
    #[serde(rename = "markers+text")]
    MarkersText,
    /// `"lines+markers+text"`.
    #[serde(rename = "lines+markers+text")]
    LinesMarkersText,
    /// `"none"`: draw nothing (a fill only, say).
    #[serde(rename = "none")]
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Fields {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    common: Common,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<Mode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<Marker>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<Line>,
    #[serde(skip_serializing_if = "Option::is_none")]
    textposition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fill: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connectgaps: Option<bool>,
}

/// A `scatter` trace (SVG), or `scattergl` (WebGL, for many points) after
/// [`Scatter::webgl`].
///
/// ```
/// use ferrodash_figures::trace::{Mode, Scatter};
///
/// let t = Scatter::new()
///     .x(vec![1, 2, 3])
///     .y(vec![2.5, 3.5, 1.0])
///     .mode(Mode::LinesMarkers)
///     .name("series")
///     .set("line.width", 3);
/// assert_eq!(t.kind(), "scatter");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    f: Fields,
    extra: Extra,
}

serialize_with_extra!(Scatter);

impl Default for Scatter {
    fn default() -> Self {
        Self::new()
    }
}

impl Scatter {
    /// An empty `scatter` trace.
    #[must_use]
    pub fn new() -> Self {
        Self {
            f: Fields {
                kind: "scatter",
                common: Common::default(),
                x: None,
                y: None,
                mode: None,
                marker: None,
                line: None,
                textposition: None,
                fill: None,
                connectgaps: None,
            },
            extra: Extra::default(),
        }
    }

    common_methods!();

    /// `"scatter"` or `"scattergl"`.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        self.f.kind
    }

    /// Draw with WebGL (`scattergl`) when `on`, else SVG (`scatter`).
    #[must_use]
    pub const fn webgl(mut self, on: bool) -> Self {
        self.f.kind = if on { "scattergl" } else { "scatter" };
        self
    }

    /// The x values.
    #[must_use]
    pub fn x(mut self, x: impl Into<DataArray>) -> Self {
        self.f.x = Some(x.into());
        self
    }

    /// The y values.
    #[must_use]
    pub fn y(mut self, y: impl Into<DataArray>) -> Self {
        self.f.y = Some(y.into());
        self
    }

    /// The x values, if set.
    #[must_use]
    pub const fn x_values(&self) -> Option<&DataArray> {
        self.f.x.as_ref()
    }

    /// The y values, if set.
    #[must_use]
    pub const fn y_values(&self) -> Option<&DataArray> {
        self.f.y.as_ref()
    }

    /// Lines, markers, text or a combination.
    #[must_use]
    pub const fn mode(mut self, mode: Mode) -> Self {
        self.f.mode = Some(mode);
        self
    }

    /// The marker style.
    #[must_use]
    pub fn marker(mut self, marker: Marker) -> Self {
        self.f.marker = Some(marker);
        self
    }

    /// Shorthand for a marker of one colour.
    #[must_use]
    pub fn marker_color(mut self, color: impl Into<super::Color>) -> Self {
        self.f.marker = Some(self.f.marker.take().unwrap_or_default().color(color));
        self
    }

    /// The line style.
    #[must_use]
    pub fn line(mut self, line: Line) -> Self {
        self.f.line = Some(line);
        self
    }

    /// Where text labels sit, e.g. `"top center"`.
    #[must_use]
    pub fn textposition(mut self, position: impl Into<String>) -> Self {
        self.f.textposition = Some(position.into());
        self
    }

    /// Area fill, e.g. `"tozeroy"`, `"tonexty"`.
    #[must_use]
    pub fn fill(mut self, fill: impl Into<String>) -> Self {
        self.f.fill = Some(fill.into());
        self
    }

    /// Whether lines bridge missing values.
    #[must_use]
    pub const fn connectgaps(mut self, connect: bool) -> Self {
        self.f.connectgaps = Some(connect);
        self
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn serializes_typed_and_extra_attributes() {
        let t = Scatter::new()
            .x(vec!["a", "b"])
            .y(vec![1, 2])
            .mode(Mode::LinesMarkers)
            .marker_color("red")
            .webgl(true)
            .set("marker.line.width", 2);
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["type"], "scattergl");
        assert_eq!(v["x"], json!(["a", "b"]));
        assert_eq!(v["y"]["dtype"], "i1");
        assert_eq!(v["mode"], "lines+markers");
        assert_eq!(v["marker"], json!({"color": "red", "line": {"width": 2}}));
        assert!(v.get("name").is_none());
    }
}
