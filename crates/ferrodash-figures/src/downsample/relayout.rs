//! Reading a dcc.Graph's `relayoutData` for what happened to an x axis.

use std::fmt;

use serde_json::{Map, Value};

use super::date::{DateError, parse_plotly_date};

/// What a relayout did to one x axis, from [`parse_relayout`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum AxisUpdate {
    /// Nothing about this axis (a y-only zoom, a dragmode change, spikes,
    /// no relayout yet): keep what is shown, e.g. raise `PreventUpdate`.
    Unchanged,
    /// Autorange, a double-click reset or an autosize: show the whole series.
    Autorange,
    /// Zoom or pan to a range, in axis units (ms since the epoch for date
    /// axes). The ends are in the order Plotly sent them (start > end on a
    /// reversed axis). An end that is `None` was not sent (dragging one end
    /// of an axis sends only that end) and keeps its current value.
    Range {
        /// `range[0]`.
        start: Option<f64>,
        /// `range[1]`.
        end: Option<f64>,
    },
}

impl AxisUpdate {
    /// The range to show after this update, given the range shown before
    /// (`None`: the whole series), in the form [`view`](super::view())
    /// takes. A range end that was not sent keeps its value from `current`,
    /// or is unbounded when `current` is `None`.
    ///
    /// ```
    /// use ferrodash_figures::downsample::AxisUpdate;
    ///
    /// let drag_end = AxisUpdate::Range { start: None, end: Some(50.0) };
    /// assert_eq!(drag_end.apply(Some((10.0, 90.0))), Some((10.0, 50.0)));
    /// assert_eq!(AxisUpdate::Autorange.apply(Some((10.0, 90.0))), None);
    /// ```
    #[must_use]
    pub fn apply(self, current: Option<(f64, f64)>) -> Option<(f64, f64)> {
        match self {
            Self::Unchanged => current,
            Self::Autorange => None,
            Self::Range { start, end } => {
                let (a, b) = current.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
                Some((start.unwrap_or(a), end.unwrap_or(b)))
            }
        }
    }
}

/// Why `relayoutData` could not be read. Only the keys for the axis asked
/// about are read, so this never reports other axes or unknown keys.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RelayoutError {
    /// `relayoutData` is neither an object nor `null`.
    NotAnObject,
    /// `<axis>.range` is not a list of two ends.
    NotAPair {
        /// The key, e.g. `"xaxis.range"`.
        key: String,
    },
    /// A range end is neither a number nor a string.
    WrongType {
        /// The end, e.g. `"xaxis.range[0]"`.
        key: String,
    },
    /// A range end is a string but not a Plotly date.
    Date {
        /// The end, e.g. `"xaxis.range[0]"`.
        key: String,
        /// What is wrong with it.
        error: DateError,
    },
}

impl fmt::Display for RelayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnObject => f.write_str("relayoutData is not an object"),
            Self::NotAPair { key } => write!(f, "`{key}` is not a list of two ends"),
            Self::WrongType { key } => write!(f, "`{key}` is neither a number nor a date"),
            Self::Date { key, error } => write!(f, "`{key}`: {error}"),
        }
    }
}

