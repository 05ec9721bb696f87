//! `treemap` and `sunburst` traces: the same attributes, drawn as nested
//! rectangles or rings.

use serde::Serialize;

use super::{Common, Marker};
use crate::attrs::Extra;
use crate::data_array::DataArray;

/// How a parent's value relates to its children's (`branchvalues`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum BranchValues {
    /// A parent's value is the total of its subtree (at least the sum of
    /// its children's).
    Total,
    /// A parent's value is what it adds on top of its children.
    Remainder,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct Fields {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    common: Common,
    #[serde(skip_serializing_if = "Option::is_none")]
    ids: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parents: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branchvalues: Option<BranchValues>,
    #[serde(skip_serializing_if = "Option::is_none")]
    textinfo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maxdepth: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<Marker>,
}

macro_rules! hierarchy_trace {
    ($name:ident, $kind:literal, $doc:literal) => {
        #[doc = $doc]
        ///
        /// Sectors are given as parallel `ids`, `labels`, `parents` (the
        /// parent's id, `""` for a root) and `values`.
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            f: Fields,
            extra: Extra,
        }

        serialize_with_extra!($name);

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $name {
            empty_trace!($kind);

            common_methods!();

            setter!(
                /// Unique sector ids (needed when labels repeat).
                ids(ids: impl Into<DataArray>)
            );
            setter!(
                /// Sector labels.
                labels(labels: impl Into<DataArray>)
            );
            setter!(
                /// Each sector's parent id (or label without ids); `""` for roots.
                parents(parents: impl Into<DataArray>)
            );
            setter!(
                /// Sector values.
                values(values: impl Into<DataArray>)
            );
            setter!(
                /// How parent values relate to their children's.
                branchvalues(branchvalues: BranchValues)
            );
            setter!(
                /// What sectors show, e.g. `"label+value+percent parent"`.
                textinfo(info: impl Into<String>)
            );
            setter!(
                /// How many levels are shown at once (`-1`: all).
                maxdepth(depth: i32)
            );
            setter!(
                /// The marker (sector colours, outlines, colour scale).
                marker(marker: Marker)
            );
        }
    };
}

hierarchy_trace!(Treemap, "treemap", "A `treemap` trace: nested rectangles.");
hierarchy_trace!(Sunburst, "sunburst", "A `sunburst` trace: nested rings.");
