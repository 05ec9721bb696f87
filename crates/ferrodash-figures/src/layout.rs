//! The figure's layout: title, axes, legend, margins, annotations, template.

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::attrs::Extra;
use crate::template::Template;

/// A title (`{"text": …}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Title {
    /// The text; Plotly accepts a little HTML (`<b>`, `<br>`).
    pub text: String,
}

impl<S: Into<String>> From<S> for Title {
    fn from(text: S) -> Self {
        Self { text: text.into() }
    }
}

/// An axis type (`type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum AxisType {
    /// `"-"`: plotly.js guesses from the data (the default).
    #[serde(rename = "-")]
    Auto,
    /// `"linear"`.
    #[serde(rename = "linear")]
    Linear,
    /// `"log"`.
    #[serde(rename = "log")]
    Log,
    /// `"date"`: values are dates (ISO 8601 text or milliseconds).
    #[serde(rename = "date")]
    Date,
    /// `"category"`: values are labels, even numeric ones.
    #[serde(rename = "category")]
    Category,
}

/// An x or y axis.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Axis {
    /// The axis title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    /// The axis type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub axis_type: Option<AxisType>,
    /// A d3-format (numbers) or d3-time-format (dates) string for tick labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tickformat: Option<String>,
    /// Text before each tick label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tickprefix: Option<String>,
    /// Text after each tick label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticksuffix: Option<String>,
    /// The visible range (numbers, or date text on date axes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[Value; 2]>,
    /// Whether grid lines are drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub showgrid: Option<bool>,
    /// How categories are ordered, e.g. `"total descending"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categoryorder: Option<String>,
    /// Whether the axis grows its margin to fit long labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automargin: Option<bool>,
}

impl Axis {
    /// An axis with Plotly's defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The axis title.
    #[must_use]
    pub fn title(mut self, title: impl Into<Title>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The axis type.
    #[must_use]
    pub const fn axis_type(mut self, axis_type: AxisType) -> Self {
        self.axis_type = Some(axis_type);
        self
    }

    /// Shorthand for a date axis.
    #[must_use]
    pub const fn date(self) -> Self {
        self.axis_type(AxisType::Date)
    }

    /// The tick label format.
    #[must_use]
    pub fn tickformat(mut self, format: impl Into<String>) -> Self {
        self.tickformat = Some(format.into());
        self
    }

    /// The visible range.
    #[must_use]
    pub fn range(mut self, from: impl Into<Value>, to: impl Into<Value>) -> Self {
        self.range = Some([from.into(), to.into()]);
        self
    }
}

/// Bar placement when several bar traces share a position (`barmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum BarMode {
    /// Side by side.
    Group,
    /// On top of each other.
    Stack,
    /// Stacked, negative values below the axis (Plotly Express's default).
    Relative,
    /// Drawn over each other.
    Overlay,
}

/// The legend.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Legend {
    /// The legend title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    /// `"v"` (the default) or `"h"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orientation: Option<String>,
    /// Horizontal position, in paper coordinates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    /// Vertical position, in paper coordinates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
    /// The legend's anchor for `x`: `"left"`, `"center"`, `"right"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xanchor: Option<String>,
    /// The legend's anchor for `y`: `"top"`, `"middle"`, `"bottom"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yanchor: Option<String>,
}

impl Legend {
    /// A legend with a title.
    #[must_use]
    pub fn titled(title: impl Into<Title>) -> Self {
        Self {
            title: Some(title.into()),
            ..Self::default()
        }
    }

    /// A horizontal legend above the plot.
    #[must_use]
    pub fn horizontal(mut self) -> Self {
        self.orientation = Some("h".to_owned());
        self.x = Some(0.0);
        self.y = Some(1.02);
        self.yanchor = Some("bottom".to_owned());
        self
    }
}

/// Margins around the plot area, in pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Margin {
    /// Left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l: Option<u32>,
    /// Right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r: Option<u32>,
    /// Top.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub t: Option<u32>,
    /// Bottom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<u32>,
}

