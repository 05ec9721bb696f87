//! [`histogram`]: binned counts, one trace per colour category.

use super::common::{self, IntoColumns, Options, Table, column_option, option_methods};
use crate::data_array::DataArray;
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::{BarMode, Legend};
use crate::trace::Histogram;

/// A histogram builder; see [`histogram`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HistogramChart<'a> {
    table: Table<'a>,
    x: Option<String>,
    color: Option<String>,
    nbins: Option<u32>,
    barmode: BarMode,
    opts: Options,
}

/// A histogram of column [`x`](HistogramChart::x) of `data` (binned by
/// plotly.js in the browser; text columns are counted per category),
/// with at most [`nbins`](HistogramChart::nbins) bins and one trace per
/// [`color`](HistogramChart::color) category, stacked by default.
///
/// ```
/// use ferrodash_figures::px;
///
/// #[derive(serde::Serialize)]
/// struct Row { latency_ms: f64 }
/// let rows: Vec<Row> = (0..100).map(|i| Row { latency_ms: f64::from(i) * 1.5 }).collect();
/// let fig = px::histogram(&rows).x("latency_ms").nbins(20).build()?;
/// assert_eq!(fig.to_value()["data"][0]["nbinsx"], 20);
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn histogram<'a>(data: impl IntoColumns<'a>) -> HistogramChart<'a> {
    HistogramChart {
        table: data.into_columns(),
        x: None,
        color: None,
        nbins: None,
        barmode: BarMode::Relative,
        opts: Options::default(),
    }
}

impl HistogramChart<'_> {
    option_methods!();

    column_option!(
        /// The column binned along x.
        x
    );

    column_option!(
        /// The column whose categories become separate traces.
        color
    );

    /// The largest number of bins.
    pub const fn nbins(mut self, bins: u32) -> Self {
        self.nbins = Some(bins);
        self
    }

    /// How colour traces share a bin ([`BarMode::Overlay`] draws them
    /// half-transparent over each other).
    pub const fn barmode(mut self, mode: BarMode) -> Self {
        self.barmode = mode;
        self
    }

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when `x` is not set or a column is not in the table.
    pub fn build(self) -> Result<Figure, FigureError> {
        let table = self.table?;
        let x = common::required(self.x.as_ref(), "histogram", "x")?;
        let xs = DataArray::from_column(common::column(&table, x)?);
        let xl = self.opts.label(x);
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
            hover.push(("count".to_owned(), "%{y}"));
            let mut trace = Histogram::new()
                .x(xs.select(&group.rows))
                .marker_color(self.opts.color(i))
                .bingroup("x")
                .hovertemplate(common::hovertemplate(&hover));
            if let Some(n) = self.nbins {
                trace = trace.nbinsx(n);
            }
            if self.barmode == BarMode::Overlay {
                trace = trace.opacity(0.6);
            }
            fig.add_trace(match group.name {
                Some(name) => trace.name(&name).legendgroup(name).showlegend(true),
                None => trace.showlegend(false),
            });
        }
        let mut layout = self
            .opts
            .layout()
            .barmode(self.barmode)
            .xaxis_title(xl)
            .yaxis_title("count");
        if let Some(c) = &self.color {
            layout = layout.legend(Legend::titled(self.opts.label(c)));
        }
        Ok(fig.layout(layout))
    }
}
