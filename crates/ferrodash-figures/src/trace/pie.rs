//! `pie` traces (donuts have a hole).

use serde::Serialize;

use super::{Common, Marker};
use crate::attrs::Extra;
use crate::data_array::DataArray;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct Fields {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    common: Common,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hole: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    textinfo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    textposition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<Marker>,
}

/// A `pie` trace; a donut with [`Pie::hole`].
///
/// ```
/// use ferrodash_figures::trace::Pie;
///
/// let t = Pie::new()
///     .labels(vec!["A", "B"])
///     .values(vec![3, 5])
///     .hole(0.5)
///     .textinfo("label+percent");
/// # let _ = t;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Pie {
    f: Fields,
    extra: Extra,
}

serialize_with_extra!(Pie);

impl Default for Pie {
    fn default() -> Self {
        Self::new()
    }
}

impl Pie {
    empty_trace!("pie");

    common_methods!();

    setter!(
        /// The sector labels (equal labels are summed by plotly.js).
        labels(labels: impl Into<DataArray>)
    );
    setter!(
        /// The sector values; without them plotly.js counts labels.
        values(values: impl Into<DataArray>)
    );
    setter!(
        /// The hole's share of the radius, 0 to 1 (a donut).
        hole(hole: f64)
    );
    setter!(
        /// What sectors show, e.g. `"label+percent"`, `"value"`, `"none"`.
        textinfo(info: impl Into<String>)
    );
    setter!(
        /// `"inside"`, `"outside"`, `"auto"` or `"none"`.
        textposition(position: impl Into<String>)
    );
    setter!(
        /// Whether sectors are sorted by value (plotly.js default: true).
        sort(sort: bool)
    );
    setter!(
        /// `"clockwise"` or `"counterclockwise"`.
        direction(direction: impl Into<String>)
    );
    setter!(
        /// The marker (sector colours and outlines).
        marker(marker: Marker)
    );
}