impl Margin {
    /// The same margin on every side.
    #[must_use]
    pub const fn all(px: u32) -> Self {
        Self {
            l: Some(px),
            r: Some(px),
            t: Some(px),
            b: Some(px),
        }
    }

    /// Left, right, top and bottom margins.
    #[must_use]
    pub const fn new(l: u32, r: u32, t: u32, b: u32) -> Self {
        Self {
            l: Some(l),
            r: Some(r),
            t: Some(t),
            b: Some(b),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Font {
    size: f64,
}

/// A text annotation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Annotation {
    /// The text.
    pub text: String,
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
    /// What `x` is measured in: `"paper"` (0–1 across the plot) or `"x"`.
    pub xref: String,
    /// What `y` is measured in: `"paper"` or `"y"`.
    pub yref: String,
    /// Whether an arrow points at (`x`, `y`).
    pub showarrow: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    font: Option<Font>,
}

impl Annotation {
    /// Text at a position in paper coordinates (0–1 across the plot area),
    /// without an arrow.
    #[must_use]
    pub fn paper(text: impl Into<String>, x: f64, y: f64) -> Self {
        Self {
            text: text.into(),
            x,
            y,
            xref: "paper".to_owned(),
            yref: "paper".to_owned(),
            showarrow: false,
            font: None,
        }
    }

    /// Text at a data point, with an arrow.
    #[must_use]
    pub fn at(text: impl Into<String>, x: f64, y: f64) -> Self {
        Self {
            xref: "x".to_owned(),
            yref: "y".to_owned(),
            showarrow: true,
            ..Self::paper(text, x, y)
        }
    }

    /// The same annotation with another font size.
    #[must_use]
    pub const fn font_size(mut self, size: f64) -> Self {
        self.font = Some(Font { size });
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct Fields {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<Title>,
    #[serde(skip_serializing_if = "Option::is_none")]
    xaxis: Option<Axis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    yaxis: Option<Axis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    barmode: Option<BarMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    boxmode: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    showlegend: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legend: Option<Legend>,
    #[serde(skip_serializing_if = "Option::is_none")]
    margin: Option<Margin>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<Annotation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<Template>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uirevision: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hovermode: Option<String>,
}

/// A figure's layout.
///
/// ```
/// use ferrodash_figures::layout::{Axis, BarMode, Layout, Margin};
/// use ferrodash_figures::Template;
///
/// let layout = Layout::new()
///     .title("Sales")
///     .xaxis(Axis::new().title("Month").date())
///     .barmode(BarMode::Stack)
///     .margin(Margin::all(40))
///     .template(Template::Dark)
///     .uirevision("keep-zoom")
///     .set("font.family", "Inter, sans-serif");
/// # let _ = layout;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    f: Fields,
    extra: Extra,
}

impl Serialize for Layout {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.extra.serialize_over(&self.f, s)
    }
}

impl Layout {
    /// An empty layout (Plotly's defaults).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The figure title.
    #[must_use]
    pub fn title(mut self, title: impl Into<Title>) -> Self {
        self.f.title = Some(title.into());
        self
    }

    /// The x axis.
    #[must_use]
    pub fn xaxis(mut self, axis: Axis) -> Self {
        self.f.xaxis = Some(axis);
        self
    }

    /// The y axis.
    #[must_use]
    pub fn yaxis(mut self, axis: Axis) -> Self {
        self.f.yaxis = Some(axis);
        self
    }

    /// Shorthand: the x axis title.
    #[must_use]
    pub fn xaxis_title(mut self, title: impl Into<Title>) -> Self {
        self.f.xaxis = Some(self.f.xaxis.take().unwrap_or_default().title(title));
        self
    }

    /// Shorthand: the y axis title.
    #[must_use]
    pub fn yaxis_title(mut self, title: impl Into<Title>) -> Self {
        self.f.yaxis = Some(self.f.yaxis.take().unwrap_or_default().title(title));
        self
    }

    /// How bars sharing a position are placed.
    #[must_use]
    pub const fn barmode(mut self, mode: BarMode) -> Self {
        self.f.barmode = Some(mode);
        self
    }

    /// Boxes of different traces side by side (`boxmode: "group"`).
    #[must_use]
    pub const fn boxmode_group(mut self) -> Self {
        self.f.boxmode = Some("group");
        self
    }

    /// Whether the legend is shown.
    #[must_use]
    pub const fn showlegend(mut self, show: bool) -> Self {
        self.f.showlegend = Some(show);
        self
    }

    /// The legend.
    #[must_use]
    pub fn legend(mut self, legend: Legend) -> Self {
        self.f.legend = Some(legend);
        self
    }

    /// Margins around the plot area.
    #[must_use]
    pub const fn margin(mut self, margin: Margin) -> Self {
        self.f.margin = Some(margin);
        self
    }

    /// Adds an annotation.
    #[must_use]
    pub fn annotation(mut self, annotation: Annotation) -> Self {
        self.f.annotations.push(annotation);
        self
    }

    /// The template (colours and fonts).
    #[must_use]
    pub fn template(mut self, template: Template) -> Self {
        self.f.template = Some(template);
        self
    }

    /// Keeps the user's zoom, pan and legend choices across updates while
    /// this value stays the same.
    #[must_use]
    pub fn uirevision(mut self, revision: impl Into<Value>) -> Self {
        self.f.uirevision = Some(revision.into());
        self
    }

    /// The figure height in pixels.
    #[must_use]
    pub const fn height(mut self, px: u32) -> Self {
        self.f.height = Some(px);
        self
    }

    /// The figure width in pixels (by default it fills its container).
    #[must_use]
    pub const fn width(mut self, px: u32) -> Self {
        self.f.width = Some(px);
        self
    }

    /// The hover mode: `"closest"`, `"x"`, `"x unified"`, …
    #[must_use]
    pub fn hovermode(mut self, mode: impl Into<String>) -> Self {
        self.f.hovermode = Some(mode.into());
        self
    }

    /// Sets any layout attribute by dotted path, e.g.
    /// `("xaxis.rangeslider.visible", true)`; merged over the typed
    /// attributes when serialized.
    #[must_use]
    pub fn set(mut self, path: &str, value: impl Into<Value>) -> Self {
        self.extra.set(path, value.into());
        self
    }

    /// [`Layout::set`] in place.
    pub fn set_in_place(&mut self, path: &str, value: impl Into<Value>) {
        self.extra.set(path, value.into());
    }

    /// The annotations added so far.
    #[must_use]
    pub fn annotations(&self) -> &[Annotation] {
        &self.f.annotations
    }

    /// The bar mode, if set.
    #[must_use]
    pub const fn bar_mode(&self) -> Option<BarMode> {
        self.f.barmode
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn layout_json() {
        let layout = Layout::new()
            .title("T")
            .xaxis(Axis::new().title("Month").date())
            .yaxis_title("Revenue")
            .barmode(BarMode::Group)
            .legend(Legend::titled("Region"))
            .margin(Margin::new(10, 20, 30, 40))
            .annotation(Annotation::paper("hi", 0.5, 0.5).font_size(20.0))
            .uirevision(1)
            .height(300)
            .set("xaxis.rangeslider.visible", true);
        let v = serde_json::to_value(&layout).unwrap();
        assert_eq!(
            v,
            json!({
                "title": {"text": "T"},
                "xaxis": {"title": {"text": "Month"}, "type": "date", "rangeslider": {"visible": true}},
                "yaxis": {"title": {"text": "Revenue"}},
                "barmode": "group",
                "legend": {"title": {"text": "Region"}},
                "margin": {"l": 10, "r": 20, "t": 30, "b": 40},
                "annotations": [{"text": "hi", "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
                                 "showarrow": false, "font": {"size": 20.0}}],
                "uirevision": 1,
                "height": 300
            })
        );
    }
}
