//! [`heatmap`] (a pivot of x/y/z columns) and [`heatmap_matrix`].

use ferrodash_core::Column;

use super::common::{self, IntoColumns, Options, Table, option_methods};
use crate::data_array::{DataArray, DataMatrix};
use crate::error::FigureError;
use crate::figure::Figure;
use crate::trace::Heatmap;

#[derive(Debug, Clone)]
enum Source<'a> {
    Table {
        table: Table<'a>,
        x: Option<String>,
        y: Option<String>,
        z: Option<String>,
    },
    Matrix(Vec<Vec<f64>>),
}

/// A heatmap builder; see [`heatmap`] and [`heatmap_matrix`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HeatmapChart<'a> {
    source: Source<'a>,
    x_labels: Option<DataArray>,
    y_labels: Option<DataArray>,
    colorscale: Option<String>,
    sort: bool,
    show_values: bool,
    opts: Options,
}

/// A heatmap pivoted from `data`: one column per distinct
/// [`x`](HeatmapChart::x), one row per distinct [`y`](HeatmapChart::y)
/// (in order of first appearance, or sorted with
/// [`sort_categories`](HeatmapChart::sort_categories)), each cell the sum
/// of [`z`](HeatmapChart::z) over its rows (without z, the row count).
/// Cells without rows are empty; rows with a missing x or y are skipped.
///
/// ```
/// use ferrodash_figures::px;
///
/// #[derive(serde::Serialize)]
/// struct Row { day: &'static str, hour: i32, calls: i32 }
/// let rows = [
///     Row { day: "Mon", hour: 9, calls: 3 },
///     Row { day: "Mon", hour: 9, calls: 2 },
///     Row { day: "Tue", hour: 10, calls: 7 },
/// ];
/// let fig = px::heatmap(&rows).x("day").y("hour").z("calls").build()?;
/// let v = fig.array_encoding(ferrodash_figures::ArrayEncoding::Json).to_value();
/// assert_eq!(v["data"][0]["z"][0][0], 5);
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn heatmap<'a>(data: impl IntoColumns<'a>) -> HeatmapChart<'a> {
    HeatmapChart {
        source: Source::Table {
            table: data.into_columns(),
            x: None,
            y: None,
            z: None,
        },
        ..heatmap_matrix(Vec::new())
    }
}

/// A heatmap of a matrix given row by row (`z[row][col]`), labelled with
/// [`x_labels`](HeatmapChart::x_labels) and
/// [`y_labels`](HeatmapChart::y_labels).
pub fn heatmap_matrix<'a>(z: Vec<Vec<f64>>) -> HeatmapChart<'a> {
    HeatmapChart {
        source: Source::Matrix(z),
        x_labels: None,
        y_labels: None,
        colorscale: None,
        sort: false,
        show_values: false,
        opts: Options::default(),
    }
}

/// Distinct entries of a column in first-appearance order (or sorted), and
/// each row's position among them.
fn categories(column: &Column, sort: bool) -> (DataArray, Vec<Option<usize>>) {
    let text = column.to_text();
    let numbers = column.to_f64();
    let mut distinct: Vec<usize> = Vec::new(); // first row of each category
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (row, value) in text.iter().enumerate() {
        if let Some(v) = value {
            seen.entry(v.as_str()).or_insert_with(|| {
                distinct.push(row);
                distinct.len() - 1
            });
        }
    }
    // The text and number of a row (rows come from `text`, and `numbers`
    // has one per row).
    let text_at = |row: usize| text.get(row).and_then(Option::as_deref);
    let number_at = |n: &[f64], row: usize| n.get(row).copied().unwrap_or(f64::NAN);
    if sort {
        match &numbers {
            Some(n) => distinct.sort_by(|&a, &b| number_at(n, a).total_cmp(&number_at(n, b))),
            None => distinct.sort_by_key(|&row| text_at(row)),
        }
    }
    let position: std::collections::HashMap<&str, usize> = distinct
        .iter()
        .enumerate()
        .filter_map(|(i, &row)| text_at(row).map(|t| (t, i)))
        .collect();
    let at = text
        .iter()
        .map(|v| v.as_deref().and_then(|v| position.get(v).copied()))
        .collect();
    let labels = match numbers {
        Some(n) => DataArray::Numbers(distinct.iter().map(|&r| number_at(&n, r)).collect()),
        None => DataArray::Text(
            distinct
                .iter()
                .map(|&r| text_at(r).map(str::to_owned))
                .collect(),
        ),
    };
    (labels, at)
}

