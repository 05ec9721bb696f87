//! [`box_plot`]: distributions per category.

use super::common::{self, IntoColumns, Options, Table, column_option, option_methods};
use crate::data_array::DataArray;
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::Legend;
use crate::trace::{BoxPlot, BoxPoints};

/// A box plot builder; see [`box_plot`].
#[derive(Debug, Clone)]
#[must_use]
pub struct BoxChart<'a> {
    table: Table<'a>,
    x: Option<String>,
    y: Option<String>,
    color: Option<String>,
    points: Option<BoxPoints>,
    mean: bool,
    opts: Options,
}

/// A box plot of the numeric column [`y`](BoxChart::y) of `data`, one box
/// per distinct [`x`](BoxChart::x) (or one box without x); with
/// [`color`](BoxChart::color), one trace per category, boxes grouped side
/// by side. plotly.js computes the quartiles in the browser.
///
/// ```
/// use ferrodash_figures::px::{self, BoxPoints};
///
/// #[derive(serde::Serialize)]
/// struct Row { team: &'static str, hours: f64 }
/// let rows = [Row { team: "a", hours: 3.0 }, Row { team: "a", hours: 5.0 }, Row { team: "b", hours: 4.0 }];
/// let fig = px::box_plot(&rows).x("team").y("hours").points(BoxPoints::All).build()?;
/// assert_eq!(fig.to_value()["data"][0]["boxpoints"], "all");
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn box_plot<'a>(data: impl IntoColumns<'a>) -> BoxChart<'a> {
    BoxChart {
        table: data.into_columns(),
        x: None,
        y: None,
        color: None,
        points: None,
        mean: false,
        opts: Options::default(),
    }
}

impl BoxChart<'_> {
    option_methods!();

    column_option!(
        /// The category column (one box per value).
        x
    );

    column_option!(
        /// The numeric column whose distribution is drawn.
        y
    );

    column_option!(
        /// The column whose categories become separate, side-by-side traces.
        color
    );

    /// Which sample points are drawn beside the boxes.
    pub const fn points(mut self, points: BoxPoints) -> Self {
        self.points = Some(points);
        self
    }

    /// Whether the mean is marked.
    pub const fn mean(mut self, mean: bool) -> Self {
        self.mean = mean;
        self
    }

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when `y` is not set, a column is not in the table,
    /// or `y` is not numeric.
    pub fn build(self) -> Result<Figure, FigureError> {
        let table = self.table?;
        let y = common::required(self.y.as_ref(), "box", "y")?;
        let ys = DataArray::Numbers(common::numbers(&table, y)?);
        let xs = match &self.x {
            Some(x) => Some(DataArray::from_column(common::column(&table, x)?)),
            None => None,
        };
        let yl = self.opts.label(y);
        let mut fig = Figure::new();
        for (i, group) in common::groups(&table, self.color.as_deref())?
            .into_iter()
            .enumerate()
        {
            let mut trace = BoxPlot::new()
                .y(ys.select(&group.rows))
                .marker_color(self.opts.color(i));
            if let Some(xs) = &xs {
                trace = trace.x(xs.select(&group.rows));
            }
            if let Some(p) = self.points {
                trace = trace.boxpoints(p);
            }
            if self.mean {
                trace = trace.boxmean(true);
            }
            fig.add_trace(match group.name {
                Some(name) => trace
                    .name(&name)
                    .legendgroup(&name)
                    .offsetgroup(name)
                    .showlegend(true),
                None => trace.showlegend(false),
            });
        }
        let mut layout = self.opts.layout().yaxis_title(yl);
        if let Some(x) = &self.x {
            layout = layout.xaxis_title(self.opts.label(x));
        }
        if let Some(c) = &self.color {
            layout = layout
                .boxmode_group()
                .legend(Legend::titled(self.opts.label(c)));
        }
        Ok(fig.layout(layout))
    }
}
