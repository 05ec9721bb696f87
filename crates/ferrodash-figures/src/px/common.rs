//! What every Plotly-Express-style chart shares: the table it reads,
//! common options (title, labels, template, colours, size) and column
//! helpers.

use std::borrow::Cow;

use ferrodash_core::{Column, Columns, ColumnsError};
use serde::Serialize;

use crate::error::FigureError;
use crate::layout::Layout;
use crate::template::{COLORWAY, Template};

/// A table a chart can read: [`Columns`] (borrowed or owned) or rows of
/// any `serde::Serialize` struct or map (converted with
/// [`Columns::from_rows`]).
pub trait IntoColumns<'a> {
    /// The table, or why the rows could not be read as one.
    ///
    /// # Errors
    ///
    /// [`ColumnsError`] when a row is not a struct or map.
    fn into_columns(self) -> Result<Cow<'a, Columns>, ColumnsError>;
}

impl<'a> IntoColumns<'a> for &'a Columns {
    fn into_columns(self) -> Result<Cow<'a, Columns>, ColumnsError> {
        Ok(Cow::Borrowed(self))
    }
}

impl IntoColumns<'static> for Columns {
    fn into_columns(self) -> Result<Cow<'static, Columns>, ColumnsError> {
        Ok(Cow::Owned(self))
    }
}

impl<'a, T: Serialize> IntoColumns<'a> for &'a [T] {
    fn into_columns(self) -> Result<Cow<'a, Columns>, ColumnsError> {
        Columns::from_rows(self).map(Cow::Owned)
    }
}

impl<'a, T: Serialize> IntoColumns<'a> for &'a Vec<T> {
    fn into_columns(self) -> Result<Cow<'a, Columns>, ColumnsError> {
        Columns::from_rows(self).map(Cow::Owned)
    }
}

impl<'a, T: Serialize, const N: usize> IntoColumns<'a> for &'a [T; N] {
    fn into_columns(self) -> Result<Cow<'a, Columns>, ColumnsError> {
        Columns::from_rows(self).map(Cow::Owned)
    }
}

/// A chart's table, or the error met reading it (reported by `build`).
pub(crate) type Table<'a> = Result<Cow<'a, Columns>, ColumnsError>;

/// Whether scatter and line charts draw with SVG or WebGL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RenderMode {
    /// WebGL (`scattergl`) above the point threshold, SVG below it (the
    /// default, like Plotly Express's `render_mode="auto"`).
    #[default]
    Auto,
    /// Always SVG (`scatter`).
    Svg,
    /// Always WebGL (`scattergl`).
    WebGl,
}

/// The default point count above which [`RenderMode::Auto`] uses WebGL.
pub const WEBGL_THRESHOLD: usize = 1_000;

pub(crate) const fn use_webgl(mode: RenderMode, threshold: usize, points: usize) -> bool {
    match mode {
        RenderMode::Auto => points > threshold,
        RenderMode::Svg => false,
        RenderMode::WebGl => true,
    }
}

/// The group name of rows whose colour column is missing.
pub const MISSING_LABEL: &str = "(missing)";

/// Options every chart has.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) title: Option<String>,
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) template: Template,
    pub(crate) height: Option<u32>,
    pub(crate) width: Option<u32>,
    pub(crate) colors: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            title: None,
            labels: Vec::new(),
            template: Template::Light,
            height: None,
            width: None,
            colors: None,
        }
    }
}

/// The `i`th of `items`, cycling; `None` when there are none.
fn cycle<T>(items: &[T], i: usize) -> Option<&T> {
    items.get(i.checked_rem(items.len())?)
}

impl Options {
    /// The display label of a column (renamed by `labels`, else its name).
    pub(crate) fn label(&self, column: &str) -> String {
        self.labels
            .iter()
            .rev()
            .find(|(name, _)| name == column)
            .map_or_else(|| column.to_owned(), |(_, label)| label.clone())
    }

    /// The `i`th colour of the sequence, cycling.
    pub(crate) fn color(&self, i: usize) -> String {
        match self.colors.as_deref().and_then(|colors| cycle(colors, i)) {
            Some(color) => color.clone(),
            None => cycle(&COLORWAY, i).map_or_else(String::new, |&c| c.to_owned()),
        }
    }

