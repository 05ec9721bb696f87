//! Server-side downsampling of large series, for smooth zooming in a dcc.Graph.
//!
//! The server keeps the whole series in memory; each zoom or pan arrives as
//! the Graph's `relayoutData` in a callback, [`parse_relayout`] turns it into
//! an [`AxisUpdate`], and [`view`] returns about `n_out` points of the
//! visible part, chosen so the drawn line looks like the full one. Nothing
//! is kept per user, so any server process can answer any request (like
//! plotly-resampler, but stateless).
//!
//! ```
//! use ferrodash_figures::downsample::{self, AxisUpdate};
//! use serde_json::json;
//!
//! // One point a second for a day, x in ms since the epoch (a date axis).
//! let x: Vec<f64> = (0..86_400).map(|s| f64::from(s) * 1000.0).collect();
//! let y: Vec<f32> = (0..86_400).map(|s| (s as f32 / 600.0).sin()).collect();
//!
//! // In a callback with Input("graph", "relayoutData"):
//! let relayout = json!({
//!     "xaxis.range[0]": "1970-01-01 01:00",
//!     "xaxis.range[1]": "1970-01-01 03:00",
//! });
//! let range = match downsample::parse_relayout(&relayout, "xaxis") {
//!     Ok(AxisUpdate::Unchanged) | Err(_) => return Ok(()), // i.e. PreventUpdate
//!     Ok(update) => update.apply(None),
//! };
//! let shown = downsample::view(&x, &y, range, 2_000);
//! assert_eq!(shown.in_view, 7_201); // raw points inside the range
//! assert!(shown.x.len() <= 2_000);
//! assert_eq!(shown.x[0], 3_599_000.0); // one point beyond each edge
//! # Ok::<(), ()>(())
//! ```
//!
//! # Algorithms
//!
//! All of them return ascending indices into the input, always keep its first
//! and last point, return at most `n_out` indices (at most 1 when
//! `n_out < 2`), and return every index when the input has at most `n_out`
//! points. `x` must be ascending (e.g. ms since the Unix epoch); other input
//! gives a valid but meaningless answer, never a panic. When `x` and `y`
//! differ in length the extra tail of the longer one is ignored.
//!
//! - [`lttb`]: Largest-Triangle-Three-Buckets (Steinarsson, 2013).
//! - [`min_max`]: the minimum and maximum of each of `(n_out - 2) / 2`
//!   equal-width x bins.
//! - [`min_max_lttb`] (the default, [`Method::default`]): MinMax down to
//!   `minmax_ratio × n_out` points, then LTTB on those (Van Der Donckt et al.,
//!   2023): nearly LTTB's look at nearly MinMax's speed.
//!
//! # Gaps (NaN)
//!
//! A NaN `y` is a gap, as in Plotly (NaN serializes to `null`). A bucket or
//! bin in which at least half the points are NaN yields one NaN point (its
//! first), so a gap at least about two output points wide always stays
//! visible; fewer NaNs are skipped, so scattered NaNs do not blank the chart.

mod date;
mod lttb;
mod minmax;
mod relayout;
#[cfg(test)]
mod tests;

pub use date::{DateError, format_plotly_date, parse_plotly_date};
pub use lttb::lttb;
pub use minmax::{min_max, min_max_lttb};
pub use relayout::{AxisUpdate, RelayoutError, parse_relayout};

/// A `y` value type the downsamplers read: `f64` or `f32` (a 10M-point
/// series with `f64` x and `f32` y takes 120 MB). NaN is a gap.
pub trait Sample: Copy + sealed::Sealed {
    /// The value as `f64`.
    fn to_f64(self) -> f64;
}

impl Sample for f64 {
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
}

impl Sample for f32 {
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

/// The default [`Method::MinMaxLttb`] preselection ratio.
pub const DEFAULT_MINMAX_RATIO: usize = 4;

/// Which downsampling algorithm to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// [`lttb`]: best shape, one pass with two reads per point.
    Lttb,
    /// [`min_max`]: fastest; keeps every bin's extremes.
    MinMax,
    /// [`min_max_lttb`] with this preselection ratio (default 4).
    MinMaxLttb {
        /// MinMax keeps `minmax_ratio × n_out` points for LTTB to choose from.
        minmax_ratio: usize,
    },
}

impl Default for Method {
    fn default() -> Self {
        Self::MinMaxLttb {
            minmax_ratio: DEFAULT_MINMAX_RATIO,
        }
    }
}

