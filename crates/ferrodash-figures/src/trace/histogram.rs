//! `histogram` traces: plotly.js bins the raw values in the browser.

use serde::Serialize;

use super::{Color, Common, Marker, Orientation};
use crate::attrs::Extra;
use crate::data_array::DataArray;

/// How values in a bin are combined (`histfunc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum HistFunc {
    /// The number of values (the default).
    Count,
    /// The sum of the other axis's values.
    Sum,
    /// Their mean.
    Avg,
    /// Their minimum.
    Min,
    /// Their maximum.
    Max,
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
    nbinsx: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbinsy: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    histfunc: Option<HistFunc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    histnorm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    orientation: Option<Orientation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bingroup: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<Marker>,
}

/// A `histogram` trace.
///
/// ```
/// use ferrodash_figures::trace::Histogram;
///
/// let t = Histogram::new().x(vec![1.0, 2.0, 2.5, 7.0]).nbinsx(20);
/// # let _ = t;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    f: Fields,
    extra: Extra,
}

serialize_with_extra!(Histogram);

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl Histogram {
    empty_trace!("histogram");

    common_methods!();

    setter!(
        /// The values binned along x.
        x(x: impl Into<DataArray>)
    );
    setter!(
        /// The values binned along y (or aggregated with `histfunc`).
        y(y: impl Into<DataArray>)
    );
    setter!(
        /// The largest number of x bins plotly.js may use.
        nbinsx(bins: u32)
    );
    setter!(
        /// The largest number of y bins plotly.js may use.
        nbinsy(bins: u32)
    );
    setter!(
        /// How values in a bin are combined.
        histfunc(func: HistFunc)
    );
    setter!(
        /// Normalisation: `"percent"`, `"probability"`, `"density"`, …
        histnorm(norm: impl Into<String>)
    );
    setter!(
        /// Vertical (the default) or horizontal bars.
        orientation(orientation: Orientation)
    );
    setter!(
        /// Traces with the same bin group share bins.
        bingroup(group: impl Into<String>)
    );
    setter!(
        /// The marker (fill and outline).
        marker(marker: Marker)
    );

    /// Shorthand for bars of one colour.
    #[must_use]
    pub fn marker_color(mut self, color: impl Into<Color>) -> Self {
        self.f.marker = Some(self.f.marker.take().unwrap_or_default().color(color));
        self
    }
}