    /// A layout with the title, template and size.
    pub(crate) fn layout(&self) -> Layout {
        let mut layout = Layout::new().template(self.template.clone());
        if let Some(title) = &self.title {
            layout = layout.title(title.as_str());
        }
        if let Some(h) = self.height {
            layout = layout.height(h);
        }
        if let Some(w) = self.width {
            layout = layout.width(w);
        }
        layout
    }
}

/// A setter naming the column an option reads; expects an
/// `Option<String>` field of the same name.
macro_rules! column_option {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        pub fn $name(mut self, column: impl Into<String>) -> Self {
            self.$name = Some(column.into());
            self
        }
    };
}

/// The SVG-or-WebGL setters; expects `render_mode` and `threshold` fields.
macro_rules! render_mode_methods {
    () => {
        /// SVG, WebGL, or WebGL above the point threshold (the default).
        pub const fn render_mode(mut self, mode: RenderMode) -> Self {
            self.render_mode = mode;
            self
        }

        /// The row count above which [`RenderMode::Auto`] uses WebGL.
        pub const fn webgl_threshold(mut self, points: usize) -> Self {
            self.threshold = points;
            self
        }
    };
}

/// Setters for [`Options`]; expects `self.opts`.
macro_rules! option_methods {
    () => {
        /// The figure title.
        pub fn title(mut self, title: impl Into<String>) -> Self {
            self.opts.title = Some(title.into());
            self
        }

        /// Display names for columns, used for axis titles, the legend
        /// title and hover labels, e.g. `[("amount", "Revenue")]`.
        pub fn labels<K: Into<String>, V: Into<String>>(
            mut self,
            labels: impl IntoIterator<Item = (K, V)>,
        ) -> Self {
            self.opts
                .labels
                .extend(labels.into_iter().map(|(k, v)| (k.into(), v.into())));
            self
        }

        /// The template ([`Template::Light`](crate::Template::Light) by default).
        pub fn template(mut self, template: crate::Template) -> Self {
            self.opts.template = template;
            self
        }

        /// The figure height in pixels.
        pub const fn height(mut self, px: u32) -> Self {
            self.opts.height = Some(px);
            self
        }

        /// The figure width in pixels (by default it fills its container).
        pub const fn width(mut self, px: u32) -> Self {
            self.opts.width = Some(px);
            self
        }

        /// The colours given to categories, in order (cycling); by default
        /// [`COLORWAY`](crate::COLORWAY).
        pub fn color_sequence<S: Into<String>>(
            mut self,
            colors: impl IntoIterator<Item = S>,
        ) -> Self {
            self.opts.colors = Some(colors.into_iter().map(Into::into).collect());
            self
        }
    };
}
pub(crate) use column_option;
pub(crate) use option_methods;
pub(crate) use render_mode_methods;

/// The column called `name`.
pub(crate) fn column<'c>(table: &'c Columns, name: &str) -> Result<&'c Column, FigureError> {
    table.get(name).ok_or_else(|| FigureError::MissingColumn {
        name: name.to_owned(),
        available: table.names().to_vec(),
    })
}

/// The numbers of column `name` (missing as `NaN`).
pub(crate) fn numbers(table: &Columns, name: &str) -> Result<Vec<f64>, FigureError> {
    let col = column(table, name)?;
    col.to_f64().ok_or_else(|| FigureError::NotNumeric {
        name: name.to_owned(),
        kind: col.kind(),
    })
}

/// A required option's value.
pub(crate) fn required<'o>(
    value: Option<&'o String>,
    chart: &'static str,
    option: &'static str,
) -> Result<&'o str, FigureError> {
    value
        .map(String::as_str)
        .ok_or(FigureError::MissingOption { chart, option })
}

/// Rows sharing one value of the colour column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    /// The value (`None` when there is no colour column).
    pub(crate) name: Option<String>,
    /// The rows, in table order.
    pub(crate) rows: Vec<usize>,
}

