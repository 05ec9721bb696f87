//! [`pie`] and [`donut`]: sector charts with an optional centre text.

use super::common::{
    self, IntoColumns, MISSING_LABEL, Options, Table, column_option, option_methods,
};
use crate::data_array::DataArray;
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::{Annotation, Legend};
use crate::trace::{Marker, Pie};

/// The hole of a [`donut`], as a share of the radius.
pub const DONUT_HOLE: f64 = 0.5;

#[derive(Debug, Clone)]
enum Centre {
    Text(String),
    Total { prefix: String, suffix: String },
}

/// A pie or donut chart builder; see [`pie`] and [`donut`].
#[derive(Debug, Clone)]
#[must_use]
pub struct PieChart<'a> {
    table: Table<'a>,
    names: Option<String>,
    values: Option<String>,
    hole: Option<f64>,
    textinfo: Option<String>,
    centre: Option<Centre>,
    opts: Options,
}

/// A pie chart of `data`: sectors named by [`names`](PieChart::names),
/// sized by [`values`](PieChart::values) (without values, rows are
/// counted). Repeated names are summed by plotly.js.
///
/// ```
/// use ferrodash_figures::px;
///
/// #[derive(serde::Serialize)]
/// struct Row { channel: &'static str, orders: i64 }
/// let rows = [Row { channel: "Web", orders: 1200 }, Row { channel: "Store", orders: 34 }];
/// let fig = px::donut(&rows).names("channel").values("orders").centre_total().build()?;
/// assert_eq!(fig.to_value()["layout"]["annotations"][0]["text"], "1,234");
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn pie<'a>(data: impl IntoColumns<'a>) -> PieChart<'a> {
    PieChart {
        table: data.into_columns(),
        names: None,
        values: None,
        hole: None,
        textinfo: None,
        centre: None,
        opts: Options::default(),
    }
}

/// A donut chart: a [`pie`] with a hole of [`DONUT_HOLE`].
pub fn donut<'a>(data: impl IntoColumns<'a>) -> PieChart<'a> {
    pie(data).hole(DONUT_HOLE)
}

impl PieChart<'_> {
    option_methods!();

    column_option!(
        /// The column naming each sector.
        names
    );

    column_option!(
        /// The numeric column sizing each sector.
        values
    );

    /// The hole's share of the radius, 0 to 1.
    pub const fn hole(mut self, hole: f64) -> Self {
        self.hole = Some(hole);
        self
    }

    /// What sectors show, e.g. `"label+percent"`, `"value"`.
    pub fn textinfo(mut self, info: impl Into<String>) -> Self {
        self.textinfo = Some(info.into());
        self
    }

    /// Text in the centre (meant for donuts).
    pub fn centre_text(mut self, text: impl Into<String>) -> Self {
        self.centre = Some(Centre::Text(text.into()));
        self
    }

    /// The total of the values in the centre, with thousands separators
    /// (`1,234,567`; up to two decimals when the total has a fraction).
    pub fn centre_total(self) -> Self {
        self.centre_total_with("", "")
    }

    /// [`centre_total`](PieChart::centre_total) with text before and after,
    /// e.g. `("$", "")` or `("", " orders")`.
    pub fn centre_total_with(
        mut self,
        prefix: impl Into<String>,
        suffix: impl Into<String>,
    ) -> Self {
        self.centre = Some(Centre::Total {
            prefix: prefix.into(),
            suffix: suffix.into(),
        });
        self
    }

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when `names` is not set, a column is not in the
    /// table, or the values column is not numeric.
    pub fn build(self) -> Result<Figure, FigureError> {
        let table = self.table?;
        let names = common::required(self.names.as_ref(), "pie", "names")?;
        let labels: Vec<String> = common::column(&table, names)?
            .to_text()
            .into_iter()
            .map(|l| l.unwrap_or_else(|| MISSING_LABEL.to_owned()))
            .collect();
        let values = match &self.values {
            Some(v) => Some(common::numbers(&table, v)?),
            None => None,
        };
        // One colour per distinct name, in order of first appearance.
        let mut distinct: Vec<&str> = Vec::new();
        let colors: Vec<String> = labels
            .iter()
            .map(|l| {
                let i = distinct.iter().position(|d| d == l).unwrap_or_else(|| {
                    distinct.push(l);
                    distinct.len() - 1
                });
                self.opts.color(i)
            })
            .collect();
        let name_label = self.opts.label(names);
        let value_label = self
            .values
            .as_deref()
            .map_or_else(|| "count".to_owned(), |v| self.opts.label(v));
        let mut trace = Pie::new()
            .labels(DataArray::from(labels.clone()))
            .marker(Marker::new().colors(colors))
            .hovertemplate(common::hovertemplate(&[
                (name_label.clone(), "%{label}"),
                (value_label, "%{value}"),
            ]));
        if let Some(v) = &values {
            trace = trace.values(DataArray::Numbers(v.clone()));
        }
        if let Some(h) = self.hole {
            trace = trace.hole(h);
        }
        if let Some(info) = self.textinfo {
            trace = trace.textinfo(info);
        }
        let mut layout = self.opts.layout().legend(Legend::titled(name_label));
        if let Some(centre) = self.centre {
            let text = match centre {
                Centre::Text(t) => t,
                Centre::Total { prefix, suffix } => {
                    #[allow(clippy::cast_precision_loss)]
                    let total = values.as_ref().map_or(labels.len() as f64, |v| {
                        v.iter().filter(|x| x.is_finite()).sum()
                    });
                    let n = common::format_thousands(total, common::auto_decimals(total));
                    format!("{prefix}{n}{suffix}")
                }
            };
            layout = layout.annotation(Annotation::paper(text, 0.5, 0.5).font_size(20.0));
        }
        Ok(Figure::new().trace(trace).layout(layout))
    }
}
