//! [`line`]: line charts, one line per colour category.

use super::common::{
    self, IntoColumns, Options, RenderMode, Table, WEBGL_THRESHOLD, column_option, option_methods,
    render_mode_methods,
};
use crate::data_array::DataArray;
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::Legend;
use crate::trace::{Line, Mode, Scatter};

/// A line chart builder; see [`line()`].
#[derive(Debug, Clone)]
#[must_use]
pub struct LineChart<'a> {
    table: Table<'a>,
    x: Option<String>,
    y: Option<String>,
    color: Option<String>,
    markers: bool,
    render_mode: RenderMode,
    threshold: usize,
    opts: Options,
}

/// A line chart of `data`: set [`x`](LineChart::x) and [`y`](LineChart::y)
/// (numeric), optionally [`color`](LineChart::color) for one line per
/// category. Points are joined in table order; a missing y is a gap.
///
/// ```
/// use ferrodash_figures::px;
/// use ferrodash_core::{Column, Columns};
///
/// let table = Columns::new()
///     .with_column("day", Column::Text(vec![Some("2026-01-01".into()), Some("2026-01-02".into())]))?
///     .with_column("visits", Column::Int(vec![Some(10), Some(12)]))?;
/// let fig = px::line(&table).x("day").y("visits").markers(true).build()?;
/// assert_eq!(fig.to_value()["data"][0]["mode"], "lines+markers");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn line<'a>(data: impl IntoColumns<'a>) -> LineChart<'a> {
    LineChart {
        table: data.into_columns(),
        x: None,
        y: None,
        color: None,
        markers: false,
        render_mode: RenderMode::Auto,
        threshold: WEBGL_THRESHOLD,
        opts: Options::default(),
    }
}

impl LineChart<'_> {
    option_methods!();

    column_option!(
        /// The column along x.
        x
    );

    column_option!(
        /// The numeric column along y.
        y
    );

    column_option!(
        /// The column whose categories become separate lines.
        color
    );

    /// Whether points are marked on the lines.
    pub const fn markers(mut self, markers: bool) -> Self {
        self.markers = markers;
        self
    }

    render_mode_methods!();

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when `x` or `y` is not set or not in the table, or
    /// `y` is not numeric.
    pub fn build(self) -> Result<Figure, FigureError> {
        let table = self.table?;
        let x = common::required(self.x.as_ref(), "line", "x")?;
        let y = common::required(self.y.as_ref(), "line", "y")?;
        let xs = DataArray::from_column(common::column(&table, x)?);
        let ys = DataArray::Numbers(common::numbers(&table, y)?);
        let gl = common::use_webgl(self.render_mode, self.threshold, table.len());
        let mode = if self.markers {
            Mode::LinesMarkers
        } else {
            Mode::Lines
        };
        let (xl, yl) = (self.opts.label(x), self.opts.label(y));
        let mut fig = Figure::new();
        for (i, group) in common::groups(&table, self.color.as_deref())?
            .into_iter()
            .enumerate()
        {
            let literal = group.name.as_deref().map(common::escape);
            let mut hover = Vec::new();
            if let (Some(c), Some(name)) = (&self.color, &literal) {
                hover.push((self.opts.label(c), name.as_str()));
            }
            hover.push((xl.clone(), "%{x}"));
            hover.push((yl.clone(), "%{y}"));
            let color = self.opts.color(i);
            let trace = Scatter::new()
                .webgl(gl)
                .mode(mode)
                .x(xs.select(&group.rows))
                .y(ys.select(&group.rows))
                .line(Line::color(&color))
                .marker_color(color)
                .hovertemplate(common::hovertemplate(&hover));
            fig.add_trace(match group.name {
                Some(name) => trace.name(&name).legendgroup(name).showlegend(true),
                None => trace.showlegend(false),
            });
        }
        let mut layout = self.opts.layout().xaxis_title(xl).yaxis_title(yl);
        if let Some(c) = &self.color {
            layout = layout.legend(Legend::titled(self.opts.label(c)));
        }
        Ok(fig.layout(layout))
    }
}
