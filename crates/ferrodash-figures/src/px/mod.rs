//! A Plotly-Express-like API: whole figures from a table in one builder.
//!
//! Each function takes a table — [`Columns`](ferrodash_core::Columns)
//! (borrowed or owned) or a slice of `serde::Serialize` rows — and returns
//! a builder; columns are named by their table names, and `.build()`
//! returns the [`Figure`](crate::Figure) or a [`FigureError`](crate::FigureError)
//! naming what is wrong (a missing column and the ones available, a
//! non-numeric column where numbers are needed, mismatched lengths).
//!
//! Every builder has `.title(..)`, `.labels([("amount", "Revenue")])`
//! (display names for axis titles, the legend title and hover labels),
//! `.template(Template::Dark)` (default [`Template::Light`]),
//! `.height(..)`, `.width(..)` and `.color_sequence([..])`.
//!
//! | function | chart |
//! | --- | --- |
//! | [`bar`] | bars; `color` makes one trace per category, grouped or stacked |
//! | [`line()`] | lines, one per `color` category |
//! | [`scatter`] | points; `scattergl` above [`WEBGL_THRESHOLD`] points |
//! | [`pie`], [`donut`] | sectors; a centre annotation, e.g. the total |
//! | [`treemap`], [`sunburst`] | a hierarchy from path columns, values summed per level |
//! | [`histogram`] | binned counts, one trace per `color` category |
//! | [`heatmap`], [`heatmap_matrix`] | a pivot of x/y/z columns (sum), or a matrix |
//! | [`box_plot`] | distributions per category |
//! | [`indicator`] | a KPI number, with a delta against a reference |

mod bar;
mod box_plot;
mod common;
mod heatmap;
mod hierarchy;
mod histogram;
mod indicator;
mod line;
mod pie;
mod scatter;

pub use bar::{BarChart, bar};
pub use box_plot::{BoxChart, box_plot};
pub use common::{IntoColumns, MISSING_LABEL, RenderMode, WEBGL_THRESHOLD, format_thousands};
pub use heatmap::{HeatmapChart, heatmap, heatmap_matrix};
pub use hierarchy::{HierarchyChart, sunburst, treemap};
pub use histogram::{HistogramChart, histogram};
pub use indicator::{IndicatorChart, indicator};
pub use line::{LineChart, line};
pub use pie::{DONUT_HOLE, PieChart, donut, pie};
pub use scatter::{ScatterChart, scatter};

pub use crate::layout::BarMode;
pub use crate::template::Template;
pub use crate::trace::{BoxPoints, Orientation};
