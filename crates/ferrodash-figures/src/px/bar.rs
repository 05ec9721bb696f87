//! [`bar`]: bar charts, one trace per colour category.

use super::common::{self, IntoColumns, Options, Table, column_option, option_methods};
use crate::data_array::DataArray;
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::{BarMode, Legend};
use crate::trace::{Bar, Orientation};

/// A bar chart builder; see [`bar`].
#[derive(Debug, Clone)]
#[must_use]
pub struct BarChart<'a> {
    table: Table<'a>,
    x: Option<String>,
    y: Option<String>,
    color: Option<String>,
    text: Option<String>,
    barmode: BarMode,
    orientation: Option<Orientation>,
    opts: Options,
}

/// A bar chart of `data`: set [`x`](BarChart::x) and [`y`](BarChart::y),
/// optionally [`color`](BarChart::color) for one trace per category.
///
/// Bars are vertical unless x is numeric and y is not (or
/// [`orientation`](BarChart::orientation) says otherwise); traces stack
/// (`barmode: "relative"`, as in Plotly Express) unless
/// [`barmode`](BarChart::barmode) says otherwise.
///
/// ```
/// use ferrodash_figures::px::{self, BarMode};
///
/// #[derive(serde::Serialize)]
/// struct Row { month: &'static str, product: &'static str, units: i32 }
/// let rows = [
///     Row { month: "Jan", product: "A", units: 3 },
///     Row { month: "Jan", product: "B", units: 5 },
///     Row { month: "Feb", product: "A", units: 4 },
/// ];
/// let fig = px::bar(&rows).x("month").y("units").color("product")
///     .barmode(BarMode::Stack).build()?;
/// assert_eq!(fig.to_value()["layout"]["barmode"], "stack");
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn bar<'a>(data: impl IntoColumns<'a>) -> BarChart<'a> {
    BarChart {
        table: data.into_columns(),
        x: None,
        y: None,
        color: None,
        text: None,
        barmode: BarMode::Relative,
        orientation: None,
        opts: Options::default(),
    }
}

impl BarChart<'_> {
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
        /// The column whose categories become separate traces (and colours).
        color
    );

    column_option!(
        /// The column whose values are written on the bars.
        text
    );

    /// How the colour traces share a position: grouped, stacked, …
    pub const fn barmode(mut self, mode: BarMode) -> Self {
        self.barmode = mode;
        self
    }

    /// Vertical or horizontal bars.
    pub const fn orientation(mut self, orientation: Orientation) -> Self {
        self.orientation = Some(orientation);
        self
    }

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when `x` or `y` is not set or not in the table, or
    /// the value axis's column is not numeric.
    pub fn build(self) -> Result<Figure, FigureError> {
        let table = self.table?;
        let x = common::required(self.x.as_ref(), "bar", "x")?;
        let y = common::required(self.y.as_ref(), "bar", "y")?;
        let (xcol, ycol) = (common::column(&table, x)?, common::column(&table, y)?);
        let orientation = self
            .orientation
            .unwrap_or(if xcol.is_numeric() && !ycol.is_numeric() {
                Orientation::Horizontal
            } else {
                Orientation::Vertical
            });
        let value = if orientation == Orientation::Horizontal {
            x
        } else {
            y
        };
        common::numbers(&table, value)?;
        let xs = DataArray::from_column(xcol);
        let ys = DataArray::from_column(ycol);
        let text = match &self.text {
            Some(name) => Some(DataArray::from_column(common::column(&table, name)?)),
            None => None,
        };
        let (xl, yl) = (self.opts.label(x), self.opts.label(y));
        let groups = common::groups(&table, self.color.as_deref())?;
        let mut fig = Figure::new();
        for (i, group) in groups.into_iter().enumerate() {
            let literal = group.name.as_deref().map(common::escape);
            let mut hover = Vec::new();
            if let (Some(c), Some(name)) = (&self.color, &literal) {
                hover.push((self.opts.label(c), name.as_str()));
            }
            hover.push((xl.clone(), "%{x}"));
            hover.push((yl.clone(), "%{y}"));
            let mut trace = Bar::new()
                .x(xs.select(&group.rows))
                .y(ys.select(&group.rows))
                .marker_color(self.opts.color(i))
                .hovertemplate(common::hovertemplate(&hover));
            if orientation == Orientation::Horizontal {
                trace = trace.orientation(orientation);
            }
            if let Some(text) = &text {
                trace = trace.text(text.select(&group.rows));
            }
            trace = match group.name {
                Some(name) => {
                    let t = trace.name(&name).legendgroup(&name).showlegend(true);
                    if self.barmode == BarMode::Group {
                        t.offsetgroup(name)
                    } else {
                        t
                    }
                }
                None => trace.showlegend(false),
            };
            fig.add_trace(trace);
        }
        let mut layout = self
            .opts
            .layout()
            .barmode(self.barmode)
            .xaxis_title(xl)
            .yaxis_title(yl);
        if let Some(c) = &self.color {
            layout = layout.legend(Legend::titled(self.opts.label(c)));
        }
        Ok(fig.layout(layout))
    }
}
