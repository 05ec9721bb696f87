//! `indicator` traces: a KPI number with an optional delta and gauge.

use serde::Serialize;

use super::Common;
use crate::attrs::Extra;

/// How the number is written (`number`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NumberFormat {
    /// A d3-format string, e.g. `",.0f"`, `".1%"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valueformat: Option<String>,
    /// Text before the number, e.g. `"$"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Text after the number, e.g. `" kWh"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

impl NumberFormat {
    /// A format from a d3-format string.
    #[must_use]
    pub fn new(valueformat: impl Into<String>) -> Self {
        Self {
            valueformat: Some(valueformat.into()),
            ..Self::default()
        }
    }

    /// The same format with a prefix.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// The same format with a suffix.
    #[must_use]
    pub fn suffix(mut self, suffix: impl Into<String>) -> Self {
        self.suffix = Some(suffix.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct DeltaColor {
    color: String,
}

/// The change against a reference value (`delta`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Delta {
    /// The value compared against.
    pub reference: f64,
    /// Whether the change is shown relative to the reference (a ratio).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative: Option<bool>,
    /// A d3-format string for the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valueformat: Option<String>,
    /// `"top"`, `"bottom"`, `"left"` or `"right"` of the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    increasing: Option<DeltaColor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decreasing: Option<DeltaColor>,
}

impl Delta {
    /// The change against `reference`.
    #[must_use]
    pub fn new(reference: f64) -> Self {
        Self {
            reference,
            ..Self::default()
        }
    }

    /// Show the change as a ratio of the reference.
    #[must_use]
    pub const fn relative(mut self, relative: bool) -> Self {
        self.relative = Some(relative);
        self
    }

    /// A d3-format string for the change, e.g. `".1%"`.
    #[must_use]
    pub fn valueformat(mut self, format: impl Into<String>) -> Self {
        self.valueformat = Some(format.into());
        self
    }

    /// The colours of a rise and a fall (for metrics where lower is better,
    /// swap them).
    #[must_use]
    pub fn colors(mut self, increasing: impl Into<String>, decreasing: impl Into<String>) -> Self {
        self.increasing = Some(DeltaColor {
            color: increasing.into(),
        });
        self.decreasing = Some(DeltaColor {
            color: decreasing.into(),
        });
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct GaugeAxis {
    range: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct GaugeBar {
    color: String,
}

/// A gauge behind the number (`gauge`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Gauge {
    axis: GaugeAxis,
    #[serde(skip_serializing_if = "Option::is_none")]
    bar: Option<GaugeBar>,
    /// `"angular"` (the default) or `"bullet"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
}

impl Gauge {
    /// A gauge from `min` to `max`.
    #[must_use]
    pub const fn new(min: f64, max: f64) -> Self {
        Self {
            axis: GaugeAxis { range: [min, max] },
            bar: None,
            shape: None,
        }
    }

    /// The colour of the filled bar.
    #[must_use]
    pub fn bar_color(mut self, color: impl Into<String>) -> Self {
        self.bar = Some(GaugeBar {
            color: color.into(),
        });
        self
    }

    /// A horizontal bullet gauge instead of an arc.
    #[must_use]
    pub fn bullet(mut self) -> Self {
        self.shape = Some("bullet".to_owned());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Title {
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Domain {
    x: [f64; 2],
    y: [f64; 2],
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct Fields {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    common: Common,
    mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<NumberFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delta: Option<Delta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gauge: Option<Gauge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<Title>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<Domain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    align: Option<String>,
}

/// An `indicator` trace. Its `mode` follows what is set: `"number"`, plus
/// `"+delta"` with a [`Delta`] and `"+gauge"` with a [`Gauge`].
///
/// ```
/// use ferrodash_figures::trace::{Delta, Indicator, NumberFormat};
///
/// let t = Indicator::new(1250.0)
///     .title("Revenue")
///     .number(NumberFormat::new(",.0f").prefix("$"))
///     .delta(Delta::new(1000.0).relative(true));
/// assert_eq!(serde_json::to_value(&t).unwrap()["mode"], "number+delta");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    f: Fields,
    extra: Extra,
}

serialize_with_extra!(Indicator);

impl Indicator {
    /// An indicator showing `value`.
    #[must_use]
    pub fn new(value: f64) -> Self {
        Self {
            f: Fields {
                kind: "indicator",
                mode: "number".to_owned(),
                value: value.is_finite().then_some(value),
                ..Fields::default()
            },
            extra: Extra::default(),
        }
    }

    common_methods!();

    fn refresh_mode(&mut self) {
        let mut mode = String::from("number");
        if self.f.delta.is_some() {
            mode.push_str("+delta");
        }
        if self.f.gauge.is_some() {
            mode.push_str("+gauge");
        }
        self.f.mode = mode;
    }

    /// How the number is written.
    #[must_use]
    pub fn number(mut self, format: NumberFormat) -> Self {
        self.f.number = Some(format);
        self
    }

    /// Shows the change against a reference.
    #[must_use]
    pub fn delta(mut self, delta: Delta) -> Self {
        self.f.delta = Some(delta);
        self.refresh_mode();
        self
    }

    /// Shows a gauge.
    #[must_use]
    pub fn gauge(mut self, gauge: Gauge) -> Self {
        self.f.gauge = Some(gauge);
        self.refresh_mode();
        self
    }

    /// The title above the number.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.f.title = Some(Title { text: title.into() });
        self
    }

    /// The share of the figure the indicator fills (paper coordinates
    /// `[x0, x1]`, `[y0, y1]`), to place several in one figure.
    #[must_use]
    pub const fn domain(mut self, x: [f64; 2], y: [f64; 2]) -> Self {
        self.f.domain = Some(Domain { x, y });
        self
    }

    /// `"left"`, `"center"` or `"right"`.
    #[must_use]
    pub fn align(mut self, align: impl Into<String>) -> Self {
        self.f.align = Some(align.into());
        self
    }
}