impl Method {
    /// The indices of at most `n_out` points of `x`/`y` this method keeps.
    #[must_use]
    pub fn indices<Y: Sample>(self, x: &[f64], y: &[Y], n_out: usize) -> Vec<usize> {
        match self {
            Self::Lttb => lttb(x, y, n_out),
            Self::MinMax => min_max(x, y, n_out),
            Self::MinMaxLttb { minmax_ratio } => min_max_lttb(x, y, n_out, minmax_ratio),
        }
    }

    /// [`view`] with this method.
    #[must_use]
    pub fn view<Y: Sample>(
        self,
        x: &[f64],
        y: &[Y],
        range: Option<(f64, f64)>,
        n_out: usize,
    ) -> Downsampled<Y> {
        let n = x.len().min(y.len());
        let x = x.get(..n).unwrap_or_default();
        let (start, end, in_view) = visible(x, range);
        // `visible` keeps start <= end <= n.
        let x = x.get(start..end).unwrap_or_default();
        let y = y.get(start..end).unwrap_or_default();
        let kept = self.indices(x, y, n_out);
        Downsampled {
            x: kept.iter().filter_map(|&i| x.get(i).copied()).collect(),
            y: kept.iter().filter_map(|&i| y.get(i).copied()).collect(),
            indices: kept.into_iter().map(|i| i + start).collect(),
            in_view,
        }
    }
}

/// The points to draw for one trace, from [`view`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Downsampled<Y = f64> {
    /// The kept x values, ascending.
    pub x: Vec<f64>,
    /// The kept y values (NaN marks a gap; it serializes to `null`).
    pub y: Vec<Y>,
    /// Where the kept points are in the full series (e.g. to pick matching
    /// hover text or `customdata`).
    pub indices: Vec<usize>,
    /// How many points of the full series lie inside the range (without the
    /// one beyond each end), e.g. for a "showing 2,000 of 1,234,567" note.
    pub in_view: usize,
}

impl<Y> Downsampled<Y> {
    /// The x values as Plotly date strings ([`format_plotly_date`]), for
    /// when x holds ms since the epoch; `None` (JSON `null`) where a value
    /// is not a representable date. Plotly date axes also take the numbers
    /// themselves, which are smaller to send.
    #[must_use]
    pub fn x_dates(&self) -> Vec<Option<String>> {
        self.x.iter().map(|&ms| format_plotly_date(ms)).collect()
    }
}

/// Downsamples the part of `x`/`y` inside `range` (`None`: all of it; the
/// ends may come in either order, as for a reversed axis) to at most
/// `n_out` points with [`Method::default`] (MinMaxLTTB).
///
/// The part includes one point beyond each end of the range, so lines run
/// to the plot's edges. `x` must be ascending; a range with a NaN end
/// counts as `None`.
#[must_use]
pub fn view<Y: Sample>(
    x: &[f64],
    y: &[Y],
    range: Option<(f64, f64)>,
    n_out: usize,
) -> Downsampled<Y> {
    Method::default().view(x, y, range, n_out)
}

/// The slice `start..end` to downsample (one point beyond each end of the
/// range) and the number of points inside the range.
fn visible(x: &[f64], range: Option<(f64, f64)>) -> (usize, usize, usize) {
    let n = x.len();
    let Some((a, b)) = range.filter(|(a, b)| !a.is_nan() && !b.is_nan()) else {
        return (0, n, n);
    };
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let first = x.partition_point(|&v| v < lo);
    // `max` keeps this sane when x is not ascending.
    let past = x.partition_point(|&v| v <= hi).max(first);
    (first.saturating_sub(1), (past + 1).min(n), past - first)
}

/// The answer when no real downsampling is needed, or `None`.
fn trivial(n: usize, n_out: usize) -> Option<Vec<usize>> {
    if n <= n_out {
        Some((0..n).collect())
    } else {
        match n_out {
            0 => Some(Vec::new()),
            1 => Some(vec![0]),
            2 => Some(vec![0, n - 1]),
            _ => None,
        }
    }
}

/// The bucket's first NaN if at least half its points are NaN.
fn gap_in<Y: Sample>(y: &[Y], nans: usize) -> Option<usize> {
    if nans * 2 >= y.len() && nans > 0 {
        y.iter().position(|v| v.to_f64().is_nan())
    } else {
        None
    }
}
