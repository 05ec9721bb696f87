//! Marker and line styles shared by several traces.

use serde::Serialize;

use crate::data_array::DataArray;

/// A colour attribute: one colour, one colour per point, or numbers mapped
/// through a colour scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Color {
    /// One CSS colour for every point.
    One(String),
    /// One CSS colour per point.
    Many(Vec<String>),
    /// Numbers mapped through the colour scale.
    Scale(DataArray),
}

impl From<&str> for Color {
    fn from(c: &str) -> Self {
        Self::One(c.to_owned())
    }
}
impl From<String> for Color {
    fn from(c: String) -> Self {
        Self::One(c)
    }
}
impl From<Vec<String>> for Color {
    fn from(c: Vec<String>) -> Self {
        Self::Many(c)
    }
}
impl From<Vec<&str>> for Color {
    fn from(c: Vec<&str>) -> Self {
        Self::Many(c.into_iter().map(str::to_owned).collect())
    }
}
impl From<DataArray> for Color {
    fn from(c: DataArray) -> Self {
        Self::Scale(c)
    }
}

/// A size attribute: one for all points or one per point.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Size {
    /// One size for every point.
    One(f64),
    /// One size per point.
    Many(DataArray),
}

/// The outline of markers, bars and sectors.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MarkerLine {
    /// Outline colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// Outline width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<f64>,
}

/// How points, bars or sectors are drawn (`marker`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Marker {
    /// Fill colour (bars, points).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// Sector colours (pie, treemap, sunburst).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colors: Option<Vec<String>>,
    /// Point size in pixels, one for all or one per point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// `"diameter"` or `"area"`: how sizes scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sizemode: Option<String>,
    /// Scale factor for per-point sizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sizeref: Option<f64>,
    /// Marker opacity, 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opacity: Option<f64>,
    /// Marker symbol, e.g. `"circle"`, `"square"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Colour scale name (e.g. `"Viridis"`) for numeric colours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colorscale: Option<String>,
    /// Whether a colour bar is shown for numeric colours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub showscale: Option<bool>,
    /// Outline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<MarkerLine>,
}

impl Marker {
    /// An empty marker (Plotly's defaults).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The fill colour.
    #[must_use]
    pub fn color(mut self, color: impl Into<Color>) -> Self {
        self.color = Some(color.into());
        self
    }

    /// Sector colours, in order.
    #[must_use]
    pub fn colors<S: Into<String>>(mut self, colors: impl IntoIterator<Item = S>) -> Self {
        self.colors = Some(colors.into_iter().map(Into::into).collect());
        self
    }

    /// One size for every point.
    #[must_use]
    pub fn size(mut self, size: f64) -> Self {
        self.size = Some(Size::One(size));
        self
    }

    /// One size per point.
    #[must_use]
    pub fn sizes(mut self, sizes: impl Into<DataArray>) -> Self {
        self.size = Some(Size::Many(sizes.into()));
        self
    }

    /// The marker opacity.
    #[must_use]
    pub const fn opacity(mut self, opacity: f64) -> Self {
        self.opacity = Some(opacity);
        self
    }

    /// The outline colour and width.
    #[must_use]
    pub fn line(mut self, color: impl Into<Color>, width: f64) -> Self {
        self.line = Some(MarkerLine {
            color: Some(color.into()),
            width: Some(width),
        });
        self
    }
}

/// How lines are drawn (`line`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Line {
    /// Line colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Line width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<f64>,
    /// `"solid"`, `"dot"`, `"dash"`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dash: Option<String>,
    /// `"linear"`, `"spline"`, `"hv"`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
}

impl Line {
    /// A line of `color` (Plotly's default width).
    #[must_use]
    pub fn color(color: impl Into<String>) -> Self {
        Self {
            color: Some(color.into()),
            ..Self::default()
        }
    }

    /// The same line with another width.
    #[must_use]
    pub const fn width(mut self, width: f64) -> Self {
        self.width = Some(width);
        self
    }

    /// The same line with a dash style (`"dot"`, `"dash"`, …).
    #[must_use]
    pub fn dash(mut self, dash: impl Into<String>) -> Self {
        self.dash = Some(dash.into());
        self
    }
}
