//! [`scatter`]: scatter plots, WebGL above a point threshold.

use super::common::{
    self, IntoColumns, Options, RenderMode, Table, WEBGL_THRESHOLD, column_option, option_methods,
    render_mode_methods,
};
use crate::data_array::DataArray;
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::Legend;
use crate::trace::{Marker, Mode, Scatter};

/// The largest marker diameter, in pixels, when sizes come from a column
/// (Plotly Express's `size_max` default).
const SIZE_MAX: f64 = 20.0;

/// A scatter plot builder; see [`scatter`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ScatterChart<'a> {
    table: Table<'a>,
    x: Option<String>,
    y: Option<String>,
    color: Option<String>,
    size: Option<String>,
    render_mode: RenderMode,
    threshold: usize,
    opts: Options,
}

/// A scatter plot of `data`: set [`x`](ScatterChart::x) and
/// [`y`](ScatterChart::y); [`color`](ScatterChart::color) splits text
/// columns into one trace per category and maps numeric columns through
/// a colour scale; [`size`](ScatterChart::size) scales marker areas.
///
/// With more than [`WEBGL_THRESHOLD`] rows (configurable with
/// [`webgl_threshold`](ScatterChart::webgl_threshold)) traces are
/// `scattergl`, drawn with WebGL, like Plotly Express's `render_mode="auto"`.
///
/// ```
/// use ferrodash_figures::px;
///
/// #[derive(serde::Serialize)]
/// struct P { x: f64, y: f64 }
/// let points: Vec<P> = (0..2000).map(|i| P { x: f64::from(i), y: f64::from(i % 7) }).collect();
/// let fig = px::scatter(&points).x("x").y("y").build()?;
/// assert_eq!(fig.to_value()["data"][0]["type"], "scattergl");
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn scatter<'a>(data: impl IntoColumns<'a>) -> ScatterChart<'a> {
    ScatterChart {
        table: data.into_columns(),
        x: None,
        y: None,
        color: None,
        size: None,
        render_mode: RenderMode::Auto,
        threshold: WEBGL_THRESHOLD,
        opts: Options::default(),
    }
}

impl ScatterChart<'_> {
    option_methods!();

    column_option!(
        /// The column along x.
        x
    );

    column_option!(
        /// The column along y.
        y
    );

    column_option!(
        /// The colour column: categories (text) or a colour scale (numbers).
        color
    );

    column_option!(
        /// The numeric column that sets marker areas (missing: size 0).
        size
    );

    render_mode_methods!();

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when `x` or `y` is not set, a column is not in the
    /// table, or the size column is not numeric.
    pub fn build(self) -> Result<Figure, FigureError> {
        let table = self.table?;
        let x = common::required(self.x.as_ref(), "scatter", "x")?;
        let y = common::required(self.y.as_ref(), "scatter", "y")?;
        let xs = DataArray::from_column(common::column(&table, x)?);
        let ys = DataArray::from_column(common::column(&table, y)?);
        let sizes = match &self.size {
            Some(name) => {
                let v: Vec<f64> = common::numbers(&table, name)?
                    .into_iter()
                    .map(|s| if s.is_finite() { s.max(0.0) } else { 0.0 })
                    .collect();
                Some(DataArray::Numbers(v))
            }
            None => None,
        };
        let sizeref = sizes
            .as_ref()
            .and_then(DataArray::as_numbers)
            .map(|v| v.iter().copied().fold(0.0_f64, f64::max))
            .map(|max| {
                if max > 0.0 {
                    2.0 * max / (SIZE_MAX * SIZE_MAX)
                } else {
                    1.0
                }
            });
        // A numeric colour column is a colour scale on one trace.
        let scale = match &self.color {
            Some(name) => common::column(&table, name)?.to_f64().map(|v| (name, v)),
            None => None,
        };
        let groups = if scale.is_some() {
            common::groups(&table, None)?
        } else {
            common::groups(&table, self.color.as_deref())?
        };
        let gl = common::use_webgl(self.render_mode, self.threshold, table.len());
        let (xl, yl) = (self.opts.label(x), self.opts.label(y));
        let mut fig = Figure::new();
        for (i, group) in groups.into_iter().enumerate() {
            let literal = group.name.as_deref().map(common::escape);
            let mut hover = Vec::new();
            if let (Some(c), Some(name)) = (&self.color, &literal) {
                hover.push((self.opts.label(c), name.as_str()));
            }
            hover.push((xl.clone(), "%{x}"));
            hover.push((yl.clone(), "%{y}"));
            let mut marker = Marker::new();
            marker = match &scale {
                Some((_, values)) => {
                    hover.push((
                        self.opts.label(self.color.as_deref().unwrap_or_default()),
                        "%{marker.color}",
                    ));
                    let mut m =
                        marker.color(DataArray::Numbers(values.clone()).select(&group.rows));
                    m.showscale = Some(true);
                    m
                }
                None => marker.color(self.opts.color(i)),
            };
            if let (Some(sizes), Some(sizeref)) = (&sizes, sizeref) {
                marker = marker.sizes(sizes.select(&group.rows));
                marker.sizemode = Some("area".to_owned());
                marker.sizeref = Some(sizeref);
                marker.line = None;
                if let Some(s) = &self.size {
                    hover.push((self.opts.label(s), "%{marker.size}"));
                }
            }
            let mut trace = Scatter::new()
                .webgl(gl)
                .mode(Mode::Markers)
                .x(xs.select(&group.rows))
                .y(ys.select(&group.rows))
                .marker(marker)
                .hovertemplate(common::hovertemplate(&hover));
            if let Some((name, _)) = &scale {
                trace = trace.set("marker.colorbar.title.text", self.opts.label(name));
            }
            fig.add_trace(match group.name {
                Some(name) => trace.name(&name).legendgroup(name).showlegend(true),
                None => trace.showlegend(false),
            });
        }
        let mut layout = self.opts.layout().xaxis_title(xl).yaxis_title(yl);
        if let (Some(c), None) = (&self.color, &scale) {
            layout = layout.legend(Legend::titled(self.opts.label(c)));
        }
        Ok(fig.layout(layout))
    }
}
