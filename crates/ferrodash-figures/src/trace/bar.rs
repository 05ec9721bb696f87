//! `bar` traces.

use serde::Serialize;

use super::{Color, Common, Marker, Orientation};
use crate::attrs::Extra;
use crate::data_array::DataArray;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
    orientation: Option<Orientation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<Marker>,
    #[serde(skip_serializing_if = "Option::is_none")]
    textposition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    texttemplate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offsetgroup: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<f64>,
}

/// A `bar` trace.
///
/// ```
/// use ferrodash_figures::trace::{Bar, Orientation};
///
/// let t = Bar::new()
///     .x(vec![120.0, 80.0])
///     .y(vec!["North", "South"])
///     .orientation(Orientation::Horizontal)
///     .marker_color("#2563eb");
/// # let _ = t;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    f: Fields,
    extra: Extra,
}

serialize_with_extra!(Bar);

impl Default for Bar {
    fn default() -> Self {
        Self::new()
    }
}

impl Bar {
    empty_trace!("bar");

    common_methods!();

    setter!(
        /// The x values (categories, or lengths when horizontal).
        x(x: impl Into<DataArray>)
    );
    setter!(
        /// The y values (lengths, or categories when horizontal).
        y(y: impl Into<DataArray>)
    );
    setter!(
        /// Vertical (the default) or horizontal bars.
        orientation(orientation: Orientation)
    );
    setter!(
        /// The marker (fill and outline).
        marker(marker: Marker)
    );
    setter!(
        /// Where bar text sits: `"inside"`, `"outside"`, `"auto"`, `"none"`.
        textposition(position: impl Into<String>)
    );
    setter!(
        /// A template for bar text, e.g. `"%{y:,.0f}"`.
        texttemplate(template: impl Into<String>)
    );
    setter!(
        /// Bars with the same offset group share a slot in grouped mode.
        offsetgroup(group: impl Into<String>)
    );
    setter!(
        /// Bar width in axis units.
        width(width: f64)
    );

    /// Shorthand for bars of one colour (or one colour per bar).
    #[must_use]
    pub fn marker_color(mut self, color: impl Into<Color>) -> Self {
        self.f.marker = Some(self.f.marker.take().unwrap_or_default().color(color));
        self
    }
}