impl HeatmapChart<'_> {
    option_methods!();

    /// The column whose distinct values are the heatmap's columns.
    pub fn x(mut self, column: impl Into<String>) -> Self {
        if let Source::Table { x, .. } = &mut self.source {
            *x = Some(column.into());
        }
        self
    }

    /// The column whose distinct values are the heatmap's rows.
    pub fn y(mut self, column: impl Into<String>) -> Self {
        if let Source::Table { y, .. } = &mut self.source {
            *y = Some(column.into());
        }
        self
    }

    /// The numeric column summed into each cell.
    pub fn z(mut self, column: impl Into<String>) -> Self {
        if let Source::Table { z, .. } = &mut self.source {
            *z = Some(column.into());
        }
        self
    }

    /// Labels of a matrix's columns.
    pub fn x_labels(mut self, labels: impl Into<DataArray>) -> Self {
        self.x_labels = Some(labels.into());
        self
    }

    /// Labels of a matrix's rows.
    pub fn y_labels(mut self, labels: impl Into<DataArray>) -> Self {
        self.y_labels = Some(labels.into());
        self
    }

    /// A colour scale name, e.g. `"Viridis"`, `"Blues"`.
    pub fn colorscale(mut self, scale: impl Into<String>) -> Self {
        self.colorscale = Some(scale.into());
        self
    }

    /// Sort the pivot's categories (numerically for numeric columns)
    /// instead of keeping their order of first appearance.
    pub const fn sort_categories(mut self, sort: bool) -> Self {
        self.sort = sort;
        self
    }

    /// Write each cell's value in it.
    pub const fn show_values(mut self, show: bool) -> Self {
        self.show_values = show;
        self
    }

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when `x` or `y` is not set or not in the table, `z`
    /// is not numeric, a matrix is ragged, or labels do not match its size.
    pub fn build(self) -> Result<Figure, FigureError> {
        let mut layout = self.opts.layout();
        let mut trace = Heatmap::new().hoverongaps(false);
        let (z, xs, ys) = match self.source {
            Source::Table { table, x, y, z } => {
                let table = table?;
                let x = common::required(x.as_ref(), "heatmap", "x")?;
                let y = common::required(y.as_ref(), "heatmap", "y")?;
                let (xs, xi) = categories(common::column(&table, x)?, self.sort);
                let (ys, yi) = categories(common::column(&table, y)?, self.sort);
                let values = match &z {
                    Some(z) => common::numbers(&table, z)?,
                    None => vec![1.0; table.len()],
                };
                let (rows, cols) = (ys.len(), xs.len());
                let mut cells = vec![f64::NAN; rows * cols];
                for ((cx, cy), v) in xi.iter().zip(&yi).zip(&values) {
                    if let (Some(cx), Some(cy)) = (cx, cy)
                        && let Some(cell) = cells.get_mut(cy * cols + cx)
                    {
                        let v = if v.is_finite() { *v } else { 0.0 };
                        *cell = if cell.is_nan() { v } else { *cell + v };
                    }
                }
                let z_label = z
                    .as_deref()
                    .map_or_else(|| "count".to_owned(), |z| self.opts.label(z));
                let (xl, yl) = (self.opts.label(x), self.opts.label(y));
                trace = trace
                    .colorbar_title(&z_label)
                    .hovertemplate(common::hovertemplate(&[
                        (xl.clone(), "%{x}"),
                        (yl.clone(), "%{y}"),
                        (z_label, "%{z}"),
                    ]));
                layout = layout.xaxis_title(xl).yaxis_title(yl);
                let found = cells.len();
                let matrix = DataMatrix::from_flat(rows, cols, cells).ok_or(
                    FigureError::LengthMismatch {
                        what: "z".to_owned(),
                        expected: rows * cols,
                        found,
                    },
                )?;
                (matrix, Some(xs), Some(ys))
            }
            Source::Matrix(rows) => {
                let cols = rows.first().map_or(0, Vec::len);
                let matrix = DataMatrix::from_rows(&rows).ok_or_else(|| {
                    let (i, found) = rows
                        .iter()
                        .enumerate()
                        .find(|(_, r)| r.len() != cols)
                        .map_or((0, cols), |(i, r)| (i, r.len()));
                    FigureError::LengthMismatch {
                        what: format!("row {i} of z"),
                        expected: cols,
                        found,
                    }
                })?;
                let n_rows = rows.len();
                for (what, labels, expected) in [
                    ("x labels", &self.x_labels, cols),
                    ("y labels", &self.y_labels, n_rows),
                ] {
                    if let Some(l) = labels
                        && l.len() != expected
                    {
                        return Err(FigureError::LengthMismatch {
                            what: what.to_owned(),
                            expected,
                            found: l.len(),
                        });
                    }
                }
                (matrix, self.x_labels, self.y_labels)
            }
        };
        trace = trace.z(z);
        if let Some(xs) = xs {
            trace = trace.x(xs);
        }
        if let Some(ys) = ys {
            trace = trace.y(ys);
        }
        if let Some(scale) = self.colorscale {
            trace = trace.colorscale(scale);
        }
        if self.show_values {
            trace = trace.texttemplate("%{z}");
        }
        Ok(Figure::new().trace(trace).layout(layout))
    }
}