/// The rows split by the values of `color`, in order of first appearance;
/// one unnamed group of every row without a colour column.
pub(crate) fn groups(table: &Columns, color: Option<&str>) -> Result<Vec<Group>, FigureError> {
    let Some(color) = color else {
        return Ok(vec![Group {
            name: None,
            rows: (0..table.len()).collect(),
        }]);
    };
    let values = column(table, color)?.to_text();
    let mut groups: Vec<Group> = Vec::new();
    for (row, value) in values.into_iter().enumerate() {
        let name = value.unwrap_or_else(|| MISSING_LABEL.to_owned());
        match groups.iter_mut().find(|g| g.name.as_deref() == Some(&name)) {
            Some(g) => g.rows.push(row),
            None => groups.push(Group {
                name: Some(name),
                rows: vec![row],
            }),
        }
    }
    Ok(groups)
}

/// A hover template from `(label, placeholder)` pairs, e.g.
/// `region=%{x}<br>Revenue=%{y}<extra></extra>`.
pub(crate) fn hovertemplate(parts: &[(String, &str)]) -> String {
    let body: Vec<String> = parts
        .iter()
        .map(|(label, placeholder)| format!("{}={placeholder}", escape(label)))
        .collect();
    format!("{}<extra></extra>", body.join("<br>"))
}

/// A literal for hover templates: `%{` would start a placeholder.
pub(crate) fn escape(text: &str) -> String {
    text.replace("%{", "%\u{200b}{")
}

/// `value` with `decimals` decimals and commas between thousands, e.g.
/// `format_thousands(1234567.891, 2)` is `"1,234,567.89"`.
#[must_use]
pub fn format_thousands(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 2);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Decimals to show a total with: none for whole numbers, else up to two
/// (trailing zeros dropped).
pub(crate) fn auto_decimals(value: f64) -> usize {
    let cents = (value * 100.0).round();
    if cents % 100.0 == 0.0 {
        0
    } else if cents % 10.0 == 0.0 {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use ferrodash_core::Column;

    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(format_thousands(0.0, 0), "0");
        assert_eq!(format_thousands(999.0, 0), "999");
        assert_eq!(format_thousands(1000.0, 0), "1,000");
        assert_eq!(format_thousands(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(format_thousands(-1_234_567.0, 0), "-1,234,567");
        assert_eq!(format_thousands(-0.001, 2), "0.00");
        assert_eq!(format_thousands(100_000.5, 1), "100,000.5");
        assert_eq!(auto_decimals(12.0), 0);
        assert_eq!(auto_decimals(12.5), 1);
        assert_eq!(auto_decimals(12.25), 2);
    }

    #[test]
    fn groups_in_first_appearance_order() {
        let t = Columns::new()
            .with_column(
                "c",
                Column::Text(vec![
                    Some("b".into()),
                    Some("a".into()),
                    None,
                    Some("b".into()),
                ]),
            )
            .unwrap();
        let g = groups(&t, Some("c")).unwrap();
        let names: Vec<_> = g.iter().map(|g| g.name.clone().unwrap()).collect();
        assert_eq!(names, ["b", "a", MISSING_LABEL]);
        assert_eq!(g[0].rows, [0, 3]);
    }

    #[test]
    fn column_errors_name_the_column() {
        let t = Columns::new()
            .with_column("a", Column::Text(vec![Some("x".into())]))
            .unwrap();
        assert_eq!(
            column(&t, "b").unwrap_err(),
            FigureError::MissingColumn {
                name: "b".into(),
                available: vec!["a".into()]
            }
        );
        assert_eq!(
            numbers(&t, "a").unwrap_err(),
            FigureError::NotNumeric {
                name: "a".into(),
                kind: "text"
            }
        );
        assert!(
            column(&t, "b")
                .unwrap_err()
                .to_string()
                .contains("the table has: a")
        );
    }

    #[test]
    fn labels_and_colors() {
        let o = Options {
            labels: vec![("amount".into(), "Revenue".into())],
            colors: Some(vec!["red".into(), "blue".into()]),
            ..Options::default()
        };
        assert_eq!(o.label("amount"), "Revenue");
        assert_eq!(o.label("region"), "region");
        assert_eq!(o.color(3), "blue");
        assert_eq!(
            hovertemplate(&[("a".into(), "%{x}"), ("b".into(), "%{y}")]),
            "a=%{x}<br>b=%{y}<extra></extra>"
        );
    }
}
