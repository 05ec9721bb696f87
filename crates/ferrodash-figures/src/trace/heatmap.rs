//! `heatmap` traces.

use serde::Serialize;

use super::Common;
use crate::attrs::Extra;
use crate::data_array::{DataArray, DataMatrix};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct ColorBar {
    title: Title,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct Title {
    text: String,
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
    z: Option<DataMatrix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    colorscale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zmin: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zmax: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    showscale: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hoverongaps: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    texttemplate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    colorbar: Option<ColorBar>,
}

/// A `heatmap` trace: `z[row][col]` drawn at (`x[col]`, `y[row]`).
///
/// ```
/// use ferrodash_figures::DataMatrix;
/// use ferrodash_figures::trace::Heatmap;
///
/// let z = DataMatrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap();
/// let t = Heatmap::new().z(z).x(vec!["Mon", "Tue"]).y(vec!["am", "pm"]);
/// # let _ = t;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    f: Fields,
    extra: Extra,
}

serialize_with_extra!(Heatmap);

impl Default for Heatmap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heatmap {
    empty_trace!("heatmap");

    common_methods!();

    setter!(
        /// The column labels (one per matrix column).
        x(x: impl Into<DataArray>)
    );
    setter!(
        /// The row labels (one per matrix row).
        y(y: impl Into<DataArray>)
    );
    setter!(
        /// The values, one matrix row per y label (`NaN`: an empty cell).
        z(z: DataMatrix)
    );
    setter!(
        /// A colour scale name, e.g. `"Viridis"`, `"Blues"`.
        colorscale(scale: impl Into<String>)
    );
    setter!(
        /// The value at the bottom of the colour scale.
        zmin(min: f64)
    );
    setter!(
        /// The value at the top of the colour scale.
        zmax(max: f64)
    );
    setter!(
        /// Whether the colour bar is shown.
        showscale(show: bool)
    );
    setter!(
        /// Whether empty cells get a hover label.
        hoverongaps(hover: bool)
    );
    setter!(
        /// A template for text in each cell, e.g. `"%{z}"`.
        texttemplate(template: impl Into<String>)
    );

    /// The colour bar's title.
    #[must_use]
    pub fn colorbar_title(mut self, title: impl Into<String>) -> Self {
        self.f.colorbar = Some(ColorBar {
            title: Title { text: title.into() },
        });
        self
    }

    /// The values, if set.
    #[must_use]
    pub const fn z_values(&self) -> Option<&DataMatrix> {
        self.f.z.as_ref()
    }
}