impl std::error::Error for RelayoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Date { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Reads a dcc.Graph's `relayoutData` for what the user did to the x axis
/// named `axis` (`"xaxis"`, `"xaxis2"`, …).
///
/// - [`AxisUpdate::Autorange`]: `"<axis>.autorange"` is `true` or one of
///   Plotly's autorange strings (`"reversed"`, `"min"`, …), also as
///   `{"<axis>": {"autorange": …}}`; or else `"autosize": true` (sent on
///   first render and on resize) with no range for this axis.
/// - [`AxisUpdate::Range`]: `"<axis>.range[0]"` and/or `"<axis>.range[1]"`,
///   or `"<axis>.range": [a, b]`, or `{"<axis>": {"range": [a, b]}}`. Ends
///   are numbers, or Plotly date strings converted to ms since the Unix
///   epoch in UTC ([`parse_plotly_date`](super::parse_plotly_date)).
/// - [`AxisUpdate::Unchanged`]: anything else, including `null` (no
///   relayout yet) and an `autorange` that is `false` or not understood.
///
/// ```
/// use ferrodash_figures::downsample::{parse_relayout, AxisUpdate};
/// use serde_json::json;
///
/// let zoom = json!({"xaxis.range[0]": "2026-01-03", "xaxis.range[1]": 1.8e12});
/// assert_eq!(
///     parse_relayout(&zoom, "xaxis"),
///     Ok(AxisUpdate::Range { start: Some(1_767_398_400_000.0), end: Some(1.8e12) }),
/// );
/// let reset = json!({"xaxis.autorange": true, "yaxis.autorange": true});
/// assert_eq!(parse_relayout(&reset, "xaxis"), Ok(AxisUpdate::Autorange));
/// let y_zoom = json!({"yaxis.range[0]": 0, "yaxis.range[1]": 1});
/// assert_eq!(parse_relayout(&y_zoom, "xaxis"), Ok(AxisUpdate::Unchanged));
/// ```
///
/// # Errors
///
/// `relayoutData` comes from the browser, so it is untrusted. A value that
/// is not an object or `null`, or a range key for this axis whose value is
/// malformed, gives a [`RelayoutError`] (callers usually treat it as
/// "no change"). Never panics.
pub fn parse_relayout(data: &Value, axis: &str) -> Result<AxisUpdate, RelayoutError> {
    let obj = match data {
        Value::Null => return Ok(AxisUpdate::Unchanged),
        Value::Object(obj) => obj,
        _ => return Err(RelayoutError::NotAnObject),
    };
    let nested = obj.get(axis).and_then(Value::as_object);
    let autorange = obj
        .get(&format!("{axis}.autorange"))
        .or_else(|| nested.and_then(|n| n.get("autorange")));
    if autorange.is_some_and(is_autorange) {
        return Ok(AxisUpdate::Autorange);
    }
    if let Some(update) = range(obj, nested, axis)? {
        return Ok(update);
    }
    if obj.get("autosize") == Some(&Value::Bool(true)) {
        return Ok(AxisUpdate::Autorange);
    }
    Ok(AxisUpdate::Unchanged)
}

/// Whether an `autorange` value turns autorange on.
fn is_autorange(value: &Value) -> bool {
    match value {
        Value::Bool(on) => *on,
        Value::String(s) => matches!(
            s.as_str(),
            "reversed" | "min" | "max" | "min reversed" | "max reversed"
        ),
        _ => false,
    }
}

/// The range this relayout sets for `axis`, if any.
fn range(
    obj: &Map<String, Value>,
    nested: Option<&Map<String, Value>>,
    axis: &str,
) -> Result<Option<AxisUpdate>, RelayoutError> {
    let whole_key = format!("{axis}.range");
    let whole = obj
        .get(&whole_key)
        .or_else(|| nested.and_then(|n| n.get("range")));
    if let Some(whole) = whole {
        let Some([a, b]) = whole.as_array().map(Vec::as_slice) else {
            return Err(RelayoutError::NotAPair { key: whole_key });
        };
        return Ok(Some(AxisUpdate::Range {
            start: Some(range_end(a, &whole_key, 0)?),
            end: Some(range_end(b, &whole_key, 1)?),
        }));
    }
    let mut ends = [None, None];
    for (i, end) in ends.iter_mut().enumerate() {
        if let Some(value) = obj.get(&format!("{axis}.range[{i}]")) {
            *end = Some(range_end(value, &whole_key, i)?);
        }
    }
    Ok(match ends {
        [None, None] => None,
        [start, end] => Some(AxisUpdate::Range { start, end }),
    })
}

/// One range end as a number (ms since the epoch for dates).
fn range_end(value: &Value, whole_key: &str, i: usize) -> Result<f64, RelayoutError> {
    let key = || format!("{whole_key}[{i}]");
    match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|v| v.is_finite())
            .ok_or_else(|| RelayoutError::WrongType { key: key() }),
        Value::String(s) => {
            parse_plotly_date(s).map_err(|error| RelayoutError::Date { key: key(), error })
        }
        _ => Err(RelayoutError::WrongType { key: key() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn parse(v: &Value) -> Result<AxisUpdate, RelayoutError> {
        parse_relayout(v, "xaxis")
    }

    fn range(a: f64, b: f64) -> Result<AxisUpdate, RelayoutError> {
        Ok(AxisUpdate::Range {
            start: Some(a),
            end: Some(b),
        })
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse(&json!({"xaxis.range[0]": 1, "xaxis.range[1]": 2.5})),
            range(1.0, 2.5)
        );
        assert_eq!(parse(&json!({"xaxis.range": [3, -1]})), range(3.0, -1.0));
        assert_eq!(parse(&json!({"xaxis": {"range": [0, 1]}})), range(0.0, 1.0));
        let dates = json!({
            "xaxis.range[0]": "2026-01-03 12:34",
            "xaxis.range[1]": "2026-01-03 12:34:56.789",
            "xaxis.autorange": false,
        });
        let day = 1_767_398_400_000.0;
        assert_eq!(parse(&dates), range(day + 45_240_000.0, day + 45_296_789.0));
        assert_eq!(
            parse(&json!({"xaxis.range[1]": 7})),
            Ok(AxisUpdate::Range {
                start: None,
                end: Some(7.0)
            })
        );
        let two = json!({"xaxis.range[0]": 1, "xaxis.range[1]": 2, "xaxis2.range": [5, 6]});
        assert_eq!(parse_relayout(&two, "xaxis2"), range(5.0, 6.0));
        assert_eq!(parse(&two), range(1.0, 2.0));
        // Range keys beat autosize.
        assert_eq!(
            parse(&json!({"autosize": true, "xaxis.range": [1, 2]})),
            range(1.0, 2.0)
        );
    }

    #[test]
    fn autorange_and_unchanged() {
        for v in [
            json!({"xaxis.autorange": true}),
            json!({"xaxis.autorange": true, "yaxis.autorange": true}),
            json!({"xaxis.autorange": "reversed"}),
            json!({"xaxis": {"autorange": true}}),
            json!({"autosize": true}),
            json!({"xaxis.autorange": true, "xaxis.range": [1, 2]}),
        ] {
            assert_eq!(parse(&v), Ok(AxisUpdate::Autorange), "{v}");
        }
        for v in [
            Value::Null,
            json!({}),
            json!({"yaxis.range[0]": 0, "yaxis.range[1]": 1}),
            json!({"dragmode": "pan"}),
            json!({"xaxis.showspikes": false}),
            json!({"xaxis.autorange": false}),
            json!({"xaxis.autorange": "sideways"}),
            json!({"xaxis2.range": [1, 2], "xaxis2.autorange": true}),
            json!({"xaxis.rangeslider.range": [1, 2]}),
            json!({"autosize": false}),
            json!({"xaxis": 3}),
        ] {
            assert_eq!(parse(&v), Ok(AxisUpdate::Unchanged), "{v}");
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(parse(&json!([1, 2])), Err(RelayoutError::NotAnObject));
        assert_eq!(parse(&json!("xaxis")), Err(RelayoutError::NotAnObject));
        let not_pair = |key: &str| {
            Err(RelayoutError::NotAPair {
                key: key.to_owned(),
            })
        };
        assert_eq!(parse(&json!({"xaxis.range": [1]})), not_pair("xaxis.range"));
        assert_eq!(
            parse(&json!({"xaxis.range": [1, 2, 3]})),
            not_pair("xaxis.range")
        );
        assert_eq!(
            parse(&json!({"xaxis.range": "1,2"})),
            not_pair("xaxis.range")
        );
        assert_eq!(
            parse(&json!({"xaxis": {"range": {}}})),
            not_pair("xaxis.range")
        );
        let wrong = |key: &str| {
            Err(RelayoutError::WrongType {
                key: key.to_owned(),
            })
        };
        assert_eq!(
            parse(&json!({"xaxis.range[0]": null})),
            wrong("xaxis.range[0]")
        );
        assert_eq!(
            parse(&json!({"xaxis.range": [1, true]})),
            wrong("xaxis.range[1]")
        );
        assert_eq!(
            parse(&json!({"xaxis.range[1]": [1]})),
            wrong("xaxis.range[1]")
        );
        let err = parse(&json!({"xaxis.range[0]": "yesterday", "xaxis.range[1]": 1})).unwrap_err();
        assert_eq!(
            err,
            RelayoutError::Date {
                key: "xaxis.range[0]".to_owned(),
                error: DateError::Syntax
            }
        );
        assert_eq!(
            err.to_string(),
            format!("`xaxis.range[0]`: {}", DateError::Syntax)
        );
        assert!(std::error::Error::source(&err).is_some());
        let huge = json!({"xaxis.range[0]": "9".repeat(1 << 20), "xaxis.range[1]": 1});
        assert!(matches!(
            parse(&huge),
            Err(RelayoutError::Date {
                error: DateError::TooLong { .. },
                ..
            })
        ));
    }

    #[test]
    fn apply() {
        let cur = Some((0.0, 10.0));
        assert_eq!(AxisUpdate::Unchanged.apply(cur), cur);
        assert_eq!(AxisUpdate::Unchanged.apply(None), None);
        let start_only = AxisUpdate::Range {
            start: Some(4.0),
            end: None,
        };
        assert_eq!(start_only.apply(cur), Some((4.0, 10.0)));
        assert_eq!(start_only.apply(None), Some((4.0, f64::INFINITY)));
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<f64>().prop_map(|f| json!(f)),
            any::<i64>().prop_map(|i| json!(i)),
            proptest::collection::vec(any::<char>(), 0..30)
                .prop_map(|c| Value::String(c.into_iter().collect())),
            proptest::sample::select(vec!["2026-01-03", "1969-12-31 23:59:59.9", "2026-02-30"])
                .prop_map(|s| json!(s)),
        ];
        let keys = proptest::sample::select(vec![
            "xaxis.range[0]",
            "xaxis.range[1]",
            "xaxis.range",
            "xaxis.autorange",
            "xaxis",
            "range",
            "autorange",
            "autosize",
            "yaxis.range[0]",
        ]);
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((keys.clone(), inner), 0..4).prop_map(|kv| {
                    Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn never_panics(v in arb_json()) {
            if let Ok(AxisUpdate::Range { start, end }) = parse(&v) {
                prop_assert!(start.is_some() || end.is_some());
                prop_assert!(start.into_iter().chain(end).all(f64::is_finite));
            }
        }
    }
}
