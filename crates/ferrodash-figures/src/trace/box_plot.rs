//! `box` traces.

use serde::{Serialize, Serializer};

use super::{Color, Common, Marker, Orientation};
use crate::attrs::Extra;
use crate::data_array::DataArray;

/// Which sample points are drawn beside a box (`boxpoints`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BoxPoints {
    /// Every point.
    All,
    /// Points beyond the whiskers (plotly.js's default).
    Outliers,
    /// Outliers, with suspected outliers highlighted.
    SuspectedOutliers,
    /// No points.
    None,
}

impl Serialize for BoxPoints {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => s.serialize_str("all"),
            Self::Outliers => s.serialize_str("outliers"),
            Self::SuspectedOutliers => s.serialize_str("suspectedoutliers"),
            Self::None => s.serialize_bool(false),
        }
    }
}

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
    boxpoints: Option<BoxPoints>,
    #[serde(skip_serializing_if = "Option::is_none")]
    boxmean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notched: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    orientation: Option<Orientation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offsetgroup: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<Marker>,
}

/// A `box` trace: plotly.js computes quartiles from the raw values, one
/// box per distinct x (or per trace without x).
///
/// ```
/// use ferrodash_figures::trace::{BoxPlot, BoxPoints};
///
/// let t = BoxPlot::new()
///     .x(vec!["a", "a", "b"])
///     .y(vec![1.0, 2.0, 3.0])
///     .boxpoints(BoxPoints::All);
/// # let _ = t;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BoxPlot {
    f: Fields,
    extra: Extra,
}

serialize_with_extra!(BoxPlot);

impl Default for BoxPlot {
    fn default() -> Self {
        Self::new()
    }
}

impl BoxPlot {
    empty_trace!("box");

    common_methods!();

    setter!(
        /// The categories (vertical boxes) or values (horizontal boxes).
        x(x: impl Into<DataArray>)
    );
    setter!(
        /// The values (vertical boxes) or categories (horizontal boxes).
        y(y: impl Into<DataArray>)
    );
    setter!(
        /// Which sample points are drawn.
        boxpoints(points: BoxPoints)
    );
    setter!(
        /// Whether the mean is marked.
        boxmean(mean: bool)
    );
    setter!(
        /// Whether boxes are notched around the median.
        notched(notched: bool)
    );
    setter!(
        /// Vertical (the default) or horizontal boxes.
        orientation(orientation: Orientation)
    );
    setter!(
        /// Boxes with the same offset group share a slot in grouped mode.
        offsetgroup(group: impl Into<String>)
    );
    setter!(
        /// The marker (points and fill colour).
        marker(marker: Marker)
    );

    /// Shorthand for a box of one colour.
    #[must_use]
    pub fn marker_color(mut self, color: impl Into<Color>) -> Self {
        self.f.marker = Some(self.f.marker.take().unwrap_or_default().color(color));
        self
    }
}
