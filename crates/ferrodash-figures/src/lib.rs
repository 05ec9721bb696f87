//! Typed Plotly figures and a Plotly-Express-like API for ferrodash.
//!
//! A [`Figure`] serializes to exactly what dcc.Graph's `figure` prop takes,
//! `{"data": […], "layout": {…}}`, and a callback can return one directly.
//! Traces ([`trace`]) and the [`Layout`] have typed builders plus `.set(path,
//! value)` for any other Plotly attribute. Numeric arrays travel as
//! plotly.js typed arrays (`{"dtype": "f8", "bdata": "…"}`, see
//! [`data_array`]) in the smallest exact dtype. The [`px`] module builds
//! whole figures from a table ([`ferrodash_core::Columns`] or any
//! `serde::Serialize` rows), the way Plotly Express does from a data frame.
//!
//! We use our own figure types rather than the `plotly` crate (0.14.1):
//! that release has no treemap, sunburst or indicator traces, its
//! `to_json` adds a `config` key that dcc.Graph rejects, and its traces
//! write arrays as JSON lists, so typed-array encoding is impossible.
//!
//! ```
//! use ferrodash_figures::px;
//!
//! #[derive(serde::Serialize)]
//! struct Sale { region: &'static str, year: i32, amount: f64 }
//!
//! let rows = [
//!     Sale { region: "North", year: 2024, amount: 120.0 },
//!     Sale { region: "South", year: 2024, amount: 80.0 },
//!     Sale { region: "North", year: 2025, amount: 150.0 },
//! ];
//! let fig = px::bar(&rows)
//!     .x("region")
//!     .y("amount")
//!     .color("year")
//!     .barmode(px::BarMode::Group)
//!     .labels([("amount", "Revenue")])
//!     .title("Revenue by region")
//!     .build()?;
//! let json = fig.to_value();
//! assert_eq!(json["data"].as_array().unwrap().len(), 2); // one trace per year
//! assert_eq!(json["layout"]["barmode"], "group");
//! assert_eq!(json["layout"]["yaxis"]["title"]["text"], "Revenue");
//! # Ok::<(), ferrodash_figures::FigureError>(())
//! ```
//!
//! # Features
//!
//! This crate has no optional features.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod attrs;
pub mod data_array;
pub mod downsample;
mod error;
mod figure;
pub mod layout;
pub mod px;
mod template;
pub mod trace;

pub use data_array::{ArrayEncoding, DataArray, DataMatrix, Dtype};
pub use error::FigureError;
pub use figure::Figure;
pub use layout::Layout;
pub use template::{COLORWAY, Template};
pub use trace::Trace;
