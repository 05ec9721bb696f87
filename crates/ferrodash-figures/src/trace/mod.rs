//! Typed traces: one builder per Plotly trace type.
//!
//! Every builder has typed setters for the attributes our charts use, and
//! [`set`](Scatter::set) for any other attribute by dotted path
//! (`.set("marker.line.width", 2)`); values set that way are merged over
//! the typed ones when the trace is serialized, and win where both set the
//! same attribute.

use serde::{Serialize, Serializer};

use crate::data_array::DataArray;

/// Setters every trace has; expects `self.f.common: Common` and
/// `self.extra: Extra`.
macro_rules! common_methods {
    () => {
        /// The trace's name, shown in the legend and the hover label.
        #[must_use]
        pub fn name(mut self, name: impl Into<String>) -> Self {
            self.f.common.name = Some(name.into());
            self
        }

        /// Whether the trace has a legend entry.
        #[must_use]
        pub const fn showlegend(mut self, show: bool) -> Self {
            self.f.common.showlegend = Some(show);
            self
        }

        /// Traces with the same legend group toggle together.
        #[must_use]
        pub fn legendgroup(mut self, group: impl Into<String>) -> Self {
            self.f.common.legendgroup = Some(group.into());
            self
        }

        /// The trace's opacity, 0 to 1.
        #[must_use]
        pub const fn opacity(mut self, opacity: f64) -> Self {
            self.f.common.opacity = Some(opacity);
            self
        }

        /// Text shown with each point (a hover or on-graph label).
        #[must_use]
        pub fn text(mut self, text: impl Into<crate::data_array::DataArray>) -> Self {
            self.f.common.text = Some(text.into());
            self
        }

        /// The hover label template, e.g. `"%{x}: %{y}<extra></extra>"`.
        #[must_use]
        pub fn hovertemplate(mut self, template: impl Into<String>) -> Self {
            self.f.common.hovertemplate = Some(template.into());
            self
        }

        /// Which parts the hover label shows, e.g. `"x+y"`, `"none"`.
        #[must_use]
        pub fn hoverinfo(mut self, info: impl Into<String>) -> Self {
            self.f.common.hoverinfo = Some(info.into());
            self
        }

        /// Extra data per point, returned in click and hover events.
        #[must_use]
        pub fn customdata(mut self, data: impl Into<crate::data_array::DataArray>) -> Self {
            self.f.common.customdata = Some(data.into());
            self
        }

        /// Sets any attribute by dotted path, e.g. `("marker.line.width", 2)`;
        /// merged over the typed attributes when serialized.
        #[must_use]
        pub fn set(mut self, path: &str, value: impl Into<serde_json::Value>) -> Self {
            self.extra.set(path, value.into());
            self
        }

        pub(crate) fn extra_mut(&mut self) -> &mut crate::attrs::Extra {
            &mut self.extra
        }
    };
}

/// `Serialize` for a trace struct `{ f, extra }`: the fields with the
/// escape-hatch attributes merged over them.
macro_rules! serialize_with_extra {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.extra.serialize_over(&self.f, s)
            }
        }
    };
}

/// `new()`: an empty trace of the given plotly.js `type`.
macro_rules! empty_trace {
    ($kind:expr) => {
        #[doc = concat!("An empty `", $kind, "` trace.")]
        #[must_use]
        pub fn new() -> Self {
            Self {
                f: Fields {
                    kind: $kind,
                    ..Fields::default()
                },
                extra: Extra::default(),
            }
        }
    };
}

/// A setter for an optional field of `self.f`.
macro_rules! setter {
    ($(#[$m:meta])* $name:ident($v:ident: impl Into<$t:ty>)) => {
        $(#[$m])*
        #[must_use]
        pub fn $name(mut self, $v: impl Into<$t>) -> Self {
            self.f.$name = Some($v.into());
            self
        }
    };
    ($(#[$m:meta])* $name:ident($v:ident: $t:ty)) => {
        $(#[$m])*
        #[must_use]
        pub fn $name(mut self, $v: $t) -> Self {
            self.f.$name = Some($v);
            self
        }
    };
}

mod bar;
mod box_plot;
mod heatmap;
mod hierarchy;
mod histogram;
mod indicator;
mod marker;
mod pie;
mod scatter;

pub use bar::Bar;
pub use box_plot::{BoxPlot, BoxPoints};
pub use heatmap::Heatmap;
pub use hierarchy::{BranchValues, Sunburst, Treemap};
pub use histogram::{HistFunc, Histogram};
pub use indicator::{Delta, Gauge, Indicator, NumberFormat};
pub use marker::{Color, Line, Marker, MarkerLine, Size};
pub use pie::Pie;
pub use scatter::{Mode, Scatter};

/// Attributes every trace has.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Common {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) showlegend: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) legendgroup: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) opacity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<DataArray>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hovertemplate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hoverinfo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) customdata: Option<DataArray>,
}

/// Bar, histogram and box direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub enum Orientation {
    /// Vertical (`"v"`): categories along x, values along y.
    #[default]
    #[serde(rename = "v")]
    Vertical,
    /// Horizontal (`"h"`): values along x, categories along y.
    #[serde(rename = "h")]
    Horizontal,
}

/// One trace of a figure.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Trace {
    /// `scatter` or `scattergl`.
    Scatter(Scatter),
    /// `bar`.
    Bar(Bar),
    /// `pie` (a donut when it has a hole).
    Pie(Pie),
    /// `treemap`.
    Treemap(Treemap),
    /// `sunburst`.
    Sunburst(Sunburst),
    /// `histogram`.
    Histogram(Histogram),
    /// `heatmap`.
    Heatmap(Heatmap),
    /// `box`.
    Box(BoxPlot),
    /// `indicator`.
    Indicator(Indicator),
}

macro_rules! each_trace {
    ($self:expr, $t:ident => $body:expr) => {
        match $self {
            Self::Scatter($t) => $body,
            Self::Bar($t) => $body,
            Self::Pie($t) => $body,
            Self::Treemap($t) => $body,
            Self::Sunburst($t) => $body,
            Self::Histogram($t) => $body,
            Self::Heatmap($t) => $body,
            Self::Box($t) => $body,
            Self::Indicator($t) => $body,
        }
    };
}

impl Trace {
    /// The Plotly trace type, e.g. `"scattergl"` or `"treemap"`.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Scatter(t) => t.kind(),
            Self::Bar(_) => "bar",
            Self::Pie(_) => "pie",
            Self::Treemap(_) => "treemap",
            Self::Sunburst(_) => "sunburst",
            Self::Histogram(_) => "histogram",
            Self::Heatmap(_) => "heatmap",
            Self::Box(_) => "box",
            Self::Indicator(_) => "indicator",
        }
    }

    /// Sets any attribute by dotted path (see [`Scatter::set`]).
    pub fn set(&mut self, path: &str, value: impl Into<serde_json::Value>) {
        let value = value.into();
        each_trace!(self, t => t.extra_mut().set(path, value));
    }
}

impl Serialize for Trace {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        each_trace!(self, t => t.serialize(s))
    }
}

macro_rules! into_trace {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for Trace {
            fn from(t: $t) -> Self {
                Self::$v(t)
            }
        }
    )*};
}
into_trace!(
    Scatter => Scatter, Bar => Bar, Pie => Pie, Treemap => Treemap, Sunburst => Sunburst,
    Histogram => Histogram, Heatmap => Heatmap, BoxPlot => Box, Indicator => Indicator
);
