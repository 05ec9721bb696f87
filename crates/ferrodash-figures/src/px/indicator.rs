//! [`indicator`]: a KPI figure.

use super::common::{Options, option_methods};
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::Margin;
use crate::trace::{Delta, Gauge, Indicator, NumberFormat};

/// A KPI builder; see [`indicator`].
#[derive(Debug, Clone)]
#[must_use]
pub struct IndicatorChart {
    value: f64,
    reference: Option<f64>,
    relative: bool,
    lower_is_better: bool,
    number: NumberFormat,
    gauge: Option<(f64, f64)>,
    opts: Options,
}

/// A KPI figure showing `value`; with [`reference`](IndicatorChart::reference),
/// the change against it (an arrow, green up and red down unless
/// [`lower_is_better`](IndicatorChart::lower_is_better)).
///
/// The title goes above the number (in the trace, as Plotly does for
/// indicators), not in the layout.
///
/// ```
/// use ferrodash_figures::px;
///
/// let fig = px::indicator(1_250_000.0)
///     .title("Revenue")
///     .reference(1_000_000.0)
///     .relative(true)
///     .prefix("$")
///     .format(",.0f")
///     .build()?;
/// let v = fig.to_value();
/// assert_eq!(v["data"][0]["mode"], "number+delta");
/// assert_eq!(v["data"][0]["delta"]["reference"], 1_000_000.0);
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn indicator(value: f64) -> IndicatorChart {
    IndicatorChart {
        value,
        reference: None,
        relative: false,
        lower_is_better: false,
        number: NumberFormat::default(),
        gauge: None,
        opts: Options::default(),
    }
}

impl IndicatorChart {
    option_methods!();

    /// The value the change is measured against (e.g. last period's).
    pub const fn reference(mut self, reference: f64) -> Self {
        self.reference = Some(reference);
        self
    }

    /// Show the change as a percentage of the reference.
    pub const fn relative(mut self, relative: bool) -> Self {
        self.relative = relative;
        self
    }

    /// A fall is good news (costs, latency): colour it green.
    pub const fn lower_is_better(mut self, lower: bool) -> Self {
        self.lower_is_better = lower;
        self
    }

    /// A d3-format string for the number, e.g. `",.0f"`, `".1%"`.
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.number.valueformat = Some(format.into());
        self
    }

    /// Text before the number, e.g. `"$"`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.number.prefix = Some(prefix.into());
        self
    }

    /// Text after the number, e.g. `" ms"`.
    pub fn suffix(mut self, suffix: impl Into<String>) -> Self {
        self.number.suffix = Some(suffix.into());
        self
    }

    /// A gauge from `min` to `max` behind the number.
    pub const fn gauge(mut self, min: f64, max: f64) -> Self {
        self.gauge = Some((min, max));
        self
    }

    /// The figure.
    ///
    /// # Errors
    ///
    /// None at present; `Result` keeps the signature of the other charts.
    pub fn build(self) -> Result<Figure, FigureError> {
        let mut trace = Indicator::new(self.value).number(self.number);
        if let Some(title) = &self.opts.title {
            trace = trace.title(title);
        }
        if let Some(reference) = self.reference {
            let (good, bad) = ("#16a34a", "#dc2626");
            let mut delta = Delta::new(reference).relative(self.relative);
            if self.relative {
                delta = delta.valueformat(".1%");
            }
            delta = if self.lower_is_better {
                delta.colors(bad, good)
            } else {
                delta.colors(good, bad)
            };
            trace = trace.delta(delta);
        }
        if let Some((min, max)) = self.gauge {
            trace = trace.gauge(Gauge::new(min, max).bar_color(self.opts.color(0)));
        }
        let mut opts = self.opts;
        opts.title = None;
        let layout = opts.layout().margin(Margin::new(20, 20, 40, 20));
        Ok(Figure::new().trace(trace).layout(layout))
    }
}
